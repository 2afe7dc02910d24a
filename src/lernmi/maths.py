"""The arithmetic of neurons and links, written once.

Everything lernmi computes is here: a neuron's activation, the sensitivity a link needs to
backpropagate, a weight update, a sample's cost, and the loops that do the same for a whole
layer or a whole network at once. Neuron and Link call the one-neuron, one-link functions;
NeuronLayer, LinkLayer and Network call the loops, which call the very same functions, so a
layer's numbers are the numbers its links would compute one at a time (up to the rounding of
sums taken in a different order: see vector.h).

This is a plain Python module. Its C types live beside it in ``maths.pxd``: compiled by
Cython (the default) every function below becomes a C function and the loops run without
the GIL; run as Python (``LERNMI_PURE_PYTHON=1``) the same lines run as written.

Symbols follow the maths: ``z`` input sum, ``a`` output, ``delta`` sensitivity sum,
``s`` a neuron's sensitivity ``delta * f'(z)``, ``w`` weight, ``eta`` training rate,
``t`` an expected output.
"""

import numpy as np

import cython
from cython.cimports.libc.math import exp, log, tanh

from ._checks import real_number, refuse_second_init

if not cython.compiled:
    # Compiled, these names are the C enums in maths.pxd; the numbers must match them.
    IDENTITY, SIGMOID, BIAS, TANH, RELU, SOFTMAX = 0, 1, 2, 3, 4, 5
    QUADRATIC, CROSS_ENTROPY = 0, 1
    LANES = 16  # vector.h's LERNMI_LANES
    BLOCK = 4   # maths.pxd's: samples predict and evaluate take through the weights at once

#: Activation names a learner may ask for, and the code each neuron stores.
ACTIVATIONS = {"sigmoid": SIGMOID, "tanh": TANH, "relu": RELU, "identity": IDENTITY,
               "softmax": SOFTMAX}

#: The name of each code, for reprs and the ``activation`` property ("bias" included).
ACTIVATION_NAMES = {code: name for name, code in ACTIVATIONS.items()}
ACTIVATION_NAMES[BIAS] = "bias"

#: Cost names, and the code the loops use.
COSTS = {"quadratic": QUADRATIC, "cross_entropy": CROSS_ENTROPY}

#: The smallest output a cross-entropy takes the logarithm of, so that a = 0 costs 690, not inf.
TINY = 1e-300


def activation_code(name):
    """The code stored for the activation called `name`; ValueError if there is none."""
    return _code(name, ACTIVATIONS, "activation", "'sigmoid'")


def cost_code(name):
    """The code of the cost called `name`; ValueError if there is none."""
    return _code(name, COSTS, "cost", "'quadratic'")


def _code(name, codes, what, example):
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a name such as {example}, not {name!r}")
    try:
        return codes[name]
    except KeyError:
        known = ", ".join(repr(n) for n in codes)
        raise ValueError(f"unknown {what} {name!r}; choose one of {known}") from None


def as_number(value):
    """`value` as a float, or TypeError if it is not a real number.

    Compiled, the C signature (``double value``) does the check; run as Python it is done here,
    so both ways reject the same things.
    """
    if not cython.compiled:
        value = real_number(value, "value")
    return value


# --- runs of numbers (vector.h in C; the same order of operations here) --------------------

def dot(x, xi, y, yi, n):
    """The sum of x[xi + k] * y[yi + k] for k < n, taken in vector.h's fixed order."""
    if cython.compiled:
        return lernmi_dot(cython.address(x[xi]), cython.address(y[yi]), n)
    else:
        lanes = [0.0] * LANES
        for k in range(n):
            lanes[k % LANES] += x[xi + k] * y[yi + k]
        width = LANES // 2
        while width > 0:
            for k in range(width):
                lanes[k] += lanes[k + width]
            width //= 2
        return lanes[0]


