"""Handwritten digits, clothes and hiragana, ready for a lernmi Network.

`mnist` (handwritten digits), `fashion_mnist` (Zalando's pictures of clothes, shoes and
bags) and `kmnist` (ten hiragana in old cursive Japanese) come in the same form, MNIST's:
60,000 training and 10,000 test pictures, each 28 x 28 pixels flattened to a vector of 784
numbers from 0 (background) to 1 (ink), each with a label 0 to 9 naming one of ten classes.

Each is published as four IDX files (see lernmi.idx) with the same four names. `load`
reads them from a folder you name, or else downloads them once into your cache folder with
pooch (``pip install "lernmi[mnist]"``), checking each file's SHA-256 before keeping it.
What differs between the datasets is one entry in the table `DATASETS`.
Also here: lernmi.toy_data's 2-D sets `xor`, `circles`, `moons`, `spirals` and `gaussians`.
"""

import collections
import hashlib
import importlib.util
import os
import sys
from pathlib import Path

import numpy as np

from . import idx
from ._checks import texts, true_or_false
from .toy_data import circles, gaussians, moons, spirals, xor  # noqa: F401

__all__ = ["mnist", "fashion_mnist", "kmnist", "load", "MNIST", "DATASETS", "Dataset",
           "DownloadError", "xor", "circles", "moons", "spirals", "gaussians"]

MNIST = collections.namedtuple("MNIST", ["train_images", "train_labels",
                                         "test_images", "test_labels"])
MNIST.__doc__ = """Four arrays in MNIST's form, which all three datasets share:
images (n, 784) float64 in [0, 1], labels (n,) int64 in 0..9."""

Dataset = collections.namedtuple("Dataset", ["name", "title", "item", "classes", "sha256",
                                             "mirrors", "variable", "subfolder"])
Dataset.__doc__ = """One entry of `DATASETS`: everything that differs between the datasets.

name       what `load` and the example's --dataset option call it, e.g. "kmnist"
title      what messages call it, e.g. "Kuzushiji-MNIST"
item       what one picture shows, as the MNIST example prints it, e.g. "digit"
classes    the ten class names, in label order: label 3 means classes[3]
sha256     the SHA-256 of each of the four .gz files as the mirrors serve them
mirrors    base URLs to download from, tried in order
variable   the environment variable that may name a folder holding the four files
subfolder  where in the download cache its files go ("" for the cache itself)"""

#: The four files of each dataset, in the order of MNIST's fields; each may end in ".gz".
FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")

#: The datasets, by name. The three share FILES' names, so each has a download subfolder
#: and an environment variable of its own; MNIST's are the ones lernmi has always used.
#: Fashion-MNIST's and KMNIST's checksums are those tensorflow/datasets (url_checksums)
#: and pytorch/vision (prototype datasets) publish for the same files.
DATASETS = {entry.name: entry for entry in [
    Dataset(name="mnist", title="MNIST", item="digit", classes=tuple("0123456789"),
            sha256={"train-images-idx3-ubyte.gz":
                    "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                    "train-labels-idx1-ubyte.gz":
                    "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                    "t10k-images-idx3-ubyte.gz":
                    "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                    "t10k-labels-idx1-ubyte.gz":
                    "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"},
            mirrors=("https://ossci-datasets.s3.amazonaws.com/mnist/",
                     "https://storage.googleapis.com/cvdf-datasets/mnist/"),
            variable="LERNMI_DATA_DIR", subfolder=""),
    Dataset(name="fashion_mnist", title="Fashion-MNIST", item="Fashion-MNIST article",
            classes=("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                     "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
            sha256={"train-images-idx3-ubyte.gz":
                    "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                    "train-labels-idx1-ubyte.gz":
                    "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                    "t10k-images-idx3-ubyte.gz":
                    "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                    "t10k-labels-idx1-ubyte.gz":
                    "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"},
            mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                     "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/"
                     "master/data/fashion/"),
            variable="LERNMI_FASHION_MNIST_DIR", subfolder="fashion_mnist"),
    # KMNIST's classes are the hiragana お, き, す, つ, な, は, ま, や, れ, を.
    Dataset(name="kmnist", title="Kuzushiji-MNIST", item="Kuzushiji-MNIST character",
            classes=("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"),
            sha256={"train-images-idx3-ubyte.gz":
                    "51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4",
                    "train-labels-idx1-ubyte.gz":
                    "e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17",
                    "t10k-images-idx3-ubyte.gz":
                    "edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5",
                    "t10k-labels-idx1-ubyte.gz":
                    "20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c"},
            mirrors=("https://codh.rois.ac.jp/kmnist/dataset/kmnist/",
                     "http://codh.rois.ac.jp/kmnist/dataset/kmnist/"),
            variable="LERNMI_KMNIST_DIR", subfolder="kmnist"),
]}

