"""The arithmetic of neurons and links, written once.

Everything lernmi computes is here: a neuron's activation, the slope a link needs to
backpropagate, a weight update, and the loops that do the same for a whole layer or a whole
network at once. Neuron and Link call the one-neuron, one-link functions; NeuronLayer,
LinkLayer and Network call the loops, which call the very same functions, so a layer's
numbers are the numbers its links would compute one at a time.

This is a plain Python module. Its C types live beside it in ``maths.pxd``: compiled by
Cython (the default) every function below becomes a C function and the loops run without
the GIL; run as Python (``LERNMI_PURE_PYTHON=1``) the same lines run as written.

Symbols follow the maths: ``z`` input sum, ``a`` output, ``delta`` sensitivity sum,
``s`` a neuron's sensitivity ``delta * f'(z)``, ``w`` weight, ``eta`` training rate.
"""

import numpy as np

import cython
from cython.cimports.libc.math import exp

from ._checks import real_number, refuse_second_init

if not cython.compiled:
    # Compiled, these names are the C enum in maths.pxd; the numbers must match it.
    IDENTITY, SIGMOID, BIAS = 0, 1, 2

#: Activation names a learner may ask for, and the code each neuron stores.
ACTIVATIONS = {"identity": IDENTITY, "sigmoid": SIGMOID}

#: The name of each code, for reprs and the ``activation`` property ("bias" included).
ACTIVATION_NAMES = {IDENTITY: "identity", SIGMOID: "sigmoid", BIAS: "bias"}


def activation_code(name):
    """The code stored for the activation called `name`; ValueError if there is none."""
    if not isinstance(name, str):
        raise TypeError(f"activation must be a name such as 'sigmoid', not {name!r}")
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(repr(n) for n in ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r}; choose one of {known}") from None


def as_number(value):
    """`value` as a float, or TypeError if it is not a real number.

    Compiled, the C signature (``double value``) does the check; run as Python it is done here,
    so both ways reject the same things.
    """
    if not cython.compiled:
        value = real_number(value, "value")
    return value


# --- one neuron, one link ------------------------------------------------------------------

def neuron_output(kind, z):
    """a = f(z): what a neuron with activation `kind` outputs for the input sum `z`."""
    if kind == SIGMOID:
        # Two forms of 1 / (1 + e^-z), so that exp never sees a large positive argument.
        if z >= 0.0:
            return 1.0 / (1.0 + exp(-z))
        e = exp(z)
        return e / (1.0 + e)
    if kind == BIAS:
        return 1.0
    return z


def output_slope(kind, a):
    """f'(z), written in terms of the output a = f(z), which is all a link can see."""
    if kind == SIGMOID:
        return a * (1.0 - a)
    if kind == BIAS:
        return 0.0
    return 1.0


def link_sensitivity(delta, kind, a):
    """s = delta * f'(z): how much the cost changes per unit of the output neuron's input sum."""
    return delta * output_slope(kind, a)


def updated_weight(w, eta, s, a_in):
    """One gradient-descent step: the cost's gradient for this weight is s * a_in."""
    return w - eta * s * a_in


# --- a whole layer ---------------------------------------------------------------------------

def compute_outputs(kind, z, a, first, size):
    """a[i] = f(z[i]) for the `size` neurons from `first` on, bias included."""
    for i in range(first, first + size):
        a[i] = neuron_output(kind[i], z[i])


def reset_learning(z, delta, first, count):
    """Zero both sums of the learning neurons; the bias neuron at `first` is left alone."""
    for i in range(first + 1, first + count + 1):
        z[i] = 0.0
        delta[i] = 0.0


def load_inputs(z, first, x):
    """Add x[i] to the input sum of learning neuron i."""
    for i in range(x.shape[0]):
        z[first + 1 + i] += x[i]


def submit_errors(a, delta, first, t):
    """Each learning neuron gets a - t, the slope of the cost 0.5 * (a - t)**2."""
    for j in range(t.shape[0]):
        delta[first + 1 + j] += a[first + 1 + j] - t[j]


def propagate_links(w, w0, rows, cols, a_in, in_first, z_out, out_first):
    """Every link sends w * a_in forward: z_out[j] += sum over i of w[j, i] * a_in[i].

    Each z_out[j] gains its terms in the order i = 0, 1, ... (bias first), the order in which
    the links themselves would have added them, so the sums agree with the links' exactly.
    """
    for j in range(rows):
        row = w0 + j * cols
        zj = z_out[out_first + 1 + j]
        for i in range(cols):
            zj += w[row + i] * a_in[in_first + i]
        z_out[out_first + 1 + j] = zj


def compute_sensitivities(kind, a, delta, s, first, count):
    """s[j] = delta[j] * f'(z[j]) for each learning neuron, once per neuron, not once per link."""
    for j in range(first + 1, first + count + 1):
        s[j] = link_sensitivity(delta[j], kind[j], a[j])


