"""Fashion-MNIST and Kuzushiji-MNIST load like MNIST, each from its own folder and cache.

The three datasets share their four file names, so what keeps them apart is tested here:
each has its own environment variable, its own download subfolder and its own checksums,
all from one table, lernmi.datasets.DATASETS. Fakes and local servers come from
test_datasets.py; no test touches the network or the real user cache. The real files are
read only when LERNMI_FASHION_MNIST_DIR or LERNMI_KMNIST_DIR names a folder holding them.
"""

import os
import re
import sys

import numpy as np
import pytest

from lernmi import datasets, idx
from test_datasets import (assert_same, cached_names, change_entry, dead_url,  # noqa: F401
                           isolated, serve, write_fake_mnist)

NEW = ["fashion_mnist", "kmnist"]
TITLES = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST", "kmnist": "Kuzushiji-MNIST"}
VARIABLES = {"mnist": "LERNMI_DATA_DIR", "fashion_mnist": "LERNMI_FASHION_MNIST_DIR",
             "kmnist": "LERNMI_KMNIST_DIR"}
# Read now: during each test the fixture `isolated` hides these variables.
REAL_FOLDERS = {name: os.environ.get(VARIABLES[name], "") for name in NEW}


def loader(name):
    """The thin function named after the dataset: datasets.fashion_mnist, ..."""
    return getattr(datasets, name)


# The table.

def test_the_table_holds_the_three_datasets_and_their_functions():
    assert list(datasets.DATASETS) == ["mnist", "fashion_mnist", "kmnist"]
    for name, entry in datasets.DATASETS.items():
        assert entry.name == name and entry.title == TITLES[name]
        assert entry.variable == VARIABLES[name]
        assert callable(loader(name))


def test_each_dataset_has_its_ten_class_names():
    classes = {name: entry.classes for name, entry in datasets.DATASETS.items()}
    assert classes["mnist"] == ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
    assert classes["fashion_mnist"] == ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
    assert classes["kmnist"] == ("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo")


def test_each_dataset_has_a_checksum_per_file_and_never_anothers():
    seen = set()
    for entry in datasets.DATASETS.values():
        assert sorted(entry.sha256) == sorted(name + ".gz" for name in datasets.FILES)
        for digest in entry.sha256.values():
            assert re.fullmatch(r"[0-9a-f]{64}", digest)
        seen |= set(entry.sha256.values())
    assert len(seen) == 12


def test_mirrors_subfolders_and_variables_keep_the_datasets_apart():
    entries = list(datasets.DATASETS.values())
    for entry in entries:
        assert entry.mirrors and all(re.fullmatch(r"https?://\S+/", m) for m in entry.mirrors)
    assert len({entry.variable for entry in entries}) == 3
    # MNIST's downloads stay in the cache folder itself, where lernmi always put them.
    assert [entry.subfolder for entry in entries] == ["", "fashion_mnist", "kmnist"]


def test_the_official_mirrors_come_first():
    assert datasets.DATASETS["fashion_mnist"].mirrors[0] == \
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
    assert "codh.rois.ac.jp/kmnist/dataset/kmnist/" in datasets.DATASETS["kmnist"].mirrors[0]


def test_load_names_the_datasets_it_knows():
    with pytest.raises(ValueError, match="no dataset 'emnist'; .* mnist, fashion_mnist, kmnist"):
        datasets.load("emnist")
    with pytest.raises(TypeError, match="name must be a str, not int"):
        datasets.load(3)


# Reading a folder.

@pytest.mark.parametrize("name", NEW)
@pytest.mark.parametrize("compressed", [True, False], ids=["gz", "raw"])
def test_reads_the_four_files_from_data_dir(tmp_path, name, compressed):
    expected = write_fake_mnist(tmp_path / name, compressed)
    assert_same(loader(name)(tmp_path / name), expected)
    assert_same(datasets.load(name, str(tmp_path / name)), expected)


