"""Argument checks shared by every class: a clear error before any number changes."""

import collections.abc
import math

import numpy as np


def real_number(value, what):
    """`value` as a float, accepting what a compiled ``double`` parameter accepts.

    That is any object whose type has __float__ or __index__ (int, bool, numpy scalars,
    Decimal, Fraction), not text or bytes. TypeError for anything else.
    """
    kind = type(value)
    if hasattr(kind, "__float__") or hasattr(kind, "__index__"):
        try:
            return float(value)
        except (TypeError, ValueError):
            pass
    raise TypeError(f"{what} must be a real number, not {type(value).__name__}")


def finite_number(value, what):
    """`value` as a float; TypeError if it is not a number, ValueError if NaN or infinite."""
    number = real_number(value, what)
    if not math.isfinite(number):
        raise ValueError(f"{what} must be finite, not {value!r}")
    return number


def finite_real(value, what, dtype):
    """finite_number's `value`, finite as a number of `dtype` too (float64 or float32)."""
    number = finite_number(value, what)
    with np.errstate(over="ignore"):
        if not np.isfinite(dtype(number)):
            raise ValueError(f"{what} must be finite as a float32 number, not {value!r}")
    return number


def non_negative(value, what):
    """`value` as a float, a finite number >= 0; TypeError or ValueError if not."""
    number = finite_number(value, what)
    if number < 0.0:
        raise ValueError(f"{what} must be >= 0, not {value!r}")
    return number


def fraction(value, what):
    """`value` as a float in [0, 1) (a momentum, a beta, a dropout); TypeError or
    ValueError if not."""
    number = finite_number(value, what)
    if not 0.0 <= number < 1.0:
        raise ValueError(f"{what} must be in [0, 1), not {value!r}")
    return number


def valid_training_rate(value):
    """A training rate: a finite number >= 0."""
    return non_negative(value, "training_rate")


def as_vector(values, size, what, dtype=np.float64):
    """`values` as a contiguous array of `dtype` (float64 or float32) of length `size`, all
    finite.

    TypeError if they are not numbers; ValueError for a wrong length, NaN or infinity (or a
    number too large for float32), or a ragged list.
    """
    return _as_array(values, (size,), what, dtype)


def as_matrix(values, cols, what, dtype=np.float64):
    """`values` as a contiguous array of `dtype` of shape (rows, cols), rows >= 1, all
    finite."""
    array = _as_array(values, (None, cols), what, dtype)
    if array.shape[0] == 0:
        raise ValueError(f"{what} has no rows")
    return array


def _array_of(values, what):
    """np.asarray(values), but a ragged list (rows of different lengths, or numbers and
    lists mixed), which numpy cannot make an array of, is a ValueError naming `what`."""
    listed = isinstance(values, (list, tuple))
    try:
        array = np.asarray(values)
    except ValueError:
        if not listed:
            raise
        array = None
    # (numpy before 1.24 makes a ragged list an array of objects, with a warning)
    if array is None or (listed and array.dtype == object and any(
            isinstance(value, (list, tuple, np.ndarray)) for value in array.flat)):
        raise ValueError(f"{what} is a ragged list: its rows are not all the same length, "
                         f"or it mixes numbers and lists")
    return array


def _as_array(values, shape, what, dtype):
    array = _array_of(values, what)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{what} must be numbers, not {array.dtype} values")
    if array.ndim != len(shape) or any(want is not None and got != want
                                       for got, want in zip(array.shape, shape)):
        wanted = " x ".join("any" if n is None else str(n) for n in shape)
        raise ValueError(f"{what} must have shape {wanted}, not "
                         f"{' x '.join(map(str, array.shape)) or 'a single number'}")
    with np.errstate(over="ignore"):  # a float64 too large for float32: refused below
        array = np.ascontiguousarray(array, dtype=dtype)
    # A sum carries a NaN or an infinity through, so one pass finds both, without a
    # temporary array of the data's size (np.isfinite(array).all() makes one). Finite
    # numbers may also add up past the largest float: then min and max decide.
    total = _sum(array)
    if not np.isfinite(total) \
            and not (np.isfinite(array.min()) and np.isfinite(array.max())):
        too_large = " (or numbers too large for float32)" if array.dtype == np.float32 else ""
        raise ValueError(f"{what} contains NaN or infinity{too_large}")
    return array


#: Numbers in a matrix worth summing on several threads (MNIST's 60,000 x 784 images: on two
#: cores 11 ms instead of 19, a sum being as fast as memory).
SHARED_SUM = 1 << 22


def _sum(array):
    """The sum of the array's numbers, overflow and NaN allowed; a big matrix's in parts of
    its rows, on inference.in_parts's threads (in any order: only whether it is finite
    counts), or in one piece if no thread can be started."""
    parts = []

    def add(start, stop):
        with np.errstate(over="ignore", invalid="ignore"):  # (each thread its own state)
            parts.append(array[start:stop].sum())
    if array.ndim == 2 and array.size >= SHARED_SUM:
        from .inference import in_parts  # (here: it imports the compiled loops)
        try:
            in_parts(array.shape[0], add)
        except RuntimeError:  # no more threads to be had
            parts.clear()
    if not parts:
        add(0, array.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):
        return sum(parts, np.float64(0.0))