SIDE = 28  # pixels along each side of an image


class DownloadError(OSError):
    """Raised when no mirror gave a copy of a dataset's file whose checksum is right; the
    message names the dataset, the file and every URL tried."""


def load(name, data_dir=None, download=True, *, cache_dir=None, mirrors=None):
    """Load the dataset `name` as ``(train_images, train_labels, test_images, test_labels)``.

    The files are read from `data_dir` if given, else from the folder named by the
    dataset's environment variable (``LERNMI_DATA_DIR`` for MNIST,
    ``LERNMI_FASHION_MNIST_DIR``, ``LERNMI_KMNIST_DIR``) if set; from a named folder nothing
    is ever downloaded. Otherwise they come from the cache folder, downloaded there first
    if need be (11 to 31 MB). Each download is checked against its SHA-256 before it is
    kept, so the cache never holds a partial or corrupted file.

    Parameters
    ----------
    name : str
        Which dataset: a key of `DATASETS`, "mnist", "fashion_mnist" or "kmnist".
    data_dir : str or os.PathLike, optional
        A folder holding this dataset's four files ``train-images-idx3-ubyte``,
        ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte`` and
        ``t10k-labels-idx1-ubyte``, each raw or gzip-compressed with ".gz" added. The three
        datasets use the same four names, so each needs a folder of its own: a folder of
        MNIST files given to `fashion_mnist` loads digits, not clothes.
    download : bool, default True
        Whether files missing from the cache may be downloaded. With False, only a
        named folder or files already in the cache are used.
    cache_dir : str or os.PathLike, optional
        Where downloads are kept; by default lernmi's folder in your user cache
        (``pooch.os_cache("lernmi")``, for example ``~/.cache/lernmi`` on Linux). MNIST's
        files go in that folder itself, the others' in a subfolder named after them
        (``~/.cache/lernmi/fashion_mnist``), so the datasets never mix.
    mirrors : sequence of str, optional
        Base URLs to download from, tried in order; by default the dataset's own
        (``DATASETS[name].mirrors``).

    Returns
    -------
    MNIST
        A named tuple ``(train_images, train_labels, test_images, test_labels)``. The
        images are float64 arrays of shape (60000, 784) and (10000, 784), each row one
        image read row by row, scaled from 0..255 to [0, 1]; the labels are int64 arrays
        of shape (60000,) and (10000,) holding 0 to 9, label k naming the class
        ``DATASETS[name].classes[k]``.

    Raises
    ------
    TypeError
        If `download` is not True or False, or `mirrors` not a sequence of str.
    ValueError
        If `name` is not a dataset lernmi knows (the message lists them), or if a file is
        not in MNIST's form: not IDX, not 28 x 28 uint8 images, labels outside 0..9, or a
        different number of images and labels.
    FileNotFoundError
        If a named folder lacks one of the files (the message names the dataset, the
        file and the folder), or if `download` is False and the cache does not hold all
        four files.
    ImportError
        If a download is needed and pooch is not installed.
    DownloadError
        A subclass of OSError, if no mirror gave a good copy of a file; the message
        lists what was tried and how to use local files instead.

    Examples
    --------
    >>> from lernmi.datasets import DATASETS, load
    >>> data = load("fashion_mnist")  # doctest: +SKIP
    >>> data.train_images.shape  # doctest: +SKIP
    (60000, 784)
    >>> DATASETS["fashion_mnist"].classes[9]
    'Ankle boot'
    """
    dataset = _dataset(name)
    true_or_false(download, "download")
    mirrors = list(dataset.mirrors) if mirrors is None else texts(mirrors, "mirrors", "base URLs")
    folder, origin = _named_folder(dataset, data_dir)
    if folder is not None:
        paths = _files_in(dataset, folder, origin)
    elif download:
        paths = _download(dataset, cache_dir, mirrors)
    else:
        paths = _cached(dataset, cache_dir)
    train = _images_and_labels(dataset, paths[0], paths[1])
    test = _images_and_labels(dataset, paths[2], paths[3])
    return MNIST(*train, *test)