def dot4_add(w, wi, x, xi, out, oi, stride, n):
    """out[oi + b * stride] += dot(w, wi, x, xi + b * stride, n) for the four b < 4."""
    if cython.compiled:
        lernmi_dot4_add(cython.address(w[wi]), cython.address(x[xi]), cython.address(out[oi]),
                        stride, n)
    else:
        for b in range(4):
            out[oi + b * stride] += dot(w, wi, x, xi + b * stride, n)


def axpy(alpha, x, xi, y, yi, n):
    """y[yi + k] += alpha * x[xi + k] for k < n."""
    if cython.compiled:
        lernmi_axpy(alpha, cython.address(x[xi]), cython.address(y[yi]), n)
    else:
        for k in range(n):
            y[yi + k] += alpha * x[xi + k]


def axpy_pair(alpha, w, wi, y, yi, beta, x, xi, n):
    """For k < n: y[yi + k] += alpha * w[wi + k], then w[wi + k] += beta * x[xi + k]."""
    if cython.compiled:
        lernmi_axpy_pair(alpha, cython.address(w[wi]), cython.address(y[yi]), beta,
                         cython.address(x[xi]), n)
    else:
        for k in range(n):
            y[yi + k] += alpha * w[wi + k]
            w[wi + k] += beta * x[xi + k]


# --- one neuron, one link ------------------------------------------------------------------

def neuron_output(kind, z):
    """a = f(z): what a neuron with activation `kind` outputs for the input sum `z`.

    A softmax neuron's output depends on its whole layer: see softmax_output.
    """
    if kind == SIGMOID:
        # Two forms of 1 / (1 + e^-z), so that exp never sees a large positive argument.
        if z >= 0.0:
            return 1.0 / (1.0 + exp(-z))
        e = exp(z)
        return e / (1.0 + e)
    if kind == TANH:
        return tanh(z)
    if kind == RELU:
        return z if z > 0.0 else 0.0
    if kind == BIAS:
        return 1.0
    return z


def output_slope(kind, a):
    """f'(z), written in terms of the output a = f(z), which is all a link can see."""
    if kind == SIGMOID:
        return a * (1.0 - a)
    if kind == TANH:
        return 1.0 - a * a
    if kind == RELU:
        return 1.0 if a > 0.0 else 0.0
    if kind == BIAS:
        return 0.0
    return 1.0


def link_sensitivity(delta, kind, a):
    """s = delta * f'(z): how much the cost changes per unit of the output neuron's input sum."""
    return delta * output_slope(kind, a)


def updated_weight(w, eta, s, a_in):
    """One gradient-descent step: the cost's gradient for this weight is s * a_in."""
    return w - eta * s * a_in


# --- softmax: the activation of a whole layer ----------------------------------------------

def softmax_peak(kind, z, first, size):
    """The largest input sum among the softmax neurons from `first` on (0.0 if none).

    Softmax is e^z_i / sum_k e^z_k; taking the peak off every z first leaves it unchanged
    and keeps exp from overflowing.
    """
    peak = 0.0
    found = False
    for i in range(first, first + size):
        if kind[i] == SOFTMAX and (not found or z[i] > peak):
            peak = z[i]
            found = True
    return peak


def softmax_total(kind, z, first, size, peak):
    """The sum of e^(z_k - peak) over the softmax neurons from `first` on."""
    total = 0.0
    for i in range(first, first + size):
        if kind[i] == SOFTMAX:
            total += exp(z[i] - peak)
    return total


def softmax_output(kind, z, size, i):
    """a_i = e^(z_i - peak) / total: the output of softmax neuron i among the `size` neurons
    of its store (its layer), computed from their input sums as the layer loop does."""
    peak = softmax_peak(kind, z, 0, size)
    return exp(z[i] - peak) / softmax_total(kind, z, 0, size, peak)