def backpropagate_links(w, w0, rows, cols, eta, a_in, delta_in, in_first, s_out, out_first):
    """Every link sends w * s back to its input neuron, then takes its gradient step.

    The sensitivity sent back uses the weight from before the step, as one link does.
    Each delta_in[i] gains its terms in the order j = 0, 1, ..., as the links would add them.
    """
    for j in range(rows):
        row = w0 + j * cols
        sj = s_out[out_first + 1 + j]
        for i in range(cols):
            wji = w[row + i]
            delta_in[in_first + i] += wji * sj
            w[row + i] = updated_weight(wji, eta, sj, a_in[in_first + i])


# --- a whole network, sample after sample ---------------------------------------------------

class NetworkArrays:
    """The numbers of a whole network, each kind in one contiguous array.

    Layer l's neurons are first[l] (its bias neuron) to first[l + 1] - 1; link layer l joins
    layer l to layer l + 1 and its weights are w[w0[l]:w0[l + 1]]. A Network's layers and
    neurons are views into these arrays (see `neuron_views` and `link_views`), so a change
    made through either is seen by both. The index tables `first` and `w0`, which the loop
    trusts, are worked out here and never handed out.

    Parameters
    ----------
    kinds : list of int arrays
        Each layer's activation codes, its bias neuron's first.
    weights : list of float arrays
        Each link layer's weights, shape (learning neurons of layer l + 1, neurons of layer
        l); they are copied.
    eta : float
        The training rate of every link layer.
    """

    def __init__(self, kinds, weights, eta):
        refuse_second_init(self, "layers")
        sizes = [len(k) for k in kinds]
        shapes = [(sizes[l + 1] - 1, sizes[l]) for l in range(len(weights))]
        if len(weights) != len(kinds) - 1 or [np.shape(w) for w in weights] != shapes:
            raise ValueError(f"weights must have shapes {shapes} to join layers of {sizes}")
        first = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
        neurons = int(first[len(sizes)])
        kind = np.concatenate(kinds).astype(np.intc)
        w0 = np.concatenate([[0], np.cumsum([r * c for r, c in shapes])]).astype(np.intp)
        w = np.concatenate([np.ravel(m) for m in weights]).astype(np.float64)
        # Everything is made and checked above; nothing below can fail halfway.
        self.kind, self.first, self.w0, self.w = kind, first, w0, w
        self.z, self.delta, self.a, self.s = (np.zeros(neurons) for _ in range(4))
        self.eta = np.full(len(weights), eta)
        self.layers = len(sizes)

    def layer_sizes(self):
        """Learning neurons per layer, input layer first."""
        return tuple(int(self.first[l + 1] - self.first[l] - 1) for l in range(self.layers))

    def neuron_views(self, l):
        """Views of layer l's activation codes, z, delta, a and s, in that order."""
        self._check_layer(l, self.layers)
        start, stop = self.first[l], self.first[l + 1]
        arrays = [np.asarray(self.kind), np.asarray(self.z), np.asarray(self.delta),
                  np.asarray(self.a), np.asarray(self.s)]
        return tuple(array[start:stop] for array in arrays)

    def link_views(self, l):
        """Views of link layer l's weights (flat, row after row) and of its training rate."""
        self._check_layer(l, self.layers - 1)
        return np.asarray(self.w)[self.w0[l]:self.w0[l + 1]], np.asarray(self.eta)[l:l + 1]

    def _check_layer(self, l, count):
        # This module indexes without bounds checks, so check the layer number here.
        if not 0 <= l < count:
            raise IndexError(f"layer {l} of {count}")

    def __repr__(self):
        return (f"NetworkArrays(layers of {list(self.layer_sizes())} learning neurons, "
                f"{self.w.shape[0]:,} weights)")


def learn_samples(net, x, t, order):
    """For each k in `order`, one learning step on input x[k] with expected output t[k].

    The same steps as Network.learn: reset, load the input, propagate layer after layer,
    submit the output errors, backpropagate layer after layer in reverse. It runs without
    the GIL and trusts its caller (Network.train) to have checked every shape and index.
    """
    kind, z, delta, a, s = net.kind, net.z, net.delta, net.a, net.s
    first, w, w0, eta = net.first, net.w, net.w0, net.eta
    last = first.shape[0] - 2  # the output layer
    for n in range(order.shape[0]):
        k = order[n]
        for l in range(last + 1):
            reset_learning(z, delta, first[l], first[l + 1] - first[l] - 1)
        load_inputs(z, first[0], x[k])
        for l in range(last):
            rows = first[l + 2] - first[l + 1] - 1
            cols = first[l + 1] - first[l]
            compute_outputs(kind, z, a, first[l], cols)
            propagate_links(w, w0[l], rows, cols, a, first[l], z, first[l + 1])
        compute_outputs(kind, z, a, first[last], first[last + 1] - first[last])
        submit_errors(a, delta, first[last], t[k])
        for l in range(last - 1, -1, -1):
            rows = first[l + 2] - first[l + 1] - 1
            cols = first[l + 1] - first[l]
            compute_sensitivities(kind, a, delta, s, first[l + 1], rows)
            backpropagate_links(w, w0[l], rows, cols, eta[l], a, delta, first[l], s,
                                first[l + 1])
