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

from .activations import ACTIVATIONS, slope_of
from .costs import COSTS, cost_of, formula
from .optimizers import SGD, bias_corrections, keeps
from .stores import NUMBERS
from .training import set_state, state_of

#: Significant digits of the numbers in a printed Trace.
DIGITS = 6

#: A printed Trace shows this many neurons per layer, links per neuron and terms per sum.
SHOWN = 5


def plain(optimizer):
    """Whether `optimizer` is plain gradient descent, the seed's step (or None: no step)."""
    return optimizer is None or (isinstance(optimizer, SGD) and optimizer.momentum == 0.0
                                 and optimizer.weight_decay == 0.0)


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
            if plain(optimizer):
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
            self.loss = cost_of(cost, self.layers[-1].activation, self.outputs,
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

    def format(self, digits=DIGITS, shown=SHOWN):
        """The trace as text: `digits` significant digits, and at most `shown` neurons per
        layer, links per neuron and terms per sum."""
        text = _Writer(digits, shown)
        backward = self.expected_outputs is not None
        text.line(f"Trace of one sample through {self.network}")
        text.line(f"x = {text.vector(self.inputs)}")
        text.line("")
        text.line("forward: each neuron sums w * a_in over its links in (a_in[0] = 1, the bias)")
        for l, step in enumerate(self.layers):
            text.forward(l + 1, step, l + 1 == len(self.layers))
        if not backward:
            return text.done()
        text.line("")
        text.line(f"t = {text.vector(self.expected_outputs)}")
        text.line(f"cost = {formula(self.cost, self.layers[-1].activation)} "
                  f"= {text.number(self.loss)}")
        text.line("")
        optimizer = self.layers[0].optimizer
        text.line("backward, output layer first: each link's gradient = s * a_in, and " +
                  ("w -> w - eta * gradient" if plain(optimizer) else
                   f"the step of {optimizer!r}"))
        if self.layers[0].corrections is not None:
            c1, c2 = self.layers[0].corrections
            text.line(f"(Adam's bias corrections at this step: 1 - b1^k = {text.number(c1)}, "
                      f"1 - b2^k = {text.number(c2)})")
        text.line("(learn=True: the weights took this step)" if self.learned else
                  "(learn=False: the weights did not take this step)")
        for l in range(len(self.layers) - 1, -1, -1):
            following = self.layers[l + 1] if l + 1 < len(self.layers) else None
            text.backward(l + 1, self.layers[l], following, self)
        return text.done()


class _Writer:
    """Builds a Trace's text, a line at a time."""

    def __init__(self, digits, shown):
        self.digits, self.shown, self.lines = digits, shown, []

    def line(self, text):
        self.lines.append(text)

    def done(self):
        return "\n".join(self.lines)

    def number(self, value):
        return f"{value + 0.0:.{self.digits}g}"  # + 0.0 shows -0.0 as 0

    def more(self, count, what=""):
        """'... (N more whats)' when `count` things are more than are shown, else ''."""
        left = count - self.shown
        if left <= 0:
            return ""
        return f"... ({left} more{what and ' ' + what + 's' * (left != 1)})"

    def listed(self, texts, count, joint, what=""):
        """The first `shown` of `texts`, joined, and how many more there are of `count`."""
        more = self.more(count, what)
        return joint.join(list(texts)[:self.shown] + [more] * bool(more))

    def vector(self, values):
        return "[" + self.listed(map(self.number, values[:self.shown]), len(values), ", ") + "]"

    def products(self, x, y):
        """'x0 * y0 + x1 * y1 + ...', the first `shown` terms of the sum of x * y."""
        n = self.number
        terms = (f"{n(x[k])} * {n(y[k])}" for k in range(min(len(x), self.shown)))
        return self.listed(terms, len(x), " + ")

    def layer(self, number, step, last, detail):
        """The layer's title; the numbers of the neurons to show."""
        rows = len(step.z)
        self.line(f"layer {number}{' (output)' * last}: {rows} {step.activation} "
                  f"neuron{'s' * (rows != 1)}, {detail}")
        return range(min(rows, self.shown))

    def forward(self, number, step, last):
        n = self.number
        entry = ACTIVATIONS[step.activation]
        for j in self.layer(number, step, last, entry.formula):
            z = self.products(step.weights[j], step.inputs)
            self.line(f"  neuron {j}: z = {z} = {n(step.z[j])}")
            if step.keep is not None and step.keep[j] != 1.0:  # dropout, while learning
                self.line(f"            a = {self.filled(entry.shown, step, j)} * keep, "
                          f"keep = {n(step.keep[j])}" + " (dropped)" * bool(step.keep[j] == 0.0) +
                          f": a = {n(step.a[j])}")
                continue
            self.line(f"            a = {self.filled(entry.shown, step, j)} = {n(step.a[j])}")
        self.neurons_left(step)

    def filled(self, text, step, j, p=0.0):
        """`text`, one of an activation's formulas (activations.Activation), with neuron
        j's numbers in it."""
        n = self.number
        numbers = {"z": n(step.z[j]), "a": n(step.a[j]), "p": n(p),
                   "pa": n(step.a[j]) if step.a[j] >= 0 else f"({n(step.a[j])})"}
        if step.delta is not None:
            numbers["delta"] = n(step.delta[j])
        if "{slope}" in text:  # by the very C formula the loops use
            numbers["slope"] = n(slope_of(step.activation, step.z[j], step.a[j]))
        if "{total}" in text:  # softmax's, shown (the loop does not keep it)
            with np.errstate(over="ignore"):
                numbers["total"] = n(np.sum(np.exp(step.z)))
        return text.format(**numbers)

    def links_into(self, step, j):
        """The gradient and the step of the links into neuron j (the first `shown`)."""
        n = self.number
        for i in range(min(len(step.inputs), self.shown)):
            link = f"    weights[{j}, {i}]:"
            self.line(f"{link} gradient = s * a_in = {n(step.s[j])} * {n(step.inputs[i])} "
                      f"= {n(step.gradient[j, i])}")
            if plain(step.optimizer):
                self.line(f"{' ' * len(link)} w -> w - eta * gradient = "
                          f"{n(step.weights[j, i])} - {n(step.training_rate)} * "
                          f"{n(step.gradient[j, i])} = {n(step.new_weights[j, i])}")
            else:
                for text in self.optimizer_step(step, j, i):
                    self.line(f"{' ' * len(link)} {text}")
        if len(step.inputs) > self.shown:
            self.line(f"    {self.more(len(step.inputs), 'link')} into neuron {j}")

    def optimizer_step(self, step, j, i):
        """The lines of the optimiser's step for the link weights[j, i]."""
        n, rule, w = self.number, step.optimizer, step.weights[j, i]
        g = step.gradient[j, i]
        if rule.weight_decay:
            g2 = g + rule.weight_decay * w
            yield (f"g = gradient + weight_decay * w = {n(g)} + {n(rule.weight_decay)} * "
                   f"{n(w)} = {n(g2)}")
            g = g2
        else:
            yield f"g = gradient = {n(g)}"
        before, after, new = step.kept_before, step.kept_after, n(step.new_weights[j, i])
        if keeps(rule) == "velocity":
            v0, v1 = before["velocity"][j, i], after["velocity"][j, i]
            yield (f"velocity -> momentum * velocity + g = {n(rule.momentum)} * {n(v0)} + "
                   f"{n(g)} = {n(v1)}")
            if rule.nesterov:
                yield (f"w -> w - eta * (g + momentum * velocity) = {n(w)} - "
                       f"{n(step.training_rate)} * ({n(g)} + {n(rule.momentum)} * {n(v1)}) "
                       f"= {new}")
            else:
                yield (f"w -> w - eta * velocity = {n(w)} - {n(step.training_rate)} * "
                       f"{n(v1)} = {new}")
        elif keeps(rule) == "moments":
            (b1, b2), (c1, c2) = rule.betas, step.corrections
            m0, m1 = before["m"][j, i], after["m"][j, i]
            v0, v1 = before["v"][j, i], after["v"][j, i]
            yield f"m -> b1 * m + (1 - b1) * g = {n(b1)} * {n(m0)} + {n(1 - b1)} * {n(g)} = {n(m1)}"
            yield (f"v -> b2 * v + (1 - b2) * g^2 = {n(b2)} * {n(v0)} + {n(1 - b2)} * "
                   f"{n(g)}^2 = {n(v1)}")
            yield (f"w -> w - eta * (m / (1 - b1^k)) / (sqrt(v / (1 - b2^k)) + epsilon) = "
                   f"{n(w)} - {n(step.training_rate)} * ({n(m1)} / {n(c1)}) / (sqrt({n(v1)} "
                   f"/ {n(c2)}) + {n(rule.epsilon)}) = {new}")
        else:
            yield f"w -> w - eta * g = {n(w)} - {n(step.training_rate)} * {n(g)} = {new}"

    def neurons_left(self, step):
        if len(step.z) > self.shown:
            self.line(f"  {self.more(len(step.z), 'neuron')}")

    def backward(self, number, step, following, trace):
        """Layer `number`'s sensitivities and the gradients of the links into it; `following`
        is the next layer's step, None for the output layer."""
        n = self.number
        entry = ACTIVATIONS[step.activation]
        # An output layer's s comes from the cost, which may say how (costs.Cost).
        by_cost = COSTS[trace.cost].sensitivity if following is None else None
        p = float(np.dot(step.a, step.delta))  # softmax's pull, shown (the loop keeps no p)
        rows = self.layer(number, step, following is None, f"links in: weights of "
                          f"link_layers[{number - 1}], eta = {n(step.training_rate)}")
        if "{p}" in entry.slope_shown and by_cost is None:
            self.line(f"  p = sum of a * delta = {self.products(step.a, step.delta)} = {n(p)}")
        for j in rows:
            d, s = n(step.delta[j]), n(step.s[j])
            if by_cost is not None:  # the cost gives s itself; delta is left at 0
                numbers = COSTS[trace.cost].sensitivity_shown.format(
                    a=n(step.a[j]), t=n(trace.expected_outputs[j]))
                self.line(f"  neuron {j}: s = {by_cost} = {numbers} = {s}")
                self.links_into(step, j)
                continue
            if following is None:
                sums = f"a - t = {n(step.a[j])} - {n(trace.expected_outputs[j])}"
            else:
                sums = "sum of w * s over the links out = " + self.products(
                    following.weights[:, j + 1], following.s)
            self.line(f"  neuron {j}: delta = {sums} = {d}")
            self.line(f"            s = {entry.slope} = "
                      f"{self.filled(entry.slope_shown, step, j, p)} = {s}")
            self.links_into(step, j)
        self.neurons_left(step)


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
        corrections = bias_corrections(net.optimizer, net.steps)
        for l, layer in enumerate(links):
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
