"""What lernmi.plots's pictures share: matplotlib, imported only when a picture is drawn,
figures made without pyplot, and the checks of their arguments."""

import importlib
import math
import os

import numpy as np

from ._checks import positive_int
from .network import Network

#: Pixels per inch of the saved PNGs: a figure 6 inches wide is 600 pixels wide.
DPI = 100


def matplotlib_module(module):
    """matplotlib.<module>, imported now; ImportError saying how to install it if missing."""
    try:
        return importlib.import_module(f"matplotlib.{module}")
    except ImportError:
        raise ImportError('lernmi\'s pictures need matplotlib: pip install "lernmi[plot]" '
                          '(or pip install matplotlib)') from None


def figure(size):
    """A new matplotlib Figure of `size` inches, not registered with pyplot."""
    return matplotlib_module("figure").Figure(figsize=size, dpi=DPI, layout="constrained")


def save(fig, path):
    """Save `fig` as a PNG at `path` (unless None) and return it."""
    if path is not None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a file name, not {type(path).__name__}")
        fig.savefig(path, format="png", dpi=DPI)
    return fig


def check_network(net):
    if not isinstance(net, Network):
        raise TypeError(f"net must be a lernmi Network, not {type(net).__name__}")


def link_layer(net, layer):
    check_network(net)
    return net.link_layers[index(layer, len(net.link_layers), "layer")]


def index(value, count, what):
    """`value` as an int from 0 to count - 1: TypeError or ValueError if it is not one."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{what} must be an integer, not {value!r}")
    if not 0 <= value < count:
        raise ValueError(f"{what} must be from 0 to {count - 1}, not {value}")
    return int(value)


def image_shape(image_shape, size, required):
    """(rows, columns) holding `size` inputs; None if there is none and it is not required."""
    if image_shape is None:
        side = math.isqrt(size)
        if side * side == size and size > 1:
            return (side, side)
        if not required:
            return None
        raise ValueError(f"{size} inputs are not a square image: give image_shape=(rows, "
                         f"columns) with rows * columns == {size}")
    if not isinstance(image_shape, (tuple, list)) or len(image_shape) != 2:
        raise TypeError(f"image_shape must be a pair (rows, columns), not {image_shape!r}")
    rows, columns = (positive_int(n, "each of image_shape's sizes") for n in image_shape)
    if rows * columns != size:
        raise ValueError(f"image_shape {rows} x {columns} holds {rows * columns} values, "
                         f"not the {size} inputs")
    return (rows, columns)


def output_index(output, outputs):
    """Which output neuron: `output`, checked, or if None the one with the largest output."""
    if output is None:
        return int(np.argmax(outputs))
    return index(output, outputs.shape[0], "output")


def class_numbers(values, what):
    """`values` as a 1-D int64 array of class numbers (>= 0)."""
    array = np.asarray(values)
    if array.ndim != 1 or array.shape[0] == 0:
        raise ValueError(f"{what} must be a non-empty list of class numbers, one per sample")
    if array.dtype.kind not in "iu":
        raise TypeError(f"{what} must be class numbers (integers), not {array.dtype} values")
    if array.min() < 0:
        raise ValueError(f"{what} must be class numbers from 0 up, not {array.min()}")
    return array.astype(np.int64)


def curve(history, key):
    try:
        return [float(value) for value in history[key]]
    except (TypeError, ValueError):
        raise TypeError(f"history[{key!r}] must be a list of numbers, one per epoch") from None


def symmetric_limit(values):
    """The largest magnitude in `values` (1.0 if all are 0): colour limits -limit..limit."""
    return float(np.abs(values).max()) or 1.0
