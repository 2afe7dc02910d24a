"""Read and write IDX files, the simple format the MNIST digits are published in.

An IDX file holds one n-dimensional array of numbers: a short header, then the numbers::

    bytes 0 and 1   two zero bytes
    byte 2          the type of every element: 0x08 uint8, 0x09 int8, 0x0B int16,
                    0x0C int32, 0x0D float32, 0x0E float64
    byte 3          the number of dimensions, n (at least 1)
    next 4n bytes   the size of each dimension, a big-endian unsigned 32-bit integer
    the rest        the elements in row-major order (the last index changes fastest),
                    each big-endian

MNIST's training images, for example, start ``00 00 08 03``, then the sizes 60000, 28 and
28: 60,000 images of 28 x 28 bytes. MNIST publishes its files gzip-compressed; `load`
recognises gzip by the first two bytes of the data, whatever the file is called.

This module reads and writes whole arrays in memory; it is not compiled (there is no
idx.pxd), since the work is done by numpy and gzip.
"""

import gzip
import io
import math
import os
import struct
import zlib

import numpy as np

from ._files import new_file

__all__ = ["load", "save"]

#: The IDX element types: the type byte and the numpy type code (kind and bytes per element).
TYPES = {0x08: "u1", 0x09: "i1", 0x0B: "i2", 0x0C: "i4", 0x0D: "f4", 0x0E: "f8"}
CODES = {code: byte for byte, code in TYPES.items()}

#: The largest array `load` accepts, in bytes (16 GiB). A header claiming more is refused
#: before anything is allocated: it is far more likely damaged than real.
MAX_BYTES = 2**34

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 2**20  # read a megabyte at a time, so a header's claims are never allocated up front

KNOWN_TYPES = ", ".join(f"0x{byte:02X} ({np.dtype(code).name})" for byte, code in TYPES.items())


def load(source):
    """The array in an IDX file, raw or gzip-compressed.

    Parameters
    ----------
    source : str, os.PathLike or binary file
        A path, or a file opened for reading bytes (``open(path, "rb")``, ``io.BytesIO``,
        a ``gzip.GzipFile``). Compressed data is recognised by gzip's first two bytes,
        1f 8b, not by the file name.

    Returns
    -------
    numpy.ndarray
        Shaped as the header says, of the header's element type in this machine's byte
        order: MNIST's training images come back as a (60000, 28, 28) uint8 array.

    Raises
    ------
    ValueError
        If the data is not a whole, well-formed IDX file; the message says what is wrong
        (bad first bytes, unknown element type, no dimensions, too few or too many bytes
        for the header's sizes, sizes too large to be real, corrupt gzip data).
    TypeError
        If `source` is neither a path nor a binary file.

    Examples
    --------
    A 2 x 3 array of uint8, built by hand: the header (type 0x08, 2 dimensions, sizes 2
    and 3), then six bytes.

    >>> import io
    >>> header = bytes([0, 0, 0x08, 2]) + (2).to_bytes(4, "big") + (3).to_bytes(4, "big")
    >>> load(io.BytesIO(header + bytes([0, 1, 2, 3, 4, 5])))
    array([[0, 1, 2],
           [3, 4, 5]], dtype=uint8)
    """
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as file:
            return _load_stream(file, f"IDX file {os.fspath(source)!r}")
    if isinstance(source, (bytes, bytearray, memoryview)):
        raise TypeError("load() takes a path or a binary file, not bytes; "
                        "for bytes in memory pass io.BytesIO(data)")
    if not callable(getattr(source, "read", None)):
        raise TypeError("load() takes a path (str or os.PathLike) or a binary file, "
                        f"not {type(source).__name__}")
    return _load_stream(source, "IDX stream")


