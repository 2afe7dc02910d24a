"""What the benchmark scripts share: one-thread BLAS, the MNIST data, medians, markdown.

Import this module before numpy: it pins numpy's BLAS (and PyTorch's OpenMP) to one thread,
which only works if it happens before the libraries load. lernmi runs on one core, so the
comparisons are one core against one core.
"""

import os

ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
for _name in ONE_THREAD:
    os.environ[_name] = "1"

import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from lernmi.datasets import mnist  # noqa: E402

EPOCH = 60_000                                   # samples in one MNIST training epoch
ROOT = Path(__file__).resolve().parent.parent    # the checkout


def add_data_flag(parser):
    parser.add_argument("--random-data", action="store_true",
                        help="use random numbers of MNIST's shape instead of MNIST")


def load_mnist(random_data=False):
    """MNIST as (train_images, train_labels, test_images, test_labels, where_from).

    Images are float64 in [0, 1] of shape (n, 784), labels int64, from
    lernmi.datasets.mnist: the folder $LERNMI_DATA_DIR names, else the shared folder beside
    this checkout (../shared/data/mnist) if there is one, else lernmi's download cache. If
    none of those works, random numbers of the same shape: the timings are about the
    arithmetic, which is the same for any numbers.
    """
    if not random_data:
        shared = ROOT.parent / "shared" / "data" / "mnist"
        folder = os.environ.get("LERNMI_DATA_DIR") or (shared if shared.is_dir() else None)
        try:
            return (*mnist(data_dir=folder), "MNIST from lernmi.datasets.mnist")
        except Exception as error:  # no files and no download: the benchmark still runs
            print(f"Note: no MNIST ({error}); timing random data of MNIST's shape instead.\n")
    rng = np.random.default_rng(0)
    return (rng.random((EPOCH, 784)), rng.integers(0, 10, EPOCH),
            rng.random((10_000, 784)), rng.integers(0, 10, 10_000),
            "random numbers of MNIST's shape")


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


def cpus():
    """The CPUs this process may run on (fewer than the machine's, in some containers)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


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
            + "), and lernmi's train given threads=1, so every contender uses one core.")
