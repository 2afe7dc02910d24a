"""lernmi.datasets.mnist reads MNIST from a folder, or downloads it once, checked, to a cache.

Every test works on a small fake MNIST (5 training and 3 test images) written with
lernmi.idx; downloads come from an HTTP server on 127.0.0.1 that the test starts. No test
touches the network or the real user cache. One test reads the real MNIST when the
environment variable LERNMI_DATA_DIR names a folder holding it. test_more_datasets.py
reuses these fakes and servers for Fashion-MNIST and Kuzushiji-MNIST.
"""

import functools
import gzip
import hashlib
import http.server
import io
import os
import socket
import subprocess
import sys
import threading

import numpy as np
import pytest

from lernmi import datasets, idx

REAL_DATA_DIR = os.environ.get("LERNMI_DATA_DIR")
SIZES = {"train": 5, "t10k": 3}


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No dataset's variable (LERNMI_DATA_DIR, ...), a user cache inside tmp_path, no proxy
    for 127.0.0.1."""
    for entry in datasets.DATASETS.values():
        monkeypatch.delenv(entry.variable, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


def write_fake_mnist(folder, compressed=True, seed=7):
    """Four small files in MNIST's form in `folder`; returns what mnist() (or any of the
    datasets) should make of them. Another seed makes other pictures and labels."""
    folder.mkdir(exist_ok=True)
    rng = np.random.default_rng(seed)
    arrays = {}
    for part, n in SIZES.items():
        arrays[part] = (rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
                        rng.integers(0, 10, n, dtype=np.uint8))
        suffix = ".gz" if compressed else ""
        idx.save(folder / f"{part}-images-idx3-ubyte{suffix}", arrays[part][0])
        idx.save(folder / f"{part}-labels-idx1-ubyte{suffix}", arrays[part][1])
    return datasets.MNIST(*(array for part in ("train", "t10k") for array in (
        arrays[part][0].reshape(-1, 784) / 255.0, arrays[part][1].astype(np.int64))))


def assert_same(got, expected):
    assert isinstance(got, datasets.MNIST)
    for field in datasets.MNIST._fields:
        a, b = getattr(got, field), getattr(expected, field)
        assert a.dtype == b.dtype and a.shape == b.shape, field
        np.testing.assert_array_equal(a, b, err_msg=field)


@pytest.mark.parametrize("compressed", [True, False], ids=["gz", "raw"])
def test_reads_the_four_files_from_data_dir(tmp_path, compressed):
    expected = write_fake_mnist(tmp_path / "mnist", compressed)
    result = datasets.mnist(tmp_path / "mnist")
    assert_same(result, expected)
    train_images, train_labels, test_images, test_labels = result
    assert train_images.shape == (5, 784) and train_images.dtype == np.float64
    assert test_labels.shape == (3,) and test_labels.dtype == np.int64
    assert 0.0 <= train_images.min() and train_images.max() <= 1.0


@pytest.mark.parametrize("compressed", [True, False], ids=["gz", "raw"])
def test_reads_the_folder_named_by_lernmi_data_dir(tmp_path, monkeypatch, compressed):
    expected = write_fake_mnist(tmp_path / "mnist", compressed)
    monkeypatch.setenv("LERNMI_DATA_DIR", str(tmp_path / "mnist"))
    assert_same(datasets.mnist(), expected)


def test_data_dir_wins_over_the_environment_variable(tmp_path, monkeypatch):
    expected = write_fake_mnist(tmp_path / "mnist")
    monkeypatch.setenv("LERNMI_DATA_DIR", str(tmp_path / "elsewhere"))
    assert_same(datasets.mnist(str(tmp_path / "mnist")), expected)


def test_a_folder_may_mix_raw_and_compressed_files(tmp_path):
    expected = write_fake_mnist(tmp_path / "mnist")
    packed = tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz"
    packed.with_suffix("").write_bytes(gzip.decompress(packed.read_bytes()))
    packed.unlink()
    assert_same(datasets.mnist(tmp_path / "mnist"), expected)


def test_a_missing_file_names_the_file_and_the_folder_and_never_downloads(tmp_path):
    write_fake_mnist(tmp_path / "mnist")
    (tmp_path / "mnist" / "t10k-images-idx3-ubyte.gz").unlink()
    message = r"t10k-images-idx3-ubyte \(or t10k-images-idx3-ubyte.gz\) is not in .*mnist"
    with pytest.raises(FileNotFoundError, match=message):
        datasets.mnist(tmp_path / "mnist", download=True, mirrors=["http://127.0.0.1:9/"])


def test_a_missing_folder_says_where_it_was_named(tmp_path, monkeypatch):
    monkeypatch.setenv("LERNMI_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="nowhere .*named by LERNMI_DATA_DIR"):
        datasets.mnist()


def test_data_dir_must_be_a_path():
    with pytest.raises(TypeError, match="data_dir must be a path, not int"):
        datasets.mnist(3)


@pytest.mark.parametrize("name, array, message", [
    ("train-images-idx3-ubyte.gz", np.zeros((5, 28, 27), np.uint8),
     r"should hold 28 x 28 uint8 images, but holds an array of shape \(5, 28, 27\)"),
    ("train-images-idx3-ubyte.gz", np.zeros((5, 28, 28), np.float32), "type float32"),
    ("t10k-images-idx3-ubyte.gz", np.zeros((4, 28, 28), np.uint8),
     "has 4 images but .*t10k-labels-idx1-ubyte.gz has 3 labels"),
    ("train-labels-idx1-ubyte.gz", np.array([1, 2, 10, 3, 4], np.uint8),
     "has the label 10; MNIST's labels are 0 to 9"),
    ("train-labels-idx1-ubyte.gz", np.zeros((5, 1), np.uint8), "a list of uint8 labels"),
])
def test_files_that_are_not_mnist_raise_a_value_error(tmp_path, name, array, message):
    write_fake_mnist(tmp_path / "mnist")
    idx.save(tmp_path / "mnist" / name, array)
    with pytest.raises(ValueError, match=message):
        datasets.mnist(tmp_path / "mnist")


def test_a_damaged_file_raises_a_value_error_naming_it(tmp_path):
    write_fake_mnist(tmp_path / "mnist")
    (tmp_path / "mnist" / "train-labels-idx1-ubyte.gz").write_bytes(b"\0\0\x08")
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte.gz' is too short"):
        datasets.mnist(tmp_path / "mnist")


def test_importing_lernmi_does_not_import_pooch_or_tqdm():
    code = "import sys, lernmi; lernmi.datasets, lernmi.idx; print(sorted(set(sys.modules) & " \
           "{'pooch', 'tqdm', 'requests'}))"
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout
    assert printed.strip() == "[]"


def test_without_pooch_a_download_asks_for_the_extra_or_local_files(monkeypatch):
    monkeypatch.setitem(sys.modules, "pooch", None)  # import pooch now fails
    with pytest.raises(ImportError, match=r'pip install "lernmi\[mnist\]".*LERNMI_DATA_DIR'):
        datasets.mnist()
    with pytest.raises(FileNotFoundError, match="data_dir=.*LERNMI_DATA_DIR"):
        datasets.mnist(download=False)


# Downloads, from an HTTP server on 127.0.0.1 serving the fake files.

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging, and notes each path asked for in `requested`."""

    def __init__(self, *args, requested, **kwargs):
        self.requested = requested
        super().__init__(*args, **kwargs)

    def do_GET(self):
        self.requested.append(self.path)
        super().do_GET()

    def log_message(self, *args):
        pass


