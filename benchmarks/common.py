"""What the benchmark scripts share: one-thread BLAS, the MNIST data, medians, markdown.

Import this module before numpy: it pins numpy's BLAS (and PyTorch's OpenMP) to one thread,
which only works if it happens before the libraries load. lernmi runs on one core, so the
comparisons are one core against one core.
"""

import os

ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
for _name in ONE_THREAD:
    os.environ[_name] = "1"

import gzip  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

EPOCH = 60_000                                   # samples in one MNIST training epoch
IMAGE_HEADER, LABEL_HEADER = 16, 8               # bytes before the data in the IDX files
DEFAULT_DATA_DIR = Path("/work/shared/data/mnist")
FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def add_data_flag(parser):
    parser.add_argument("--random-data", action="store_true",
                        help="use random numbers of MNIST's shape instead of MNIST")


def load_mnist(random_data=False):
    """MNIST as (train_images, train_labels, test_images, test_labels, where_from).

    Images are float64 in [0, 1] of shape (n, 784), labels int64. Taken from
    lernmi.datasets.mnist when lernmi has it, else read from the IDX files in
    $LERNMI_DATA_DIR (or /work/shared/data/mnist), else made up at random: the timings are
    about the arithmetic, which is the same for any numbers of the right shape.
    """
    if not random_data:
        directory = _data_dir()
        data = _from_lernmi(directory)
        if data is not None:
            return data
        if directory is not None:
            return (*_read_idx(directory), f"MNIST read from {directory}")
        print("Note: no MNIST files found (set LERNMI_DATA_DIR); timing random data of "
              "MNIST's shape instead.\n")
    rng = np.random.default_rng(0)
    return (rng.random((EPOCH, 784)), rng.integers(0, 10, EPOCH),
            rng.random((10_000, 784)), rng.integers(0, 10, 10_000),
            "random numbers of MNIST's shape")


def _from_lernmi(directory):
    try:
        from lernmi.datasets import mnist
    except ImportError:
        return None  # an older lernmi: read the files here instead
    try:
        return (*mnist(data_dir=directory), "MNIST from lernmi.datasets.mnist")
    except Exception as error:  # a failed download, say: the benchmark can still run
        print(f"Note: lernmi.datasets.mnist failed ({error}); reading the files here.\n")
        return None


def _data_dir():
    candidates = [os.environ.get("LERNMI_DATA_DIR"), DEFAULT_DATA_DIR]
    for directory in filter(None, candidates):
        if all((Path(directory) / name).is_file() for name in FILES):
            return Path(directory)
    return None


def _read_idx(directory):
    def read(name, header):
        with gzip.open(directory / name, "rb") as f:
            return np.frombuffer(f.read(), dtype=np.uint8, offset=header)

    images = [read(name, IMAGE_HEADER).reshape(-1, 784) / 255.0 for name in FILES[0::2]]
    labels = [read(name, LABEL_HEADER).astype(np.int64) for name in FILES[1::2]]
    return images[0], labels[0], images[1], labels[1]


def one_hot(labels, classes=10):
    """Targets for a sigmoid output layer: row k is 1.0 at labels[k] and 0.0 elsewhere."""
    targets = np.zeros((len(labels), classes))
    targets[np.arange(len(labels)), labels] = 1.0
    return targets


def seconds(run):
    """Wall-clock seconds that run() takes."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def median(values):
    return statistics.median(values)


def parse_sizes(text):
    """'784-30-10,784-100-10' -> [[784, 30, 10], [784, 100, 10]]."""
    return [[int(n) for n in size.split("-")] for size in text.split(",") if size]


def name(sizes):
    """[784, 30, 10] -> '784-30-10'."""
    return "-".join(map(str, sizes))


def weight_count(sizes):
    """Weights of a fully connected network, biases included: (n_in + 1) * n_out per layer."""
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes, sizes[1:]))


def markdown_table(header, rows):
    """A markdown table, columns padded so it reads in a terminal too."""
    cells = [list(map(str, header))] + [list(map(str, row)) for row in rows]
    widths = [max(3, *(len(row[c]) for row in cells)) for c in range(len(header))]

    def line(row):
        return "| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |"

    rule = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([line(cells[0]), rule] + [line(row) for row in cells[1:]])


def one_thread_note():
    return ("BLAS and OpenMP pinned to one thread (" + ", ".join(f"{n}=1" for n in ONE_THREAD)
            + ") so every contender uses one core, as lernmi does.")