def softmax_pull(kind, a, delta, first, count):
    """p = sum over the softmax neurons k of a_k * delta_k.

    Every softmax output depends on every input sum of its layer, so softmax neuron j's
    sensitivity is s_j = a_j * (delta_j - p) rather than delta_j times a slope of its own.
    """
    p = 0.0
    for k in range(first + 1, first + count + 1):
        if kind[k] == SOFTMAX:
            p += a[k] * delta[k]
    return p


def neuron_sensitivity(kind, z, delta, size, i, error_is_sensitivity):
    """s for neuron i of a store of `size` neurons, as compute_sensitivities finds it.

    For an output neuron whose error came from the cross-entropy cost the error already is s
    (see submit_errors). A softmax neuron needs its whole layer's outputs, worked out here
    from the input sums; every other neuron needs only its own.
    """
    if error_is_sensitivity:
        return delta[i]
    if kind[i] != SOFTMAX:
        return link_sensitivity(delta[i], kind[i], neuron_output(kind[i], z[i]))
    peak = softmax_peak(kind, z, 0, size)
    total = softmax_total(kind, z, 0, size, peak)
    p = 0.0
    for k in range(1, size):
        if kind[k] == SOFTMAX:
            p += exp(z[k] - peak) / total * delta[k]
    return exp(z[i] - peak) / total * (delta[i] - p)


# --- costs ------------------------------------------------------------------------------------

def sample_cost(cost, kind, a, first, t):
    """The cost of one sample, from the outputs of the layer at `first` and the expected t.

    quadratic: 0.5 * sum (a - t)^2. cross_entropy: - sum t ln a over softmax neurons, and
    - sum (t ln a + (1 - t) ln (1 - a)) over the others (sigmoid outputs, each a yes/no).
    """
    c = 0.0
    for j in range(t.shape[0]):
        aj, tj = a[first + 1 + j], t[j]
        if cost == QUADRATIC:
            c += 0.5 * (aj - tj) * (aj - tj)
        else:
            if tj > 0.0:
                c -= tj * log(max(aj, TINY))
            if tj < 1.0 and kind[first + 1 + j] != SOFTMAX:
                c -= (1.0 - tj) * log(max(1.0 - aj, TINY))
    return c


def is_correct(a, first, t):
    """Whether the outputs of the layer at `first` give the expected answer t.

    With one output neuron the answer is yes when it is at least 0.5; with several, it is
    the neuron with the largest output (the first, if several tie).
    """
    count = t.shape[0]
    if count == 1:
        return (a[first + 1] >= 0.5) == (t[0] >= 0.5)
    guess, answer = 0, 0
    for j in range(1, count):
        if a[first + 1 + j] > a[first + 1 + guess]:
            guess = j
        if t[j] > t[answer]:
            answer = j
    return guess == answer


# --- a whole layer ---------------------------------------------------------------------------

def compute_outputs(kind, z, a, first, size):
    """a[i] = f(z[i]) for the `size` neurons from `first` on, bias included."""
    softmax = False
    for i in range(first, first + size):
        if kind[i] == SOFTMAX:
            softmax = True
        else:
            a[i] = neuron_output(kind[i], z[i])
    if softmax:
        peak = softmax_peak(kind, z, first, size)
        total = softmax_total(kind, z, first, size, peak)
        for i in range(first, first + size):
            if kind[i] == SOFTMAX:
                a[i] = exp(z[i] - peak) / total


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
    """Each learning neuron gets the error a - t.

    For the quadratic cost 0.5 * (a - t)**2 that is the cost's slope, delta = dC/da, and the
    neuron's sensitivity is delta * f'(z). For the cross-entropy cost with sigmoid or
    softmax outputs the cost's slope and f'(z) cancel to exactly a - t, so the error is the
    sensitivity itself (the layer's `error_is_sensitivity`).
    """
    for j in range(t.shape[0]):
        delta[first + 1 + j] += a[first + 1 + j] - t[j]


