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

#: Numpy views of a NeuronStore's arrays (`NeuronStore.views`).
NeuronViews = namedtuple("NeuronViews", "kind z delta a s")


def _checked(array, dtype, what):
    """`array` itself if it is a writable, contiguous, one-dimensional numpy array of
    `dtype`; TypeError or ValueError saying what is wrong if not."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"{what} must be a numpy array, not {type(array).__name__}")
    if array.dtype != dtype:
        wanted = "numpy.intc (C int)" if dtype is np.intc else np.dtype(dtype).name
        raise TypeError(f"{what} must hold {wanted} numbers, not {array.dtype.name}")
    if array.ndim != 1 or not array.flags.c_contiguous:
        raise ValueError(f"{what} must be a one-dimensional contiguous array")
    if not array.flags.writeable:
        raise ValueError(f"{what} must be writable")
    return array


class NeuronStore:
    """The numbers of some neurons, each kind in one contiguous array.

    Parameters
    ----------
    kind : numpy array of numpy.intc
        Each neuron's activation code (`activations.ACTIVATIONS`).
    z, delta, a, s : numpy arrays of float64
        Each neuron's input sum, sensitivity sum, output and sensitivity.

    The arrays are kept as given, not copied (a Network passes views into its own arrays),
    and must all have one entry per neuron. `new_store` makes a store with fresh arrays.
    """

    def __init__(self, kind, z, delta, a, s):
        refuse_second_init(self, "size")
        from .activations import ACTIVATION_NAMES  # (activations cimports this module)

        kind = _checked(kind, np.intc, "kind")
        z, delta, a, s = (_checked(array, np.float64, name)
                          for array, name in ((z, "z"), (delta, "delta"), (a, "a"), (s, "s")))
        if not kind.shape[0] >= 1 or not kind.shape == z.shape == delta.shape == a.shape == s.shape:
            raise ValueError("a NeuronStore's arrays must all have one entry per neuron, "
                             "and at least one")
        if not np.isin(kind, list(ACTIVATION_NAMES)).all():
            raise ValueError(f"activation codes must be among {sorted(ACTIVATION_NAMES)}")
        self.kind = kind
        self.z = z
        self.delta = delta
        self.a = a
        self.s = s
        self.size = z.shape[0]

    def views(self):
        """Numpy views of the arrays: a NeuronViews (kind, z, delta, a, s), sharing memory
        with the store."""
        return NeuronViews(np.asarray(self.kind), np.asarray(self.z), np.asarray(self.delta),
                           np.asarray(self.a), np.asarray(self.s))

    def __repr__(self):
        return f"NeuronStore({self.size} neurons)"

    def __reduce__(self):
        # Pickling and deepcopy copy the arrays, so the new store owns its numbers (a store
        # of a Network's layer takes only that layer's part of the network's arrays).
        return (NeuronStore, tuple(np.array(view) for view in self.views()))


def new_store(kinds):
    """A NeuronStore for neurons with the given activation codes, every number zero."""
    size = len(kinds)
    return NeuronStore(np.array(kinds, dtype=np.intc), *(np.zeros(size) for _ in range(4)))


class LinkStore:
    """The weights of rows x cols links in one row-major array, and their training rate.

    Parameters
    ----------
    w : numpy array of float64, length rows * cols
        weights[j, i], of the link from input neuron i to output neuron j, is w[j * cols + i].
    eta : numpy array of float64, length 1
        The training rate every one of these links uses.
    rows, cols : int
        At least 1 each.

    The arrays are kept as given, not copied: a Network passes views into its own arrays.
    """

    def __init__(self, w, eta, rows, cols):
        refuse_second_init(self, "rows")
        w, eta = _checked(w, np.float64, "w"), _checked(eta, np.float64, "eta")
        for value, name in ((rows, "rows"), (cols, "cols")):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"{name} must be an integer, not {value!r}")
        if rows < 1 or cols < 1 or w.shape[0] != rows * cols or eta.shape[0] != 1:
            raise ValueError("a LinkStore holds rows * cols weights (rows, cols >= 1) and "
                             "one training rate")
        self.w = w
        self.eta = eta
        self.rows = rows
        self.cols = cols

    def __repr__(self):
        return f"LinkStore({self.rows} x {self.cols} weights, training_rate={self.eta[0]:g})"

    def __reduce__(self):
        # Pickling and deepcopy copy the arrays, so the new store owns its numbers.
        return (LinkStore, (np.array(self.w), np.array(self.eta), self.rows, self.cols))
