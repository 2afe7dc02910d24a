"""lernmi.idx reads and writes IDX files, and refuses damaged ones with a clear ValueError."""

import doctest
import gzip
import io
import os
import pathlib
import struct
import tracemalloc

import numpy as np
import pytest

from lernmi import idx

DTYPES = ["uint8", "int8", "int16", "int32", "float32", "float64"]
SHAPES = [(3,), (2, 3, 4), (0, 5)]


def header(type_byte, *sizes):
    """An IDX header: two zero bytes, the type, the number of dimensions, the sizes."""
    return bytes([0, 0, type_byte, len(sizes)]) + struct.pack(f">{len(sizes)}I", *sizes)


def example(dtype, shape):
    values = np.arange(np.prod(shape)).reshape(shape) * 7 - 5
    return values.astype(dtype)


def test_the_docstring_examples_run():
    results = doctest.testmod(idx)
    assert results.attempted > 0 and results.failed == 0


@pytest.mark.parametrize("name", ["array.idx", "array.idx.gz"])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_save_then_load_gives_the_same_array(tmp_path, dtype, shape, name):
    array = example(dtype, shape)
    idx.save(tmp_path / name, array)
    loaded = idx.load(tmp_path / name)
    assert loaded.dtype == np.dtype(dtype) and loaded.dtype.isnative
    assert loaded.shape == shape
    np.testing.assert_array_equal(loaded, array)


def test_the_bytes_on_disk_are_the_idx_format_big_endian(tmp_path):
    idx.save(tmp_path / "a.idx", np.array([[1, -2]], dtype="<i2"))
    assert (tmp_path / "a.idx").read_bytes() == header(0x0B, 1, 2) + bytes([0, 1, 0xFF, 0xFE])


def test_load_reads_mnist_shaped_uint8(tmp_path):
    idx.save(tmp_path / "images", np.zeros((5, 28, 28), np.uint8))
    assert (tmp_path / "images").read_bytes()[:16] == header(0x08, 5, 28, 28)
    assert idx.load(str(tmp_path / "images")).shape == (5, 28, 28)


def test_a_big_endian_array_is_saved_like_a_native_one(tmp_path):
    array = example("float64", (2, 3))
    idx.save(tmp_path / "native", array)
    idx.save(tmp_path / "big", array.astype(">f8"))
    assert (tmp_path / "native").read_bytes() == (tmp_path / "big").read_bytes()


def test_save_takes_array_likes_and_non_contiguous_arrays(tmp_path):
    idx.save(tmp_path / "list", np.array([[1, 2], [3, 4]], np.uint8).T)
    np.testing.assert_array_equal(idx.load(tmp_path / "list"), [[1, 3], [2, 4]])


def test_gzip_is_recognised_by_its_first_bytes_not_by_the_name(tmp_path):
    array = example("int32", (4,))
    idx.save(tmp_path / "packed.gz", array)
    os.rename(tmp_path / "packed.gz", tmp_path / "packed.idx")
    np.testing.assert_array_equal(idx.load(tmp_path / "packed.idx"), array)
    (tmp_path / "plain.gz").write_bytes(header(0x08, 2) + b"\x07\x08")
    np.testing.assert_array_equal(idx.load(tmp_path / "plain.gz"), [7, 8])


def test_saving_gzip_twice_gives_the_same_bytes(tmp_path):
    for folder in ("first", "second"):
        (tmp_path / folder).mkdir()
        idx.save(tmp_path / folder / "a.gz", example("uint8", (10,)))
    assert (tmp_path / "first/a.gz").read_bytes() == (tmp_path / "second/a.gz").read_bytes()


class Trickle(io.RawIOBase):
    """A stream that cannot seek and hands out one byte per read, as a pipe might."""

    def __init__(self, data):
        self.data = data

    def readable(self):
        return True

    def readinto(self, buffer):
        if not self.data or not len(buffer):
            return 0
        buffer[0], self.data = self.data[0], self.data[1:]
        return 1


