"""Neuron: sums what links send it and applies its activation function.

A neuron's numbers (its input sum, its sensitivity sum, its activation) live in a
NeuronStore, a few contiguous arrays shared by every neuron of a layer. A Neuron object is a
small handle (a store and an index) that keeps its store alive: take a neuron from a layer,
delete the layer, and the neuron still works. A Neuron made on its own gets a store of one.
"""

import numpy as np

import cython

from ._checks import refuse_second_init
from .maths import ACTIVATION_NAMES, activation_code

if not cython.compiled:
    # Compiled, these come from maths.pxd as C (see neuron.pxd).
    from .maths import BIAS, SOFTMAX, as_number, neuron_output, neuron_sensitivity, softmax_output


class NeuronStore:
    """The numbers of some neurons, each kind in one contiguous array.

    The arrays (activation codes, input sums, sensitivity sums, outputs, sensitivities) all
    have one entry per neuron and are kept as given, not copied: a Network passes views into
    its own arrays. `new_store` makes one with fresh arrays. The loops trust a store's arrays
    to agree, so they are checked once, here, and can never be swapped afterwards.

    `error_is_sensitivity` says how the sensitivity sums of an output layer were made: by the
    quadratic cost (False: each neuron's sensitivity is delta * f'(z)) or by the
    cross-entropy cost (True: the error a - t already is the sensitivity). A layer's
    `expected_output` sets it.
    """

    def __init__(self, kind, z, delta, a, s, error_is_sensitivity=False):
        refuse_second_init(self, "size")
        # Plain arrays over the same memory: the loops trust these shapes, so they are read
        # from the arrays themselves, never from what an object says its len() is.
        kind, z, delta, a, s = (np.asarray(array) for array in (kind, z, delta, a, s))
        if not kind.ndim == 1 or not kind.shape == z.shape == delta.shape == a.shape == s.shape:
            raise ValueError("a NeuronStore's arrays must all have one entry per neuron")
        if not np.isin(kind, list(ACTIVATION_NAMES)).all():
            raise ValueError(f"activation codes must be among {sorted(ACTIVATION_NAMES)}")
        self.kind = kind
        self.z = z
        self.delta = delta
        self.a = a
        self.s = s
        self.size = z.shape[0]
        self.error_is_sensitivity = bool(error_is_sensitivity)

    def __repr__(self):
        return f"NeuronStore({self.size} neurons)"

    def __reduce__(self):
        # Pickling and deepcopy copy the arrays, so the new store owns its numbers (a store
        # of a Network's layer takes only that layer's part of the network's arrays).
        return (NeuronStore, (np.asarray(self.kind), np.asarray(self.z), np.asarray(self.delta),
                              np.asarray(self.a), np.asarray(self.s), self.error_is_sensitivity))


def new_store(kinds):
    """A NeuronStore for neurons with the given activation codes, all sums zero."""
    size = len(kinds)
    kind = np.array(kinds, dtype=np.intc)
    return NeuronStore(kind, np.zeros(size), np.zeros(size), np.zeros(size), np.zeros(size))


def neuron_in(store, index):
    """The handle for neuron `index` of `store` (layers call this; learners call Neuron())."""
    neuron = Neuron.__new__(Neuron)
    neuron.store = store
    neuron.index = index
    return neuron


def restore_neuron(store, index):
    """neuron_in, checked: what pickle and copy call to make a Neuron again."""
    if not isinstance(store, NeuronStore):
        raise TypeError(f"store must be a NeuronStore, not {type(store).__name__}")
    if not 0 <= index < store.size:
        raise ValueError(f"index {index} is not one of the store's {store.size} neurons")
    return neuron_in(store, index)


class Neuron:
    """A neuron: sums its input, outputs f(sum), and sums the sensitivities sent back to it.

    Parameters
    ----------
    activation : str
        ``"sigmoid"`` (the default), ``"tanh"``, ``"relu"`` or ``"identity"``. (Softmax
        shares its output among a whole layer: ask a NeuronLayer for it.)

    Examples
    --------
    >>> n = Neuron()
    >>> n.input(0.5); n.input(-0.5)
    >>> n.output()          # sigmoid(0.0)
    0.5
    >>> n.bias(); n.output()
    1.0
    """

    def __init__(self, activation="sigmoid"):
        refuse_second_init(self, "store")
        code = activation_code(activation)
        if code == SOFTMAX:
            raise ValueError("softmax shares its output among a layer of neurons: make a "
                             "NeuronLayer(count, 'softmax') instead of a single Neuron")
        self.store = new_store([code])
        self.index = 0

    def input(self, value):
        """Add `value` to the input sum z."""
        self.store.z[self.index] += as_number(value)

    def output(self):
        """a = f(z): the activation of the input sum (always 1.0 for a bias neuron).

        A softmax neuron's output depends on the input sums of its whole layer.
        """
        i, store = self.index, self.store
        if store.kind[i] == SOFTMAX:
            return float(softmax_output(store.kind, store.z, store.size, i))
        return float(neuron_output(store.kind[i], store.z[i]))

    def sensitivity(self):
        """s, the cost's slope with respect to this neuron's input sum z.

        Usually delta * f'(z): the sensitivity sum times the activation's slope (for a
        sigmoid, a * (1 - a)). An output neuron whose error came from the cross-entropy
        cost has s = delta = a - t, and a softmax neuron's s depends on its whole layer.
        Every link into this neuron uses it to backpropagate.
        """
        store = self.store
        return float(neuron_sensitivity(store.kind, store.z, store.delta, store.size,
                                        self.index, store.error_is_sensitivity))

    def submit_sensitivity(self, value):
        """Add `value` to the sensitivity sum that links of the next layer send back."""
        self.store.delta[self.index] += as_number(value)

    @property
    def previous_layer_sensitivity_sum(self):
        """The sum of the sensitivities submitted since the last reset (read-only)."""
        return float(self.store.delta[self.index])

    @property
    def input_sum(self):
        """The sum of the inputs received since the last reset, z (read-only)."""
        return float(self.store.z[self.index])

    @property
    def activation(self):
        """The activation's name ("sigmoid", "tanh", "relu", "identity", "softmax"), or
        "bias" for a bias neuron."""
        return ACTIVATION_NAMES[self.store.kind[self.index]]

    def reset(self):
        """Zero the input sum and the sensitivity sum, ready for the next sample."""
        self.store.z[self.index] = 0.0
        self.store.delta[self.index] = 0.0

    def bias(self):
        """Make this a bias neuron: from now on it outputs 1.0 whatever it is sent."""
        self.store.kind[self.index] = BIAS

    def __repr__(self):
        return (f"Neuron({self.activation}, z={self.input_sum:.6g}, a={self.output():.6g}, "
                f"delta={self.previous_layer_sensitivity_sum:.6g})")

    def __reduce__(self):
        # A handle pickles as its store and index. For a neuron of a layer that is the whole
        # layer's store: the copy is a view into a copy of the layer's numbers.
        return (restore_neuron, (self.store, self.index))
