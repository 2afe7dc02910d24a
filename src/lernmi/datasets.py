"""The MNIST handwritten digits, ready for a lernmi Network.

`mnist` gives 60,000 training and 10,000 test images of handwritten digits, each 28 x 28
pixels flattened to a vector of 784 numbers from 0 (background) to 1 (ink), with their
labels 0 to 9. It reads the four files MNIST is published as (IDX files, see lernmi.idx)
from a folder you name, or else downloads them once into your cache folder with pooch
(``pip install "lernmi[mnist]"``), checking each file's SHA-256 before keeping it.
"""

import collections
import hashlib
import importlib.util
import os
import sys
from pathlib import Path

import numpy as np

from . import idx

MNIST = collections.namedtuple("MNIST", ["train_images", "train_labels",
                                         "test_images", "test_labels"])
MNIST.__doc__ = """MNIST as four arrays: images (n, 784) float64 in [0, 1], labels (n,) int64."""

#: The four files of MNIST, in the order of MNIST's fields; each may end in ".gz" or not.
FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")

#: The SHA-256 of each compressed file as the mirrors serve it; a download must match.
SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

#: Where the compressed files are downloaded from, tried in this order.
MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/",
           "https://storage.googleapis.com/cvdf-datasets/mnist/")

#: The environment variable that names a folder holding the four files.
DATA_DIR_VARIABLE = "LERNMI_DATA_DIR"

ADVICE = ("To use MNIST files you already have, pass mnist(data_dir=FOLDER) or set the "
          f"environment variable {DATA_DIR_VARIABLE}=FOLDER, where FOLDER holds "
          + ", ".join(FILES) + " (each may end in .gz).")

SIDE = 28  # pixels along each side of an image


class DownloadError(OSError):
    """Raised when no mirror gave a copy of an MNIST file whose checksum is right."""


def mnist(data_dir=None, download=True, *, cache_dir=None, mirrors=None):
    """Load MNIST as ``(train_images, train_labels, test_images, test_labels)``.

    The files are read from `data_dir` if given, else from the folder named by the
    environment variable ``LERNMI_DATA_DIR`` if set; from a named folder nothing is ever
    downloaded. Otherwise they come from the cache folder, downloaded there first if need
    be. The first call downloads about 11 MB; each file is checked against its SHA-256
    before it is kept, so the cache never holds a partial or corrupted file.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        A folder holding the four files ``train-images-idx3-ubyte``,
        ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte`` and
        ``t10k-labels-idx1-ubyte``, each raw or gzip-compressed with ".gz" added.
    download : bool, default True
        Whether files missing from the cache may be downloaded. With False, only a
        named folder or files already in the cache are used.
    cache_dir : str or os.PathLike, optional
        Where downloads are kept; by default lernmi's folder in your user cache
        (``pooch.os_cache("lernmi")``, for example ``~/.cache/lernmi`` on Linux).
    mirrors : sequence of str, optional
        Base URLs to download from, tried in order; by default `MIRRORS`.

    Returns
    -------
    MNIST
        A named tuple ``(train_images, train_labels, test_images, test_labels)``. The
        images are float64 arrays of shape (60000, 784) and (10000, 784), each row one
        image read row by row, scaled from 0..255 to [0, 1]; the labels are int64 arrays
        of shape (60000,) and (10000,) holding the digits 0 to 9.

    Raises
    ------
    FileNotFoundError
        If a named folder lacks one of the files (the message names the file and the
        folder), or if `download` is False and the cache does not hold all four files.
    ValueError
        If a file is not what MNIST holds: not IDX, not 28 x 28 uint8 images, labels
        outside 0..9, or a different number of images and labels.
    ImportError
        If a download is needed and pooch is not installed.
    DownloadError
        A subclass of OSError, if no mirror gave a good copy of a file; the message
        lists what was tried and how to use local files instead.

    Examples
    --------
    >>> from lernmi.datasets import mnist
    >>> train_images, train_labels, test_images, test_labels = mnist()  # doctest: +SKIP
    >>> train_images.shape, train_labels[:5]  # doctest: +SKIP
    ((60000, 784), array([5, 0, 4, 1, 9]))
    >>> mnist().test_labels.shape  # doctest: +SKIP
    (10000,)
    """
    folder, origin = _named_folder(data_dir)
    if folder is not None:
        paths = _files_in(folder, origin)
    elif download:
        paths = _download(cache_dir, MIRRORS if mirrors is None else mirrors)
    else:
        paths = _cached(cache_dir)
    train = _images_and_labels(paths[0], paths[1])
    test = _images_and_labels(paths[2], paths[3])
    return MNIST(*train, *test)