@pytest.mark.parametrize("compressed", [False, True], ids=["raw", "gzip"])
def test_load_reads_binary_streams(compressed):
    array = example("float32", (2, 2))
    data = header(0x0D, 2, 2) + array.astype(">f4").tobytes()
    if compressed:
        data = gzip.compress(data)
    for stream in (io.BytesIO(data), Trickle(data)):
        np.testing.assert_array_equal(idx.load(stream), array)


def test_load_reads_an_open_file_and_a_gzip_file_object(tmp_path):
    idx.save(tmp_path / "a.gz", example("int8", (3,)))
    with open(tmp_path / "a.gz", "rb") as file:
        np.testing.assert_array_equal(idx.load(file), example("int8", (3,)))
    with gzip.open(tmp_path / "a.gz", "rb") as file:
        np.testing.assert_array_equal(idx.load(file), example("int8", (3,)))


MALFORMED = [
    (b"", "too short: 0 bytes"),
    (b"\0\0\x08", "too short: 3 bytes"),
    (b"\x01\0\x08\x01" + bytes(5), "not an IDX file: it starts with the bytes 01 00"),
    (b"PK\x03\x04" + bytes(8), "not an IDX file: it starts with the bytes 50 4b"),
    (header(0x0A, 1) + b"\0", "unknown element type 0x0A"),
    (header(0x08), "0 dimensions"),
    (header(0x08, 2, 3)[:9], r"promises 2 dimension sizes \(8 bytes\), but only 5 bytes follow"),
    (header(0x08, 2, 3) + bytes(5), "truncated: expected 6 bytes of data after the header, found 5"),
    (header(0x0C, 2) + bytes(7), "truncated: expected 8 bytes .* found 7"),
    (header(0x08, 2, 3) + bytes(7), "bytes after its data: expected 6 bytes"),
    (header(0x08, 2**31, 2**31), "claims a 2147483648 x 2147483648 array of uint8"),
    (header(0x0E, *[2**32 - 1] * 3), "more than the 17179869184 that load"),
    (header(0x08, *[1] * 65) + b"\0", "numpy cannot make an array"),
]


@pytest.mark.parametrize("data, message", MALFORMED)
def test_malformed_data_raises_a_value_error_saying_what_is_wrong(tmp_path, data, message):
    with pytest.raises(ValueError, match=message):
        idx.load(io.BytesIO(data))
    (tmp_path / "bad").write_bytes(data)
    with pytest.raises(ValueError, match=message) as raised:
        idx.load(tmp_path / "bad")
    assert str(raised.value).startswith(f"IDX file {str(tmp_path / 'bad')!r}")
    with pytest.raises(ValueError, match=message):
        idx.load(io.BytesIO(gzip.compress(data)))


def test_a_zero_sized_dimension_gives_an_empty_array():
    assert idx.load(io.BytesIO(header(0x09, 0, 4))).shape == (0, 4)


class Counting(io.BytesIO):
    """BytesIO that remembers the most bytes anyone asked for at once."""
    largest = 0

    def read(self, size=-1):
        self.largest = max(self.largest, size)
        return super().read(size)


def test_a_huge_claim_is_refused_before_reading_or_allocating():
    stream = Counting(header(0x08, 2**31, 2**31) + bytes(100))
    with pytest.raises(ValueError, match="more than"):
        idx.load(stream)
    assert stream.largest <= 8 and stream.tell() == 12  # the header and nothing more


def test_a_large_claim_on_a_short_file_reads_in_bounded_chunks(tmp_path):
    # 8 GiB promised (under the limit), 10 bytes there: truncated, without 8 GiB of memory.
    (tmp_path / "short").write_bytes(header(0x08, 2**16, 2**17) + bytes(10))
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="expected 8589934592 bytes .* found 10"):
            idx.load(tmp_path / "short")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20


def valid_gzip():
    return gzip.compress(header(0x08, 1000) + bytes(range(256)) * 3 + bytes(232))