@pytest.mark.parametrize("name", NEW)
def test_reads_the_folder_its_own_variable_names(tmp_path, monkeypatch, name):
    expected = write_fake_mnist(tmp_path / name, seed=8)
    monkeypatch.setenv(VARIABLES[name], str(tmp_path / name))
    assert_same(loader(name)(), expected)


@pytest.mark.parametrize("name", NEW)
def test_lernmi_data_dir_names_mnists_folder_only(tmp_path, monkeypatch, name):
    digits = write_fake_mnist(tmp_path / "mnist")
    monkeypatch.setenv("LERNMI_DATA_DIR", str(tmp_path / "mnist"))
    with pytest.raises(FileNotFoundError, match=f"{TITLES[name]} is not in the download cache"):
        loader(name)(download=False, cache_dir=tmp_path / "cache")
    # ... and the new variables never change where MNIST comes from.
    monkeypatch.setenv(VARIABLES[name], str(tmp_path / "nowhere"))
    assert_same(datasets.mnist(), digits)


@pytest.mark.parametrize("name", NEW)
def test_a_missing_folder_or_file_names_the_dataset(tmp_path, monkeypatch, name):
    monkeypatch.setenv(VARIABLES[name], str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match=f"The {TITLES[name]} folder .*nowhere "
                       rf"\(named by {VARIABLES[name]}\)"):
        loader(name)()
    write_fake_mnist(tmp_path / name)
    (tmp_path / name / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match=f"train-labels-idx1-ubyte.gz\\) is not in the "
                       f"{TITLES[name]} folder .*{name}\\(data_dir=FOLDER\\)"):
        loader(name)(tmp_path / name)


@pytest.mark.parametrize("name", NEW)
def test_a_label_outside_the_classes_names_the_dataset(tmp_path, name):
    write_fake_mnist(tmp_path / name)
    idx.save(tmp_path / name / "t10k-labels-idx1-ubyte.gz", np.array([1, 10, 2], np.uint8))
    with pytest.raises(ValueError, match=f"label 10; {TITLES[name]}'s labels are 0 to 9"):
        loader(name)(tmp_path / name)


@pytest.mark.parametrize("name", NEW)
def test_without_pooch_a_download_names_the_dataset(monkeypatch, name):
    monkeypatch.setitem(sys.modules, "pooch", None)  # import pooch now fails
    with pytest.raises(ImportError, match=f"Downloading {TITLES[name]} needs pooch.*"
                       f"{VARIABLES[name]}"):
        loader(name)()


# Downloading, from a server on 127.0.0.1.

@pytest.mark.parametrize("name", NEW)
def test_downloads_checks_and_loads_into_its_subfolder_then_reuses_it(tmp_path, serve,
                                                                      dead_url, name):
    url, expected, *_ = serve(name, seed=8)
    cache = tmp_path / "cache"
    assert_same(loader(name)(cache_dir=cache, mirrors=[url]), expected)
    assert cached_names(cache) == [name]
    assert cached_names(cache / name) == sorted(f + ".gz" for f in datasets.FILES)
    assert_same(loader(name)(cache_dir=cache, mirrors=[dead_url]), expected)
    assert_same(loader(name)(cache_dir=cache, download=False), expected)


@pytest.mark.parametrize("name", NEW)
def test_the_default_cache_is_a_subfolder_of_lernmis(tmp_path, serve, monkeypatch, name):
    url, expected, *_ = serve(name)
    change_entry(monkeypatch, name, mirrors=(url,))  # the table's mirrors are the default
    assert_same(loader(name)(), expected)
    assert len(cached_names(tmp_path / "user-cache" / "lernmi" / name)) == 4