def positive_int(value, what):
    """`value` as an int >= 1; TypeError if it is not an integer, ValueError if it is < 1."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{what} must be an integer, not {value!r}")
    if value < 1:
        raise ValueError(f"{what} must be at least 1, not {value}")
    return int(value)


def random_generator(seed):
    """np.random.default_rng(seed): from None (fresh randomness), an int of 0 or more, or
    anything else numpy takes (a list of such ints, a SeedSequence); errors name seed and
    say what it may be (a bool, which numpy would take as 0 or 1, is refused)."""
    if isinstance(seed, (bool, np.bool_)):
        raise TypeError(f"seed must be None or an integer, not {seed!r}")
    if isinstance(seed, (int, np.integer)) and seed < 0:
        raise ValueError(f"seed must be None or an integer >= 0, not {seed}")
    try:
        return np.random.default_rng(seed)
    except TypeError:
        raise TypeError(f"seed must be None or an integer >= 0, not {seed!r}") from None
    except ValueError:  # a sequence holding a negative number
        raise ValueError(f"seed must be None or integers >= 0, not {seed!r}") from None


def refuse_second_init(obj, field):
    """RuntimeError if `obj` was already made, which its `field` being set (non-zero) shows.

    lernmi's objects share storage with each other and C loops trust its sizes, so an
    object is made once; running __init__ again would quietly detach it or break them.
    """
    if getattr(obj, field, 0):
        raise RuntimeError(f"this {type(obj).__name__} is already made; make a new one instead")


def expected_rows(expected, outputs, what, dtype=np.float64):
    """Expected outputs as rows of `dtype`, one per sample.

    One value per sample (shape (samples,)) is, for a single output neuron, that neuron's
    expected output (1 and 0, or True and False, for yes and no); for several, a class
    number, which stands for a one-hot row.
    """
    array = _array_of(expected, what)
    if array.ndim != 1:
        return as_matrix(array, outputs, what, dtype)
    if outputs == 1:
        return as_matrix(array.reshape(-1, 1), 1, what, dtype)
    if array.dtype.kind not in "iub":
        hint = " (labels.astype(int) makes them so)" if array.dtype.kind == "f" else ""
        raise TypeError(f"{what} given as one value per sample must be class numbers "
                        f"(integers){hint}, not {array.dtype} values; or give one row of "
                        f"{outputs} expected outputs per sample")
    if array.shape[0] == 0:
        raise ValueError(f"{what} has no rows")
    if array.min() < 0 or array.max() >= outputs:
        raise ValueError(f"{what} must be class numbers from 0 to {outputs - 1}")
    rows = np.zeros((array.shape[0], outputs), dtype)
    rows[np.arange(array.shape[0]), array.astype(np.intp)] = 1.0  # (a bool array would mask)
    return rows


def true_or_false(value, what):
    """TypeError unless `value` is True or False (numpy's included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{what} must be True or False, not {value!r}")


def texts(values, what, kind):
    """`values`, a sequence of str (of `kind`, "base URLs" say), as a list of at least one;
    TypeError if it is not one, ValueError if it is empty or a lone str (whose letters
    would be taken one by one)."""
    if not isinstance(values, collections.abc.Sequence) \
            or not all(isinstance(value, str) for value in values):
        raise TypeError(f"{what} must be a sequence of {kind} (str), not {values!r}")
    if isinstance(values, str) or not values:
        raise ValueError(f"{what} must be a non-empty sequence of {kind}, not {values!r}")
    return list(values)


def layer_sizes_of(layer_sizes):
    """A Network's layer sizes as a list of ints >= 1, at least two of them."""
    try:
        sizes = list(layer_sizes)
    except TypeError:
        raise TypeError(f"layer_sizes must be a list of integers, not {layer_sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError(f"a Network needs at least two layers (input and output), "
                         f"not {len(sizes)}")
    return [positive_int(n, "each layer size") for n in sizes]


def samples_for(sizes, cost, output_activation, samples, names, dtype=np.float64):
    """`samples`, a pair (inputs, expected outputs) named `names`, checked against each other
    and a network of layer sizes `sizes` whose output layer has `output_activation` and
    learns `cost`: (x, t) as the loops take them, arrays of `dtype` (the network's)."""
    # (Imported here: costs imports this module.)
    from .costs import check_targets

    (inputs, expected), (x_name, t_name) = samples, names
    x = as_matrix(inputs, sizes[0], x_name, dtype)
    t = expected_rows(expected, sizes[-1], t_name, dtype)
    if x.shape[0] != t.shape[0]:
        raise ValueError(f"{x_name} has {x.shape[0]} rows but {t_name} has "
                         f"{t.shape[0]}; they must match")
    check_targets(t, cost, output_activation, t_name)
    return x, t


def plain_array(array, dtype, ndim, what, rows=None, columns=None, empty=False, writable=False):
    """`array` as the plain numpy array the loops will read (not a subclass, whose own
    attributes could say other things), once it is checked to be C-contiguous, of `dtype`
    and `ndim` dimensions, with `rows` rows (None: any) of `columns` (or, if `empty`, no
    rows at all), and writable if asked. TypeError or ValueError if not."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"{what} must be a numpy array, not {type(array).__name__}")
    array = np.asarray(array)
    if array.dtype != dtype or array.ndim != ndim or not array.flags.c_contiguous:
        raise TypeError(f"{what} must be a C-contiguous {ndim}-dimensional array of "
                        f"{np.dtype(dtype).name}")
    if writable and not array.flags.writeable:
        raise ValueError(f"{what} must be writable")
    if empty and array.shape[0] == 0:
        return array
    if rows is not None and array.shape[0] != rows or \
            columns is not None and array.shape[1] != columns:
        raise ValueError(f"{what} has shape {array.shape}; it must have "
                         f"{'any number of' if rows is None else rows} rows"
                         f"{'' if columns is None else f' of {columns}'}")
    return array