@pytest.mark.parametrize("damage", [
    lambda data: data[:len(data) // 2],                           # cut short
    lambda data: data[:20] + bytes([data[20] ^ 0xFF]) + data[21:],  # a flipped byte
    lambda data: data[:-8] + bytes(8),                            # a wrong checksum
    lambda data: data + b"not gzip",                              # junk after it
    lambda data: data[:3] + b"\xff" + data[4:],                   # bad header flags
], ids=["truncated", "flipped", "checksum", "junk", "flags"])
def test_corrupt_gzip_raises_a_value_error(damage):
    with pytest.raises(ValueError, match="IDX stream: its gzip data is corrupt"):
        idx.load(io.BytesIO(damage(valid_gzip())))


@pytest.mark.parametrize("source, message", [
    (123, "path .* or a binary file, not int"),
    (b"\0\0\x08\x01", r"not bytes; for bytes in memory pass io.BytesIO\(data\)"),
    (None, "not NoneType"),
    (io.StringIO("text"), "binary file .* not a text file"),
])
def test_load_refuses_what_is_neither_a_path_nor_a_binary_file(source, message):
    with pytest.raises(TypeError, match=message):
        idx.load(source)


def test_a_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        idx.load(tmp_path / "nothing-here")


@pytest.mark.parametrize("array, error, message", [
    (np.arange(3, dtype=np.int64), TypeError, "no element type for int64.*astype"),
    (np.array([True]), TypeError, "no element type for bool"),
    (np.array(["a"]), TypeError, "no element type for <U1"),
    (np.zeros(2, np.complex64), TypeError, "no element type for complex64"),
    (np.uint8(3), ValueError, "at least one dimension"),
])
def test_save_refuses_what_idx_cannot_hold(tmp_path, array, error, message):
    with pytest.raises(error, match=message):
        idx.save(tmp_path / "a.idx", array)
    assert list(tmp_path.iterdir()) == []


def test_save_needs_a_path(tmp_path):
    with pytest.raises(TypeError, match="needs a path"):
        idx.save(3, np.zeros(1, np.uint8))


@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
def test_a_failed_save_leaves_the_old_file_and_nothing_else(tmp_path, monkeypatch, name):
    (tmp_path / name).write_bytes(b"old")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="disk full"):
        idx.save(tmp_path / name, np.zeros(1000, np.uint8))
    assert [path.name for path in tmp_path.iterdir()] == [name]
    assert (tmp_path / name).read_bytes() == b"old"


def test_save_names_the_path_given_when_it_cannot_write(tmp_path):
    """Written as Network.save writes (lernmi._files): a folder, no folder or a device is
    refused, named as given, and a name as long as the folder allows is written."""
    with pytest.raises(IsADirectoryError, match="cannot write .*: it names a folder"):
        idx.save(tmp_path, np.zeros(1, np.uint8))
    with pytest.raises(FileNotFoundError, match="cannot write .*a.idx: there is no folder"):
        idx.save(tmp_path / "none" / "a.idx", np.zeros(1, np.uint8))
    if os.name == "posix":  # (Windows has no /dev/null, and limits the whole path)
        with pytest.raises(ValueError, match="/dev/null: it is not a regular file"):
            idx.save("/dev/null", np.zeros(1, np.uint8))
        name = "i" * (min(os.pathconf(tmp_path, "PC_NAME_MAX"), 255) - 3) + ".gz"
        idx.save(tmp_path / name, np.arange(3, dtype=np.uint8))
        np.testing.assert_array_equal(idx.load(tmp_path / name), [0, 1, 2])
        assert [path.name for path in tmp_path.iterdir()] == [name]


def test_save_replaces_an_existing_file(tmp_path):
    idx.save(tmp_path / "a", np.zeros(3, np.uint8))
    idx.save(pathlib.PurePath(tmp_path / "a"), np.ones(2, np.float32))
    np.testing.assert_array_equal(idx.load(tmp_path / "a"), [1.0, 1.0])
    assert [path.name for path in tmp_path.iterdir()] == ["a"]
