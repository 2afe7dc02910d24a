"""Fuzz lernmi.idx.load: any bytes, raw or gzip, give an array or a ValueError."""

import io

from common import fuzz


def test_one_input(data):
    from lernmi import idx

    try:
        array = idx.load(io.BytesIO(data))
    except ValueError:
        return
    assert array.ndim >= 1 and array.dtype.kind in "uif", (array.shape, array.dtype)


if __name__ == "__main__":
    fuzz(test_one_input, "lernmi.idx")