def save(path, array):
    """Write `array` to an IDX file at `path`, gzip-compressed when `path` ends in ".gz".

    The file is written under a temporary name in the same folder and renamed into place
    only when complete, so a failure leaves any earlier file at `path` as it was and no
    half-written one.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write, for example ``"train-labels-idx1-ubyte.gz"``.
    array : array_like
        At least one dimension, each of fewer than 2**32 elements, of type uint8, int8,
        int16, int32, float32 or float64 (in either byte order).

    Raises
    ------
    TypeError
        If `path` is not a path, or the array's type has no IDX code (int64, say: convert
        it first with ``array.astype(np.int32)``).
    ValueError
        If the array has no dimensions, or a dimension too large for IDX.

    Examples
    --------
    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "counts-idx1-short.gz")
    ...     save(path, np.array([3, 1, 4], dtype=np.int16))
    ...     load(path)
    array([3, 1, 4], dtype=int16)
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"save() needs a path (str or os.PathLike), not {type(path).__name__}")
    array = np.asarray(array)
    code = array.dtype.str[1:]  # the type without its byte order: "<i2" -> "i2"
    if code not in CODES:
        raise TypeError(f"IDX has no element type for {array.dtype}; use uint8, int8, int16, "
                        "int32, float32 or float64, for example array.astype(np.int32)")
    if array.ndim == 0:
        raise ValueError("IDX stores arrays of at least one dimension, not a single number; "
                         "np.atleast_1d(value) makes one")
    if max(array.shape) >= 2**32:
        raise ValueError(f"IDX sizes are 32-bit, too small for an array of shape {array.shape}")
    header = bytes([0, 0, CODES[code], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    data = array.astype(">" + code).tobytes()
    _write_atomically(os.fspath(path), header + data)


def _load_stream(stream, what):
    """The array in `stream`, after looking at its first two bytes to see if it is gzip."""
    if not isinstance(stream.read(0), bytes):
        raise TypeError("load() needs a binary file (opened with 'rb'), not a text file")
    start = _read_up_to(stream, 2)
    # Give the two bytes back in front of the rest, so unseekable streams work too.
    rejoined = _Rejoined(start, stream)
    if start != GZIP_MAGIC:
        return _read_array(rejoined, what)
    try:
        with gzip.GzipFile(fileobj=rejoined, mode="rb") as unpacked:
            return _read_array(unpacked, what)
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise ValueError(f"{what}: its gzip data is corrupt ({error})") from error


def _read_array(stream, what):
    """Read the header, check everything it promises, and only then read the data."""
    start = _read_up_to(stream, 4)
    if len(start) < 4:
        raise ValueError(f"{what} is too short: {len(start)} bytes, but an IDX header "
                         "alone takes at least 8")
    if start[:2] != b"\0\0":
        raise ValueError(f"{what} is not an IDX file: it starts with the bytes "
                         f"{start[:2].hex(' ')}, not 00 00")
    type_byte, ndim = start[2], start[3]
    if type_byte not in TYPES:
        raise ValueError(f"{what} has the unknown element type 0x{type_byte:02X}; "
                         f"the IDX types are {KNOWN_TYPES}")
    if ndim == 0:
        raise ValueError(f"{what} has 0 dimensions; an IDX array has at least one")
    sizes = _read_up_to(stream, 4 * ndim)
    if len(sizes) < 4 * ndim:
        raise ValueError(f"{what} is truncated: its header promises {ndim} dimension sizes "
                         f"({4 * ndim} bytes), but only {len(sizes)} bytes follow")
    shape = struct.unpack(f">{ndim}I", sizes)
    dtype = np.dtype(">" + TYPES[type_byte])
    expected = math.prod(shape) * dtype.itemsize  # Python integers: no overflow
    if expected > MAX_BYTES:
        raise ValueError(f"{what} claims a {' x '.join(map(str, shape))} array of "
                         f"{dtype.name}, {expected} bytes, more than the {MAX_BYTES} "
                         "that load() accepts; the header is probably damaged")
    # One byte more than promised, to notice bytes left over at the end.
    data = _read_up_to(stream, expected + 1)
    if len(data) < expected:
        raise ValueError(f"{what} is truncated: expected {expected} bytes of data after "
                         f"the header, found {len(data)}")
    if len(data) > expected:
        raise ValueError(f"{what} has bytes after its data: expected {expected} bytes of "
                         "data after the header, found more")
    try:
        array = np.frombuffer(data, dtype).reshape(shape)
    except ValueError as error:  # more dimensions than numpy has, say
        raise ValueError(f"{what}: numpy cannot make an array of shape {shape}: {error}") from None
    return array.astype(dtype.newbyteorder("="), copy=False)


def _read_up_to(stream, count):
    """`count` bytes from `stream`, or fewer if it ends first, read a chunk at a time."""
    data = bytearray()
    while len(data) < count:
        chunk = stream.read(min(count - len(data), CHUNK))
        if not chunk:
            break
        data += chunk
    return data


class _Rejoined(io.RawIOBase):
    """A stream that gives back bytes already read from it (`head`), then the rest."""

    def __init__(self, head, rest):
        self.head = bytes(head)
        self.rest = rest

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        chunk = self.rest.read(len(buffer)) or b""
        buffer[:len(chunk)] = chunk
        return len(chunk)


def _write_atomically(path, content):
    """Write `content` to `path` all at once (_files.new_file), gzip-compressed if its name
    ends in ".gz"."""
    with new_file(path) as file:
        if path.lower().endswith(".gz"):
            # mtime=0 makes the same array give the same bytes every time.
            with gzip.GzipFile(filename=os.path.basename(path), mode="wb", fileobj=file,
                               mtime=0) as packed:
                packed.write(content)
        else:
            file.write(content)