def _named_folder(data_dir):
    """The folder the user named, and how they named it; (None, None) if they did not."""
    if data_dir is not None:
        if not isinstance(data_dir, (str, os.PathLike)):
            raise TypeError(f"data_dir must be a path, not {type(data_dir).__name__}")
        return Path(data_dir), "given as data_dir"
    variable = os.environ.get(DATA_DIR_VARIABLE, "")
    if variable.strip():
        return Path(variable), f"named by {DATA_DIR_VARIABLE}"
    return None, None


def _files_in(folder, origin):
    """The paths of the four files in `folder`, each raw or with ".gz"."""
    if not folder.is_dir():
        raise FileNotFoundError(f"The MNIST folder {folder} ({origin}) does not exist. "
                                + ADVICE)
    paths = []
    for name in FILES:
        found = [folder / file for file in (name, name + ".gz") if (folder / file).is_file()]
        if not found:
            raise FileNotFoundError(f"{name} (or {name}.gz) is not in the MNIST folder "
                                    f"{folder} ({origin}). " + ADVICE)
        paths.append(found[0])
    return paths


def _images_and_labels(images_path, labels_path):
    """One half of MNIST, checked: images as (n, 784) float64 in [0, 1], labels as int64."""
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
    if len(labels) and labels.max() > 9:
        raise ValueError(f"{labels_path} has the label {labels.max()}; digits are 0 to 9")
    return images.reshape(len(images), SIDE * SIDE) / 255.0, labels.astype(np.int64)


def _download(cache_dir, mirrors):
    """The paths of the four compressed files in the cache, downloading those missing."""
    if isinstance(mirrors, str) or not mirrors:
        raise ValueError(f"mirrors must be a non-empty sequence of base URLs, not {mirrors!r}")
    pooch = _import_pooch()
    folder = _cache_folder(cache_dir)
    progressbar = sys.stderr is not None and sys.stderr.isatty() and _has("tqdm")
    mirrors = list(mirrors)
    paths = []
    for name in FILES:
        name += ".gz"
        tried = []
        for mirror in mirrors:
            url = mirror.rstrip("/") + "/" + name
            try:
                # pooch downloads to a temporary file beside the target and renames it only
                # when its hash matches; a cached file that does not match is fetched again.
                paths.append(Path(pooch.retrieve(url, f"sha256:{SHA256[name]}", fname=name,
                                                 path=folder, progressbar=progressbar)))
                break
            except (OSError, ValueError) as error:  # network errors; a checksum mismatch
                tried.append(f"  {url}: {error}")
        else:
            raise DownloadError(f"Could not download {name} into {folder}. Tried:\n"
                                + "\n".join(tried) + "\n" + ADVICE)
        # Start the next file at the mirror that worked, not at one that just failed.
        mirrors.insert(0, mirrors.pop(mirrors.index(mirror)))
    return paths


def _cached(cache_dir):
    """The paths of the four compressed files already in the cache, each checked."""
    try:
        folder = _cache_folder(cache_dir)
    except ImportError:  # without pooch, nothing can have been downloaded
        folder = None
    paths = [Path(folder, name + ".gz") for name in FILES] if folder is not None else []
    if folder is None or not all(_is_intact(path) for path in paths):
        raise FileNotFoundError(f"MNIST is not in the download cache ({folder}), and "
                                "download=False forbids fetching it. " + ADVICE)
    return paths


def _cache_folder(cache_dir):
    """`cache_dir`, or else lernmi's folder in the user's cache (which needs pooch)."""
    if cache_dir is not None:
        return Path(cache_dir)
    return Path(_import_pooch().os_cache("lernmi"))


def _is_intact(path):
    """Whether `path` exists and has the SHA-256 a download of it must have."""
    if not path.is_file():
        return False
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(2**20), b""):
            digest.update(chunk)
    return digest.hexdigest() == SHA256[path.name]


def _import_pooch():
    try:
        import pooch
    except ImportError:
        raise ImportError('Downloading MNIST needs pooch: pip install "lernmi[mnist]". '
                          + ADVICE) from None
    return pooch


def _has(module):
    return importlib.util.find_spec(module) is not None
