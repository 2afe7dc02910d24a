"""Neuron: sums what links send it and applies its activation function.

A neuron's numbers (its activation code, its input sum and its sensitivity sum, and the
output and sensitivity worked out from them) live in a NeuronStore (stores.py), a few
contiguous arrays shared by every neuron of a layer. A Neuron object is a small handle (a
store and an index) that keeps its store alive: take a neuron from a layer, delete the
layer, and the neuron still works. A Neuron made on its own gets a store of one.
"""

import numpy as np

import cython

from ._checks import real_number, refuse_second_init
from .activations import ACTIVATION_NAMES, activation_code
from .stores import NeuronStore, new_store

if not cython.compiled:
    # Compiled, these come from activations.pxd as C (see neuron.pxd).
    from .activations import BIAS, neuron_output, neuron_sensitivity


def as_number(value):
    """`value` as a float, or TypeError if it is not a real number.

    Compiled, the C signature (``real value``) does the check; run as Python it is done here,
    so both ways reject the same things.
    """
    if not cython.compiled:
        value = real_number(value, "value")
    return value


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
    if (isinstance(index, bool) or not isinstance(index, (int, np.integer))
            or not 0 <= index < store.size):
        raise ValueError(f"index {index!r} is not one of the store's {store.size} neurons")
    return neuron_in(store, index)


class Neuron:
    """A neuron: sums its input, outputs f(sum), and sums the sensitivities sent back to it.

    Parameters
    ----------
    activation : str
        ``"sigmoid"`` (the default), or any other of `activations.ACTIVATIONS` but softmax,
        which shares its output among a whole layer (ask a NeuronLayer for it).

    Examples
    --------
    >>> n = Neuron()
    >>> n.input(0.5); n.input(-0.5)
    >>> n.output()          # sigmoid(0.0)
    0.5
    >>> n.submit_sensitivity(2.0)
    >>> n.sensitivity()     # delta * a * (1 - a) = 2.0 * 0.5 * 0.5
    0.5
    >>> n.bias(); n.output()
    1.0
    """

    def __init__(self, activation="sigmoid"):
        refuse_second_init(self, "store")
        self.store = new_store([activation_code(activation, "neuron")])
        self.index = 0

    def input(self, value):
        """Add `value` to the input sum z."""
        self.store.z[self.index] += as_number(value)

    def output(self):
        """a = f(z): the activation of the input sum (always 1.0 for a bias neuron).

        A softmax neuron's output depends on the input sums of its whole layer.
        """
        if self.store is None:  # the C function below would not check
            raise AttributeError("this Neuron was made with Neuron.__new__, never __init__")
        return float(neuron_output(self.store, self.index))

    def sensitivity(self):
        """s, how much the cost changes per unit of this neuron's input sum z.

        Every link into this neuron uses it to backpropagate. It is the sensitivity sum
        delta times the slope of the activation, s = delta * f'(z) (for a sigmoid,
        delta * a * (1 - a); a softmax neuron's depends on its whole layer), plus whatever
        a cost gave the neuron directly: with the cross-entropy cost, an output neuron's
        s is its error a - t itself (see NeuronLayer.expected_output).
        """
        if self.store is None:  # the C function below would not check
            raise AttributeError("this Neuron was made with Neuron.__new__, never __init__")
        return float(neuron_sensitivity(self.store, self.index))

    def submit_sensitivity(self, value):
        """Add `value` to the sensitivity sum delta that links of the next layer send back."""
        self.store.delta[self.index] += as_number(value)

    @property
    def previous_layer_sensitivity_sum(self):
        """The sum of the sensitivities submitted since the last reset, delta (read-only)."""
        return float(self.store.delta[self.index])

    @property
    def input_sum(self):
        """The sum of the inputs received since the last reset, z (read-only)."""
        return float(self.store.z[self.index])

    @property
    def activation(self):
        """The activation's name ("sigmoid", "relu", ...), or "bias" for a bias neuron."""
        return ACTIVATION_NAMES[self.store.kind[self.index]]

    def reset(self):
        """Zero the input sum and the sensitivity sum (and what a cost gave it), for the next
        sample."""
        store, i = self.store, self.index
        store.z[i] = store.delta[i] = store.direct[i] = 0.0

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