def propagate_links(w, w0, rows, cols, a_in, in_first, z_out, out_first, samples, stride):
    """Every link sends w * a_in forward: z_out[j] += sum over i of w[j, i] * a_in[i].

    That for each of `samples` samples, whose neurons lie `stride` apart in a_in and z_out,
    taking each row of weights for every sample while it is in the CPU's cache.
    """
    for j in range(rows):
        if samples == 4:
            dot4_add(w, w0 + j * cols, a_in, in_first, z_out, out_first + 1 + j, stride, cols)
        else:
            for b in range(samples):
                z_out[b * stride + out_first + 1 + j] += dot(w, w0 + j * cols, a_in,
                                                             b * stride + in_first, cols)


def compute_sensitivities(kind, a, delta, s, first, count, error_is_sensitivity):
    """s[j] = delta[j] * f'(z[j]) for each learning neuron, once per neuron, not once per link.

    Softmax neurons and errors that already are sensitivities: see neuron_sensitivity.
    """
    p = softmax_pull(kind, a, delta, first, count)
    for j in range(first + 1, first + count + 1):
        if error_is_sensitivity:
            s[j] = delta[j]
        elif kind[j] == SOFTMAX:
            s[j] = a[j] * (delta[j] - p)
        else:
            s[j] = link_sensitivity(delta[j], kind[j], a[j])


