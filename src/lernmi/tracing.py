"""Trace: every number of one learning step, and the formulas that made it.

`Network.trace` runs one sample through a network with the layers' own methods, the very
compiled loops `Network.learn` uses, and keeps what each step left in the layers' arrays:
each neuron's input sum z, output a, sensitivity sum delta and sensitivity s, and each
link's weight, gradient s * a_in and update -eta * s * a_in. Nothing here computes those
numbers again; it only reads them, and multiplies s by a_in to show the gradient the loop
folds into its update. Printed, a Trace is the step written out by hand with every formula
filled in with its numbers.

Indices are those of `LinkLayer.weights`: row j is learning neuron j of the layer fed,
column i is neuron i of the layer before it, the bias neuron (a_in[0] = 1) first.
"""

import numpy as np

from ._checks import positive_int
from ._trace_text import DIGITS, FORWARD, MOST_DIGITS, SHOWN, Writer
from ._dtypes import loops
from .optimizers import bias_corrections, is_plain
from .stores import NUMBERS
from .training import set_state, state_of


def kept_by(links):
    """Copies of what a link layer's optimiser keeps for each link, by name; None if none."""
    if links.velocity is not None:
        return {"velocity": links.velocity.copy()}
    if links.moments is not None:
        return {"m": links.moments[0].copy(), "v": links.moments[1].copy()}
    return None


class LayerStep:
    """What one LinkLayer, and the NeuronLayer it feeds, did in a traced step.

    Attributes
    ----------
    activation : str
        The activation of the neurons fed.
    training_rate : float
        eta, the LinkLayer's training rate.
    inputs : array of shape (cols,)
        a_in: the outputs of the layer before, the bias neuron's 1.0 first.
    weights : array of shape (rows, cols)
        The weights before the step.
    z, a : arrays of shape (rows,)
        Each learning neuron's input sum and output.
    delta, s : arrays of shape (rows,), or None when only the forward pass was traced
        Each learning neuron's sensitivity sum and sensitivity.
    gradient : array of shape (rows, cols), or None
        The cost's slope for each weight: gradient[j, i] = s[j] * inputs[i].
    update : array of shape (rows, cols), or None
        The step each weight takes, -eta * gradient, rounded as the loop rounds it.
    new_weights : array of shape (rows, cols), or None
        What the weights became (``learn=True``) or would become.
    optimizer : lernmi.SGD or lernmi.Adam
        The link layer's optimiser. Unless it is plain SGD, `update` is new_weights -
        weights, and these show its step:
    kept_before, kept_after : dict of arrays, or None
        What the optimiser keeps for each link, before and after the step:
        ``{"velocity": ...}`` (SGD with momentum) or ``{"m": ..., "v": ...}`` (Adam).
    corrections : (float, float) or None
        Adam's bias corrections 1 - b1**k and 1 - b2**k at this step k.
    keep : array of shape (rows,), or None
        Dropout, when learning with it: what each neuron's output was multiplied by (0 for
        a neuron dropped for this sample, 1 / (1 - p) for one kept).
    """

    def __init__(self, activation, training_rate, inputs, weights, z, a, delta=None, s=None,
                 new_weights=None, optimizer=None, kept=(None, None), corrections=None,
                 keep=None):
        self.activation, self.training_rate = activation, training_rate
        self.inputs, self.weights, self.z, self.a = inputs, weights, z, a
        self.delta, self.s, self.new_weights = delta, s, new_weights
        self.optimizer, self.corrections, self.keep = optimizer, corrections, keep
        self.kept_before, self.kept_after = kept
        self.gradient = self.update = None
        if s is not None:
            self.gradient = np.outer(s, inputs)
            if is_plain(optimizer):
                # The loop's own rounding: it scales a_in by -eta * s_j, then adds.
                self.update = np.outer(-training_rate * s, inputs)
            else:
                self.update = new_weights - weights

    def __repr__(self):
        rows, cols = self.weights.shape
        return (f"LayerStep({cols} -> {rows} {self.activation}, "
                f"training_rate={self.training_rate:g})")


