"""NeuronStore and LinkStore: the arrays that neurons and links keep their numbers in.

A layer's numbers live in a few contiguous arrays, one entry per neuron or per link, and
Neuron and Link objects are handles into them. The compiled loops trust these arrays'
types and lengths, so a store checks them once, when it is made, and can never be given
other arrays afterwards. The checks are the same whether lernmi runs compiled or from its
Python source, so both ways accept and refuse the same arrays.
"""

from collections import namedtuple

import numpy as np

from ._checks import refuse_second_init
from .reals import DTYPE

#: Numpy views of a NeuronStore's arrays (`NeuronStore.views`).
NeuronViews = namedtuple("NeuronViews", "kind z delta direct a s keep")

#: The arrays of reals of a NeuronStore, after its activation codes.
NUMBERS = NeuronViews._fields[1:]

#: Where the arrays that vector.h's loops run along start: on a 64-byte line, a cache line
#: and an AVX-512 vector of eight doubles.
LINE_BYTES = 64


def zeros(size, dtype=DTYPE):
    """An array of `size` zeros of `dtype` (reals, unless said) that starts on a LINE_BYTES
    line.

    numpy starts an array wherever malloc gives it room, often 16 bytes into a line; then
    every vector of eight doubles that a loop loads from it spans two lines (in a C harness,
    the forward tiles took 9% longer on their packed samples so). A view into a little
    more room, so that it starts on a line."""
    per_line = LINE_BYTES // np.dtype(dtype).itemsize
    room = np.zeros(size + per_line, dtype)
    skip = -room.ctypes.data % LINE_BYTES // np.dtype(dtype).itemsize
    return room[skip:skip + size]


