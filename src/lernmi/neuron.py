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
    from .maths import BIAS, as_number, neuron_output


class NeuronStore:
    """The numbers of some neurons, each kind in one contiguous array.

    The arrays (activation codes, input sums, sensitivity sums, outputs, sensitivities) all
    have one entry per neuron and are kept as given, not copied: a Network passes views into
    its own arrays. `new_store` makes one with fresh arrays. The loops trust a store's arrays
    to agree, so they are checked once, here, and can never be swapped afterwards.
    """

    def __init__(self, kind, z, delta, a, s):
        refuse_second_init(self, "size")
        if not len(kind) == len(z) == len(delta) == len(a) == len(s):
            raise ValueError("a NeuronStore's arrays must all have one entry per neuron")
        if not np.isin(kind, list(ACTIVATION_NAMES)).all():
            raise ValueError(f"activation codes must be among {sorted(ACTIVATION_NAMES)}")
        self.kind = kind
        self.z = z
        self.delta = delta
        self.a = a
        self.s = s
        self.size = z.shape[0]

    def __repr__(self):
        return f"NeuronStore({self.size} neurons)"


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


class Neuron:
    """A neuron: sums its input, outputs f(sum), and sums the sensitivities sent back to it.

    Parameters
    ----------
    activation : str
        ``"sigmoid"`` (the default) or ``"identity"``.

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
        self.store = new_store([activation_code(activation)])
        self.index = 0

    def input(self, value):
        """Add `value` to the input sum z."""
        self.store.z[self.index] += as_number(value)

    def output(self):
        """a = f(z): the activation of the input sum (always 1.0 for a bias neuron)."""
        i = self.index
        return float(neuron_output(self.store.kind[i], self.store.z[i]))

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
        """The activation's name: "sigmoid", "identity", or "bias" for a bias neuron."""
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
