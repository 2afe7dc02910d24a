"""The types of number a Network can be made of, and the compiled loops of each.

A network's numbers are float64 (C doubles) unless it is made with ``dtype=numpy.float32``:
then every array of its numbers is float32 (its inputs and expected outputs too), and its
loops are lernmi._f32's, the float32 copy of each compiled module (_floats.py). The
promises hold for both: the same seed gives the same network, compiled or from source
(float32 from source needs numpy 2), on any number of threads. The two types give two
networks: float32's rounds each step to float32's 24 bits, float64's to 53.
"""

import importlib

import numpy as np

from ._floats import PACKAGE

#: The types a Network may be made of, by name.
DTYPES = {"float64": np.float64, "float32": np.float32}


def dtype_of(dtype):
    """numpy.float64 or numpy.float32, for `dtype` given as either (the type, its
    numpy.dtype or its name); TypeError or ValueError for anything else."""
    wanted = f"dtype must be numpy.float64 or numpy.float32, not {dtype!r}"
    if not isinstance(dtype, (type, str, np.dtype)):
        raise TypeError(wanted)
    try:
        name = np.dtype(dtype).name
    except (TypeError, ValueError, SyntaxError):  # (what numpy raises for "f4,,")
        raise TypeError(wanted) from None
    if name not in DTYPES:
        raise ValueError(wanted)
    return DTYPES[name]


def loops(dtype, name):
    """The compiled module `name` (layers, network_loops, ...) for a network of `dtype`:
    lernmi's own for float64, lernmi._f32's copy for float32. RuntimeError for a float32
    copy run from source with numpy 1, whose float32 numbers would not round as C's do."""
    if dtype is np.float64:
        return importlib.import_module(f"{__package__}.{name}")
    module = importlib.import_module(f"{__package__}.{PACKAGE}.{name}")
    if module.__file__.endswith(".py") and int(np.__version__.split(".")[0]) < 2:
        raise RuntimeError(f"run from source (not compiled), a float32 network needs numpy 2 "
                           f"or newer, whose float32 numbers round as C's floats do; this is "
                           f"numpy {np.__version__}")
    return module


def loops_of(arrays, name):
    """The compiled module `name` of the same type as the NetworkArrays `arrays`."""
    package = type(arrays).__module__.rpartition(".")[0]
    return importlib.import_module(f"{package}.{name}")