def backpropagate_links(w, w0, rows, cols, eta, a_in, delta_in, in_first, s_out, out_first,
                        send_back):
    """Every link sends w * s back to its input neuron, then takes its gradient step.

    Row j's links all carry s_j: each sends w * s_j back (using its weight from before the
    step, as one link does), then moves its weight by updated_weight's step, -eta * s_j *
    a_in. With `send_back` false (the input layer, whose sensitivities nothing reads) only
    the weights move.
    """
    for j in range(rows):
        sj = s_out[out_first + 1 + j]
        if send_back:
            axpy_pair(sj, w, w0 + j * cols, delta_in, in_first, -eta * sj, a_in, in_first, cols)
        else:
            axpy(-eta * sj, a_in, in_first, w, w0 + j * cols, cols)


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
    cost : int
        The cost's code (COSTS), which decides how the output layer's errors are read.
    """

    def __init__(self, kinds, weights, eta, cost):
        refuse_second_init(self, "layers")
        sizes = [len(k) for k in kinds]
        shapes = [(sizes[l + 1] - 1, sizes[l]) for l in range(len(weights))]
        if len(weights) != len(kinds) - 1 or [np.shape(w) for w in weights] != shapes:
            raise ValueError(f"weights must have shapes {shapes} to join layers of {sizes}")
        if cost not in COSTS.values():
            raise ValueError(f"cost codes are {sorted(COSTS.values())}, not {cost!r}")
        first = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
        neurons = int(first[len(sizes)])
        kind = np.concatenate(kinds).astype(np.intc)
        w0 = np.concatenate([[0], np.cumsum([r * c for r, c in shapes])]).astype(np.intp)
        # One copy of the weights, not two: concatenate copies, astype need not.
        w = np.concatenate([np.ravel(m) for m in weights]).astype(np.float64, copy=False)
        # Everything is made and checked above; nothing below can fail halfway.
        self.kind, self.first, self.w0, self.w = kind, first, w0, w
        self.z, self.delta, self.a, self.s = (np.zeros(neurons) for _ in range(4))
        self.eta = np.full(len(weights), eta)
        self.cost = cost
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

    def scratch(self):
        """Arrays kind, z, delta and a for BLOCK samples at a time, for infer_samples: new
        ones for each thread that runs it, kind a copy of the network's
        activation codes as they are now (a neuron may have been made a bias neuron)."""
        neurons = self.z.shape[0]
        return (np.tile(np.asarray(self.kind), BLOCK), np.zeros(BLOCK * neurons),
                np.zeros(BLOCK * neurons), np.zeros(BLOCK * neurons))

    def _check_layer(self, l, count):
        # This module indexes without bounds checks, so check the layer number here.
        if not 0 <= l < count:
            raise IndexError(f"layer {l} of {count}")

    def __repr__(self):
        return (f"NetworkArrays(layers of {list(self.layer_sizes())} learning neurons, "
                f"{self.w.shape[0]:,} weights)")


def forward(net, kind, z, delta, a, x, start, samples):
    """For inputs x[start], ..., x[start + samples - 1]: reset every layer, load the input,
    and propagate it to the output layer's outputs.

    The same steps as Network.run. Sample b's neurons are at b * (neurons of the network)
    in kind, z, delta and a: the network's own arrays for one sample, its scratch arrays
    (BLOCK samples) for more. Like every loop below, it runs without the GIL and trusts its
    caller (a Network method) to have checked every shape and index.
    """
    first, w, w0 = net.first, net.w, net.w0
    last = first.shape[0] - 2  # the output layer
    stride = first[last + 1]
    for b in range(samples):
        for l in range(last + 1):
            reset_learning(z, delta, b * stride + first[l], first[l + 1] - first[l] - 1)
        load_inputs(z, b * stride + first[0], x[start + b])
    for l in range(last):
        rows = first[l + 2] - first[l + 1] - 1
        cols = first[l + 1] - first[l]
        for b in range(samples):
            compute_outputs(kind, z, a, b * stride + first[l], cols)
        propagate_links(w, w0[l], rows, cols, a, first[l], z, first[l + 1], samples, stride)
    for b in range(samples):
        compute_outputs(kind, z, a, b * stride + first[last], first[last + 1] - first[last])


def learn_samples(net, x, t, order, score):
    """For each k in `order`, one learning step on input x[k] with expected output t[k].

    The same steps as Network.learn: forward, submit the output errors, backpropagate layer
    after layer in reverse. The input layer's sensitivity sums are not worked out: nothing
    reads them. Each sample's cost, and whether the output was right before the step, is
    added to score[0] and score[1].
    """
    kind, delta, a, s = net.kind, net.delta, net.a, net.s
    first, w, w0, eta = net.first, net.w, net.w0, net.eta
    last = first.shape[0] - 2
    for n in range(order.shape[0]):
        k = order[n]
        forward(net, kind, net.z, delta, a, x, k, 1)
        score[0] += sample_cost(net.cost, kind, a, first[last], t[k])
        score[1] += is_correct(a, first[last], t[k])
        submit_errors(a, delta, first[last], t[k])
        for l in range(last - 1, -1, -1):
            rows = first[l + 2] - first[l + 1] - 1
            cols = first[l + 1] - first[l]
            compute_sensitivities(kind, a, delta, s, first[l + 1], rows,
                                  l == last - 1 and net.cost == CROSS_ENTROPY)
            backpropagate_links(w, w0[l], rows, cols, eta[l], a, delta, first[l], s,
                                first[l + 1], l > 0)


def infer_samples(net, x, t, outputs, costs, right, kind, z, delta, a):
    """Every row k of x through the network, without learning: outputs[k] = the output
    layer's outputs if `outputs` has rows; costs[k] = the row's cost against t[k] and
    right[k] = whether the network got it right (see learn_samples) if `t` has rows.

    BLOCK samples at a time, in the scratch arrays kind, z, delta and a
    (`NetworkArrays.scratch`), so that the network's own arrays are left alone; the same sums
    as one by one.
    """
    first = net.first
    last = first.shape[0] - 2
    stride = first[last + 1]
    for block in range((x.shape[0] + BLOCK - 1) // BLOCK):
        start = block * BLOCK
        samples = min(BLOCK, x.shape[0] - start)
        forward(net, kind, z, delta, a, x, start, samples)
        for b in range(samples):
            out = b * stride + first[last]
            if outputs.shape[0] > 0:
                for j in range(outputs.shape[1]):
                    outputs[start + b, j] = a[out + 1 + j]
            if t.shape[0] > 0:
                costs[start + b] = sample_cost(net.cost, kind, a, out, t[start + b])
                right[start + b] = is_correct(a, out, t[start + b])