def mnist(data_dir=None, download=True, *, cache_dir=None, mirrors=None):
    """MNIST, 70,000 handwritten digits 0 to 9: ``load("mnist", ...)``.

    Returns the named tuple ``(train_images, train_labels, test_images, test_labels)`` that
    `load` describes; each label is the digit its picture shows.

    Parameters
    ----------
    data_dir, download, cache_dir, mirrors
        As for `load`: a folder holding MNIST's four files (by default the one
        ``LERNMI_DATA_DIR`` names, if set), whether files may be downloaded (about
        11 MB, into your cache folder itself), where to keep them, and from where.

    Examples
    --------
    >>> from lernmi.datasets import mnist
    >>> train_images, train_labels, test_images, test_labels = mnist()  # doctest: +SKIP
    >>> train_images.shape, train_labels[:5]  # doctest: +SKIP
    ((60000, 784), array([5, 0, 4, 1, 9]))
    """
    return load("mnist", data_dir, download, cache_dir=cache_dir, mirrors=mirrors)


def fashion_mnist(data_dir=None, download=True, *, cache_dir=None, mirrors=None):
    """Fashion-MNIST, 70,000 pictures of clothes, shoes and bags: ``load("fashion_mnist")``.

    Returns `load`'s four arrays; the labels 0 to 9 stand for T-shirt/top, Trouser,
    Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag and Ankle boot
    (``DATASETS["fashion_mnist"].classes``). Harder than MNIST: a network that gets 98% of
    the digits right gets fewer of these right.

    Parameters
    ----------
    data_dir, download, cache_dir, mirrors
        As for `load`: a folder holding Fashion-MNIST's four files (by default the one
        ``LERNMI_FASHION_MNIST_DIR`` names, if set), whether files may be downloaded
        (about 31 MB, into the subfolder fashion_mnist of your cache folder), where to
        keep them, and from where.

    Examples
    --------
    >>> from lernmi.datasets import DATASETS, fashion_mnist
    >>> data = fashion_mnist()  # doctest: +SKIP
    >>> DATASETS["fashion_mnist"].classes[data.train_labels[0]]  # doctest: +SKIP
    'Ankle boot'
    """
    return load("fashion_mnist", data_dir, download, cache_dir=cache_dir, mirrors=mirrors)


def kmnist(data_dir=None, download=True, *, cache_dir=None, mirrors=None):
    """Kuzushiji-MNIST, 70,000 handwritten cursive hiragana: ``load("kmnist", ...)``.

    Returns `load`'s four arrays; the labels 0 to 9 stand for the hiragana o, ki, su, tsu,
    na, ha, ma, ya, re and wo (``DATASETS["kmnist"].classes``), one from each row of the
    hiragana table, in kuzushiji, the cursive script of Japanese books until about 150
    years ago. Harder than MNIST.

    Parameters
    ----------
    data_dir, download, cache_dir, mirrors
        As for `load`: a folder holding Kuzushiji-MNIST's four files (by default the one
        ``LERNMI_KMNIST_DIR`` names, if set), whether files may be downloaded (about
        21 MB, into the subfolder kmnist of your cache folder), where to keep them, and
        from where.

    Examples
    --------
    >>> from lernmi.datasets import DATASETS, kmnist
    >>> data = kmnist("kmnist-files")  # doctest: +SKIP
    >>> data.test_images.shape  # doctest: +SKIP
    (10000, 784)
    >>> DATASETS["kmnist"].classes[:4]
    ('o', 'ki', 'su', 'tsu')
    """
    return load("kmnist", data_dir, download, cache_dir=cache_dir, mirrors=mirrors)


def _dataset(name):
    """The entry of DATASETS called `name`, or a clear error naming the choices."""
    if not isinstance(name, str):
        raise TypeError(f"the dataset's name must be a str, not {type(name).__name__}")
    if name not in DATASETS:
        raise ValueError(f"there is no dataset {name!r}; lernmi.datasets has "
                         + ", ".join(DATASETS))
    return DATASETS[name]


def _advice(dataset):
    """How to use files the user already has, for the end of an error message."""
    return (f"To use {dataset.title} files you already have, pass "
            f"{dataset.name}(data_dir=FOLDER) or set the environment variable "
            f"{dataset.variable}=FOLDER, where FOLDER holds {dataset.title}'s "
            + ", ".join(FILES) + " (each may end in .gz).")


def _named_folder(dataset, data_dir):
    """The folder the user named, and how they named it; (None, None) if they did not."""
    if data_dir is not None:
        if not isinstance(data_dir, (str, os.PathLike)):
            raise TypeError(f"data_dir must be a path, not {type(data_dir).__name__}")
        return Path(data_dir), "given as data_dir"
    variable = os.environ.get(dataset.variable, "")
    if variable.strip():
        return Path(variable), f"named by {dataset.variable}"
    return None, None