def _checked(array, dtype, what):
    """`array`, seen as a plain numpy array, if it is a writable, contiguous,
    one-dimensional array of `dtype`; TypeError or ValueError saying what is wrong if not.

    A subclass of numpy.ndarray is seen as the plain array it is a view of: what its own
    attributes (shape, len, ...) say is not what the compiled loops would read.
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"{what} must be a numpy array, not {type(array).__name__}")
    array = np.asarray(array)
    if array.dtype != dtype:
        wanted = "numpy.intc (C int)" if dtype is np.intc else np.dtype(dtype).name
        raise TypeError(f"{what} must hold {wanted} numbers in this machine's byte order, "
                        f"not {array.dtype.str}")
    if array.ndim != 1 or not array.flags.c_contiguous:
        raise ValueError(f"{what} must be a one-dimensional contiguous array")
    if not array.flags.writeable:
        raise ValueError(f"{what} must be writable")
    return array


def _apart(arrays):
    """ValueError unless no two of the named arrays share memory: the C loops are told
    (restrict) that the runs they work on never overlap."""
    for i, (name, array) in enumerate(arrays):
        for other, second in arrays[i + 1:]:
            if np.may_share_memory(array, second):
                raise ValueError(f"{name} and {other} must be arrays of their own, not "
                                 f"views of the same memory")


class NeuronStore:
    """The numbers of some neurons, each kind in one contiguous array.

    Parameters
    ----------
    kind : numpy array of numpy.intc
        Each neuron's activation code (`activations.ACTIVATIONS`).
    z, delta : numpy arrays of reals (`reals.DTYPE`: float64)
        Each neuron's input sum and sensitivity sum.
    direct : numpy array of reals
        The part of each neuron's sensitivity that a cost gave it directly, not through
        its activation's slope (see `costs.output_error`); 0 but in an output layer.
    a, s : numpy arrays of reals
        Each neuron's output and sensitivity, as a loop last worked them out from the rest.

    The arrays are kept as given, not copied (a Network passes views into its own arrays),
    and must all have one entry per neuron. `new_store` makes a store with fresh arrays.
    """

    def __init__(self, kind, z, delta, direct, a, s, keep=None):
        refuse_second_init(self, "size")
        # (Imported here: activations cimports this module, so this one cannot import it
        # while being imported itself.)
        from .activations import ACTIVATION_NAMES

        kind = _checked(kind, np.intc, "kind")
        if keep is None:
            keep = zeros(kind.shape[0])
            keep.fill(1)
        numbers = [(name, _checked(array, DTYPE, name))
                   for name, array in zip(NUMBERS, (z, delta, direct, a, s, keep))]
        if kind.shape[0] < 1 or any(array.shape != kind.shape for _, array in numbers):
            raise ValueError("a NeuronStore's arrays must all have one entry per neuron, "
                             "and at least one")
        _apart([("kind", kind)] + numbers)
        if not np.isin(kind, list(ACTIVATION_NAMES)).all():
            raise ValueError(f"activation codes must be among {sorted(ACTIVATION_NAMES)}")
        z, delta, direct, a, s, keep = (array for _, array in numbers)
        self.kind = kind
        self.z = z
        self.delta = delta
        self.direct = direct
        self.a = a
        self.s = s
        self.keep = keep
        self.size = self.z.shape[0]  # from what the loops will read

    def views(self):
        """Numpy views of the arrays: a NeuronViews (kind, z, delta, direct, a, s, keep),
        sharing memory with the store."""
        return NeuronViews(np.asarray(self.kind), np.asarray(self.z), np.asarray(self.delta),
                           np.asarray(self.direct), np.asarray(self.a), np.asarray(self.s),
                           np.asarray(self.keep))

    def __repr__(self):
        return f"NeuronStore({self.size} neurons)"

    def __reduce__(self):
        # Pickling and deepcopy copy the arrays, so the new store owns its numbers (a store
        # of a Network's layer takes only that layer's part of the network's arrays).
        return (NeuronStore, tuple(np.array(view) for view in self.views()))


def new_store(kinds):
    """A NeuronStore for neurons with the given activation codes, every sum zero, every
    output kept whole."""
    size = len(kinds)
    return NeuronStore(np.array(kinds, dtype=np.intc), *(zeros(size) for _ in NUMBERS[:-1]))


class Moments:
    """What an optimiser keeps for each of some weights, and room for rows' gradients.

    Parameters
    ----------
    m : numpy array of reals (`reals.DTYPE`: float64)
        SGD's velocity (with momentum), or Adam's first moment, one per weight.
    v : numpy array of reals
        Adam's second moment, one per weight (the same length as m).
    g : numpy array of reals
        Scratch: rows of weights' gradients, summed over a batch, as a step works them out
        (room for six rows makes the loops take six or four rows at a time, and room for
        every row a batch of more than 32 samples steps, all of them at once).

    The arrays are kept as given, not copied: a Network passes views into its own arrays.
    """

    def __init__(self, m, v, g):
        refuse_second_init(self, "weights")
        m, v, g = (_checked(array, DTYPE, name)
                   for array, name in ((m, "m"), (v, "v"), (g, "g")))
        if m.shape != v.shape:
            raise ValueError("m and v must have one entry per weight each")
        _apart([("m", m), ("v", v), ("g", g)])
        self.m = m
        self.v = v
        self.g = g
        self.weights = m.shape[0]  # last: it says the moments are made (refuse_second_init)

    def views(self):
        """Numpy views of m, v and g, sharing memory with the store."""
        return np.asarray(self.m), np.asarray(self.v), np.asarray(self.g)

    def __repr__(self):
        return f"Moments({self.m.shape[0]} weights)"

    def __reduce__(self):
        return (Moments, tuple(np.array(view) for view in self.views()))


def new_moments(weights, cols):
    """Moments for `weights` weights in rows of `cols`, every number zero, with room for
    six rows' gradients (which a batch's tiles sum six or four rows at a time)."""
    return Moments(zeros(weights), zeros(weights), zeros(6 * cols))


class LinkStore:
    """The weights of rows x cols links in one row-major array, their training rate, and
    their optimiser's settings and numbers.

    Parameters
    ----------
    w : numpy array of reals (`reals.DTYPE`: float64), length rows * cols
        weights[j, i], of the link from input neuron i to output neuron j, is w[j * cols + i].
    eta : numpy array of float64, length 1
        The training rate every one of these links uses.
    rows, cols : int
        At least 1 each.
    settings : numpy array of float64, one per steps.FIELDS, or None
        The links' optimiser (`optimizers.settings_of`); None: plain gradient descent.
    moments : Moments or None
        What that optimiser keeps for each weight (m and v of length rows * cols, g of at
        least cols); None: zeros.

    The arrays are kept as given, not copied: a Network passes views into its own arrays.
    """

    def __init__(self, w, eta, rows, cols, settings=None, moments=None):
        refuse_second_init(self, "rows")
        # (Imported here: steps cimports this module, see NeuronStore.)
        from .optimizers import plain_settings
        from .steps import FIELDS, RULES

        if settings is None:
            settings = plain_settings()
        w, eta = _checked(w, DTYPE, "w"), _checked(eta, np.float64, "eta")
        settings = _checked(settings, np.float64, "settings")
        for value, name in ((rows, "rows"), (cols, "cols")):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"{name} must be an integer, not {value!r}")
        if rows < 1 or cols < 1 or w.shape[0] != rows * cols or eta.shape[0] != 1:
            raise ValueError("a LinkStore holds rows * cols weights (rows, cols >= 1) and "
                             "one training rate")
        if settings.shape[0] != len(FIELDS) or settings[0] not in RULES.values():
            raise ValueError(f"settings must be {len(FIELDS)} numbers, as "
                             f"optimizers.settings_of gives them")
        if moments is None:
            moments = new_moments(rows * cols, cols)
        elif not isinstance(moments, Moments):
            raise TypeError(f"moments must be a Moments, not {type(moments).__name__}")
        m, v, g = moments.views()
        if m.shape[0] != rows * cols or g.shape[0] < cols:
            raise ValueError(f"moments must have {rows * cols} m and v and at least {cols} g")
        _apart([("w", w), ("eta", eta), ("settings", settings), ("m", m), ("v", v), ("g", g)])
        self.w = w
        self.eta = eta
        self.settings = settings
        self.moments = moments
        self.rows = rows
        self.cols = cols

    def moments_views(self):
        """Numpy views of the moments' m, v and g (see Moments), sharing memory."""
        return self.moments.views()

    def views(self):
        """Numpy views of w, settings and the moments' m and v, sharing memory."""
        m, v, _ = self.moments.views()
        return np.asarray(self.w), np.asarray(self.settings), m, v

    def __repr__(self):
        return f"LinkStore({self.rows} x {self.cols} weights, training_rate={self.eta[0]:g})"

    def __reduce__(self):
        # Pickling and deepcopy copy the arrays, so the new store owns its numbers.
        return (LinkStore, (np.array(self.w), np.array(self.eta), self.rows, self.cols,
                            np.array(self.settings), self.moments))