class Trace:
    """Every number of one sample's step through a Network: see `Network.trace`.

    Attributes
    ----------
    network : str
        The network's repr, as it was when traced.
    inputs : array
        x, the sample's inputs.
    expected_outputs : array or None
        t; None when only the forward pass was traced.
    cost : str
        The network's cost, "quadratic" or "cross_entropy".
    loss : float or None
        The sample's cost, from the outputs and t.
    learned : bool
        Whether the step really changed the weights (``learn=True``).
    layers : tuple of LayerStep
        layers[l] is what link layer l and the neuron layer l + 1 it feeds did.

    Printed, a Trace shows the formulas with their numbers; `format` chooses how many digits
    and how many neurons, links and terms of a wide layer are shown.
    """

    def __init__(self, network, inputs, expected_outputs, cost, layers, learned):
        self.network, self.inputs, self.expected_outputs = network, inputs, expected_outputs
        self.cost, self.layers, self.learned = cost, tuple(layers), learned
        self.loss = None
        if expected_outputs is not None:
            costs = loops(self.outputs.dtype.type, "costs")  # the step's type of number's
            self.loss = costs.cost_of(cost, self.layers[-1].activation, self.outputs,
                                      expected_outputs)

    @property
    def outputs(self):
        """The output layer's outputs."""
        return self.layers[-1].a

    @property
    def gradients(self):
        """Each link layer's gradient matrix, or None when only the forward pass was traced."""
        if self.expected_outputs is None:
            return None
        return [step.gradient for step in self.layers]

    def __repr__(self):
        what = "forward pass" if self.expected_outputs is None else (
            "weights changed" if self.learned else "weights unchanged")
        return f"Trace({self.network}, {what})"

    def __str__(self):
        return self.format()

    def _repr_html_(self):
        """In a notebook: the formulas filled in, as tables."""
        from ._display import trace_html
        return trace_html(self)

    def format(self, digits=DIGITS, shown=SHOWN):
        """The trace as text: `digits` significant digits (an int from 1 to 17, which tell
        any two float64s apart; default 6), and at most `shown` neurons per layer, links
        per neuron and terms per sum (an int, 1 or more; default 5)."""
        digits, shown = positive_int(digits, "digits"), positive_int(shown, "shown")
        if digits > MOST_DIGITS:
            raise ValueError(f"digits must be at most {MOST_DIGITS}, as many as a float64 "
                             f"has, not {digits}")
        text = Writer(digits, shown)
        backward = self.expected_outputs is not None
        text.line(f"Trace of one sample through {self.network}")
        text.line(f"x = {text.vector(self.inputs)}")
        text.line("")
        text.line(FORWARD)
        for l, step in enumerate(self.layers):
            text.forward_layer(l + 1, step, l + 1 == len(self.layers))
        if not backward:
            return text.done()
        text.line("")
        text.line(f"t = {text.vector(self.expected_outputs)}")
        text.line(text.cost(self))
        text.line("")
        for line in text.backward(self):
            text.line(line)
        for l in range(len(self.layers) - 1, -1, -1):
            following = self.layers[l + 1] if l + 1 < len(self.layers) else None
            text.backward_layer(l + 1, self.layers[l], following, self)
        return text.done()


def trace_step(net, x, t, learn):
    """Take one step of `net` on x (and t, unless None) and return its Trace.

    The caller holds the network's lock and has checked x and t. The step is the one
    `Network.learn` takes, through the same layer methods; with `learn` false every weight
    and every neuron's sums are put back as they were afterwards.
    """
    neurons, links = net.neuron_layers, net.link_layers
    # Each neuron layer's numbers: views into the network's arrays, and a copy of them.
    arrays = [layer.store.views() for layer in neurons]
    saved_sums = [[np.copy(getattr(views, name)) for name in NUMBERS] for views in arrays]
    weights = [layer.weights.copy() for layer in links]
    saved_links = state_of(net)  # weights, and the optimiser's numbers and steps
    kept_before = [kept_by(layer) for layer in links]
    try:
        for layer in neurons:
            layer.reset()
        neurons[0].input(x)
        for layer in links:
            layer.propagate()
        neurons[-1].outputs()  # works out the output layer's a
        if t is not None:
            neurons[-1].expected_output(t, net.cost)
            for layer in reversed(links):
                layer.backpropagate()
        steps = []
        for l, layer in enumerate(links):
            corrections = bias_corrections(layer.optimizer, layer.steps) \
                if t is not None else None
            fed = arrays[l + 1]  # its learning neurons' numbers (the bias neuron's left out)
            backward = (np.copy(fed.delta[1:]), np.copy(fed.s[1:]),
                        layer.weights.copy()) if t is not None else ()
            keep = np.copy(fed.keep[1:]) if (fed.keep != 1.0).any() else None
            steps.append(LayerStep(neurons[l + 1].activation, layer.training_rate,
                                   np.copy(arrays[l].a), weights[l], np.copy(fed.z[1:]),
                                   np.copy(fed.a[1:]), *backward, optimizer=layer.optimizer,
                                   kept=(kept_before[l], kept_by(layer)),
                                   corrections=corrections, keep=keep))
    finally:
        if not learn:
            set_state(net, saved_links)
            for views, before in zip(arrays, saved_sums):
                for name, values in zip(NUMBERS, before):
                    np.copyto(getattr(views, name), values)
    return Trace(repr(net), x.copy(), None if t is None else t.copy(), net.cost, steps,
                 learn and t is not None)