@pytest.mark.parametrize("name", NEW)
def test_a_wrong_checksum_is_refused_and_nothing_is_kept(tmp_path, serve, name):
    url, _, folder, _ = serve(name)
    images = folder / "train-images-idx3-ubyte.gz"
    images.write_bytes(images.read_bytes()[:-1] + b"!")  # the mirror serves a damaged copy
    cache = tmp_path / "cache"
    with pytest.raises(datasets.DownloadError,
                       match=f"(?s){TITLES[name]}'s train-images-idx3-ubyte.gz.*hash"):
        loader(name)(cache_dir=cache, mirrors=[url])
    assert cached_names(cache / name) == []


@pytest.mark.parametrize("name", NEW)
def test_the_real_checksums_refuse_a_fake(tmp_path, serve, monkeypatch, name):
    real = datasets.DATASETS[name].sha256
    url, *_ = serve(name)
    change_entry(monkeypatch, name, sha256=real)  # the table's own checksums again
    with pytest.raises(datasets.DownloadError) as raised:
        loader(name)(cache_dir=tmp_path / "cache", mirrors=[url])
    message = str(raised.value)
    assert TITLES[name] in message and url in message and "data_dir=" in message
    assert cached_names(tmp_path / "cache" / name) == []


@pytest.mark.parametrize("name", NEW)
def test_download_false_with_an_empty_cache_raises(tmp_path, serve, name):
    url, _, _, requested = serve(name)
    with pytest.raises(FileNotFoundError, match=f"{TITLES[name]} is not in the download cache"
                       f".*download=False.*{VARIABLES[name]}"):
        loader(name)(download=False, cache_dir=tmp_path / "cache", mirrors=[url])
    assert requested == [] and not (tmp_path / "cache").exists()


def test_one_cache_keeps_the_three_datasets_apart(tmp_path, serve):
    served = {name: serve(name, seed) for name, seed in
              [("mnist", 7), ("fashion_mnist", 8), ("kmnist", 9)]}
    for cache in (tmp_path / "cache", None):  # a folder given, and the user cache
        for name, (url, expected, *_) in served.items():
            assert_same(loader(name)(cache_dir=cache, mirrors=[url]), expected)
        for name, (url, expected, *_) in served.items():
            assert_same(loader(name)(cache_dir=cache, download=False), expected)
    cache = tmp_path / "cache"
    assert cached_names(cache) == sorted(["fashion_mnist", "kmnist"]
                                         + [f + ".gz" for f in datasets.FILES])
    # MNIST's files are where lernmi always kept them, beside the others' subfolders.
    assert cached_names(tmp_path / "user-cache" / "lernmi") == cached_names(cache)


def test_another_datasets_files_in_the_cache_are_not_taken(tmp_path, serve):
    fashion_url, *_ = serve("fashion_mnist", seed=8)
    cache = tmp_path / "cache"
    datasets.fashion_mnist(cache_dir=cache, mirrors=[fashion_url])
    # Fashion-MNIST's files copied where KMNIST's belong do not pass KMNIST's checksums.
    (cache / "kmnist").mkdir()
    for path in (cache / "fashion_mnist").iterdir():
        (cache / "kmnist" / path.name).write_bytes(path.read_bytes())
    with pytest.raises(FileNotFoundError, match="Kuzushiji-MNIST is not in the download cache"):
        datasets.kmnist(cache_dir=cache, download=False)


# The real datasets, where the environment names a folder holding them.

def real_folder(name):
    folder = REAL_FOLDERS[name]
    if not folder.strip() or not os.path.isdir(folder):
        pytest.skip(f"set {VARIABLES[name]} to a folder holding the real {TITLES[name]}")
    return folder


@pytest.mark.parametrize("name", NEW)
def test_the_real_dataset(name):
    # Both are balanced: 6,000 training and 1,000 test pictures of each class.
    train_images, train_labels, test_images, test_labels = loader(name)(real_folder(name))
    assert train_images.shape == (60000, 784) and test_images.shape == (10000, 784)
    for images in (train_images, test_images):
        assert images.dtype == np.float64 and images.min() == 0.0 and images.max() == 1.0
    assert list(np.bincount(train_labels)) == [6000] * 10
    assert list(np.bincount(test_labels)) == [1000] * 10