def _files_in(dataset, folder, origin):
    """The paths of the four files in `folder`, each raw or with ".gz"."""
    if not folder.is_dir():
        raise FileNotFoundError(f"The {dataset.title} folder {folder} ({origin}) does not "
                                "exist. " + _advice(dataset))
    paths = []
    for name in FILES:
        found = [folder / file for file in (name, name + ".gz") if (folder / file).is_file()]
        if not found:
            raise FileNotFoundError(f"{name} (or {name}.gz) is not in the {dataset.title} "
                                    f"folder {folder} ({origin}). " + _advice(dataset))
        paths.append(found[0])
    return paths


def _images_and_labels(dataset, images_path, labels_path):
    """One half of a dataset, checked: images as (n, 784) float64 in [0, 1], labels int64."""
    images, labels = idx.load(images_path), idx.load(labels_path)
    if images.dtype != np.uint8 or images.shape[1:] != (SIDE, SIDE):
        raise ValueError(f"{images_path} should hold {SIDE} x {SIDE} uint8 images, but "
                         f"holds an array of shape {images.shape} and type {images.dtype}")
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise ValueError(f"{labels_path} should hold a list of uint8 labels, but holds an "
                         f"array of shape {labels.shape} and type {labels.dtype}")
    if len(images) != len(labels):
        raise ValueError(f"{images_path} has {len(images)} images but {labels_path} has "
                         f"{len(labels)} labels")
    if len(labels) and labels.max() >= len(dataset.classes):
        raise ValueError(f"{labels_path} has the label {labels.max()}; {dataset.title}'s "
                         f"labels are 0 to {len(dataset.classes) - 1}")
    return images.reshape(len(images), SIDE * SIDE) / 255.0, labels.astype(np.int64)


def _download(dataset, cache_dir, mirrors):
    """The paths of the four compressed files in the cache, downloading those missing from
    `mirrors` (a list, which this reorders)."""
    pooch = _import_pooch(dataset)
    folder = _cache_folder(dataset, cache_dir)
    progressbar = (sys.stderr is not None and sys.stderr.isatty()
                   and importlib.util.find_spec("tqdm") is not None)
    paths = []
    for name in FILES:
        name += ".gz"
        tried = []
        for mirror in mirrors:
            url = mirror.rstrip("/") + "/" + name
            try:
                # pooch downloads to a temporary file beside the target and renames it only
                # when its hash matches; a cached file that does not match is fetched again.
                paths.append(Path(pooch.retrieve(url, f"sha256:{dataset.sha256[name]}",
                                                 fname=name, path=folder,
                                                 progressbar=progressbar)))
                break
            except (OSError, ValueError) as error:  # network errors; a checksum mismatch
                tried.append(f"  {url}: {error}")
        else:
            raise DownloadError(f"Could not download {dataset.title}'s {name} into {folder}. "
                                "Tried:\n" + "\n".join(tried) + "\n" + _advice(dataset))
        # Start the next file at the mirror that worked, not at one that just failed.
        mirrors.insert(0, mirrors.pop(mirrors.index(mirror)))
    return paths


def _cached(dataset, cache_dir):
    """The paths of the four compressed files already in the cache, each checked."""
    try:
        folder = _cache_folder(dataset, cache_dir)
    except ImportError:  # without pooch, nothing can have been downloaded
        folder = None
    paths = [Path(folder, name + ".gz") for name in FILES] if folder is not None else []
    if folder is None or not all(_is_intact(dataset, path) for path in paths):
        raise FileNotFoundError(f"{dataset.title} is not in the download cache ({folder}), "
                                "and download=False forbids fetching it. " + _advice(dataset))
    return paths


def _cache_folder(dataset, cache_dir):
    """Where `dataset`'s downloads go: its subfolder of `cache_dir`, else of lernmi's folder
    in the user's cache (which needs pooch). MNIST's subfolder is "", the folder itself."""
    if cache_dir is None:
        cache_dir = _import_pooch(dataset).os_cache("lernmi")
    return Path(cache_dir, dataset.subfolder)


def _is_intact(dataset, path):
    """Whether `path` exists and has the SHA-256 a download of it must have."""
    if not path.is_file():
        return False
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(2**20), b""):
            digest.update(chunk)
    return digest.hexdigest() == dataset.sha256[path.name]


def _import_pooch(dataset):
    try:
        import pooch
    except ImportError:
        raise ImportError(f'Downloading {dataset.title} needs pooch: pip install '
                          '"lernmi[mnist]". ' + _advice(dataset)) from None
    return pooch