def change_entry(monkeypatch, name, **fields):
    """For one test, DATASETS[name] with some of its fields changed."""
    monkeypatch.setitem(datasets.DATASETS, name, datasets.DATASETS[name]._replace(**fields))


@pytest.fixture
def serve(tmp_path, monkeypatch):
    """Starts local mirrors: serve(name, seed) writes a fake of that dataset, sets its
    entry's checksums to the fake files', serves them on 127.0.0.1, and returns (the URL,
    the expected result, the served folder, the list of paths asked for)."""
    servers = []

    def start(name="mnist", seed=7):
        folder = tmp_path / f"served-{name}"
        expected = write_fake_mnist(folder, seed=seed)
        change_entry(monkeypatch, name, sha256={
            path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in folder.iterdir()})
        requested = []
        handler = functools.partial(QuietHandler, directory=str(folder), requested=requested)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_address[1]}/", expected, folder, requested

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def served(serve):
    """A local mirror of the fake MNIST: (its URL, the expected result, its folder, the
    list of paths asked for)."""
    return serve("mnist")


@pytest.fixture
def dead_url():
    """A URL on a port of 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def cached_names(cache):
    return sorted(path.name for path in cache.iterdir()) if cache.exists() else []


def test_downloads_checks_and_loads_the_files_then_reuses_them(tmp_path, served, dead_url):
    url, expected, *_ = served
    cache = tmp_path / "cache"
    assert_same(datasets.mnist(cache_dir=cache, mirrors=[url]), expected)
    assert cached_names(cache) == sorted(name + ".gz" for name in datasets.FILES)
    # From now on the cache is enough: no mirror answers, and none is needed.
    assert_same(datasets.mnist(cache_dir=cache, mirrors=[dead_url]), expected)
    assert_same(datasets.mnist(cache_dir=cache, download=False), expected)


def test_the_default_cache_is_lernmis_folder_in_the_user_cache(tmp_path, served):
    url, expected, *_ = served
    assert_same(datasets.mnist(mirrors=(url,)), expected)
    assert len(cached_names(tmp_path / "user-cache" / "lernmi")) == 4


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_sees_a_progress_bar(tmp_path, served, monkeypatch):
    url, expected, *_ = served
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert_same(datasets.mnist(cache_dir=tmp_path / "cache", mirrors=[url]), expected)
    assert "100%" in sys.stderr.getvalue()


def test_a_dead_first_mirror_falls_back_to_the_next(tmp_path, served, dead_url):
    url, expected, *_ = served
    assert_same(datasets.mnist(cache_dir=tmp_path / "cache", mirrors=(dead_url, url)),
                expected)


def test_after_a_fallback_the_next_file_starts_at_the_mirror_that_worked(tmp_path, served):
    url, expected, _, requested = served
    missing = url + "no-such-folder/"  # answers 404
    assert_same(datasets.mnist(cache_dir=tmp_path / "cache", mirrors=(missing, url)),
                expected)
    assert requested == ["/no-such-folder/train-images-idx3-ubyte.gz"] + [
        f"/{name}.gz" for name in datasets.FILES]


def test_the_tables_mirrors_are_the_default(tmp_path, served, monkeypatch):
    url, expected, *_ = served
    change_entry(monkeypatch, "mnist", mirrors=(url,))
    assert_same(datasets.mnist(cache_dir=tmp_path / "cache"), expected)


def test_a_corrupted_download_is_neither_kept_nor_returned(tmp_path, served):
    url, _, folder, _ = served
    labels = folder / "train-labels-idx1-ubyte.gz"
    labels.write_bytes(labels.read_bytes()[:-1] + b"!")  # the mirror serves a damaged copy
    cache = tmp_path / "cache"
    with pytest.raises(datasets.DownloadError, match="train-labels-idx1-ubyte.gz.*hash"):
        datasets.mnist(cache_dir=cache, mirrors=[url])
    # The images downloaded before it are good and stay; of the labels, nothing is left.
    assert cached_names(cache) == ["train-images-idx3-ubyte.gz"]


def test_a_damaged_file_in_the_cache_is_downloaded_again(tmp_path, served):
    url, expected, *_ = served
    cache = tmp_path / "cache"
    datasets.mnist(cache_dir=cache, mirrors=[url])
    (cache / "t10k-images-idx3-ubyte.gz").write_bytes(b"damaged")
    with pytest.raises(FileNotFoundError, match="not in the download cache"):
        datasets.mnist(cache_dir=cache, download=False)
    assert_same(datasets.mnist(cache_dir=cache, mirrors=[url]), expected)


def test_when_every_mirror_fails_the_error_lists_them_and_the_way_out(tmp_path, served,
                                                                       dead_url):
    url, *_ = served
    missing = url + "no-such-folder/"
    cache = tmp_path / "cache"
    with pytest.raises(datasets.DownloadError) as raised:
        datasets.mnist(cache_dir=cache, mirrors=[dead_url, missing])
    message = str(raised.value)
    assert isinstance(raised.value, OSError)
    for tried in (dead_url, missing):
        assert tried + "train-images-idx3-ubyte.gz" in message
    assert "404" in message and "data_dir=" in message and "LERNMI_DATA_DIR" in message
    assert cached_names(cache) == []


def test_download_false_never_downloads(tmp_path, served):
    url, *_ = served
    with pytest.raises(FileNotFoundError, match="download=False .*LERNMI_DATA_DIR"):
        datasets.mnist(download=False, cache_dir=tmp_path / "cache", mirrors=[url])
    assert cached_names(tmp_path / "cache") == []


@pytest.mark.parametrize("mirrors", ["http://127.0.0.1/", []])
def test_mirrors_must_be_a_list_of_urls(tmp_path, mirrors):
    with pytest.raises(ValueError, match="mirrors must be a non-empty sequence"):
        datasets.mnist(cache_dir=tmp_path, mirrors=mirrors)


@pytest.mark.parametrize("mirrors", [3, {"http://127.0.0.1:9/"}, [b"http://127.0.0.1:9/"]])
def test_mirrors_of_another_type_are_a_type_error(tmp_path, mirrors):
    with pytest.raises(TypeError, match="mirrors must be a sequence of base URLs \\(str\\)"):
        datasets.load("mnist", cache_dir=tmp_path / "cache", mirrors=mirrors)
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("download", ["no", 0, None])
def test_download_must_be_true_or_false(tmp_path, download):
    # "no", a true value, would download.
    with pytest.raises(TypeError, match="download must be True or False"):
        datasets.load("mnist", download=download, cache_dir=tmp_path / "cache",
                      mirrors=["http://127.0.0.1:9/"])
    assert not (tmp_path / "cache").exists()


# The real MNIST, where the environment names a folder holding it (CI does).

@pytest.mark.skipif(not REAL_DATA_DIR, reason="set LERNMI_DATA_DIR to a folder holding MNIST")
def test_the_real_mnist():
    train_images, train_labels, test_images, test_labels = datasets.mnist(REAL_DATA_DIR)
    assert train_images.shape == (60000, 784) and test_images.shape == (10000, 784)
    assert train_labels.shape == (60000,) and test_labels.shape == (10000,)
    for images in (train_images, test_images):
        assert images.dtype == np.float64 and images.min() == 0.0 and images.max() == 1.0
    assert list(train_labels[:5]) == [5, 0, 4, 1, 9] and list(test_labels[:5]) == [7, 2, 1, 0, 4]
    assert list(np.bincount(train_labels)) == [5923, 6742, 5958, 6131, 5842,
                                               5421, 5918, 6265, 5851, 5949]
    assert list(np.bincount(test_labels)) == [980, 1135, 1032, 1010, 982,
                                              892, 958, 1028, 974, 1009]
