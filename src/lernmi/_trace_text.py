"""How a Trace (tracing.py) is printed: the step written out by hand, every formula filled
in with its numbers. Formulas makes the pieces, Writer the text; a notebook's table of a
Trace (_display.trace_html) is made of the same pieces."""

import numpy as np

from ._dtypes import loops
from .activations import ACTIVATIONS
from .costs import COSTS, formula
from .optimizers import is_plain, keeps

#: Significant digits of the numbers in a printed Trace.
DIGITS = 6

#: The most a Trace may be asked for: 17 significant digits tell any two float64s apart,
#: and more only show the binary fraction's decimal tail, no more of the number.
MOST_DIGITS = 17

#: A printed Trace shows this many neurons per layer, links per neuron and terms per sum.
SHOWN = 5

#: What a neuron dropout dropped shows in place of its sensitivity.
DROPPED = "dropped for this sample: s = 0, and its links learn nothing"

#: What the forward pass does.
FORWARD = "forward: each neuron sums w * a_in over its links in (a_in[0] = 1, the bias)"


class Formulas:
    """A Trace's formulas filled in with its numbers, one piece at a time: what its text
    (Writer, below) and its table in a notebook (_display.trace_html) are made of.

    `digits` is how many significant digits a number shows, `shown` how many neurons,
    links and terms of a wide layer are written out.
    """

    def __init__(self, digits, shown):
        self.digits, self.shown = digits, shown

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

    def cost(self, trace):
        """'cost = its formula = the sample's cost'."""
        return (f"cost = {formula(trace.cost, trace.layers[-1].activation)} "
                f"= {self.number(trace.loss)}")

    def backward(self, trace):
        """What the backward pass does, and whether the weights took the step."""
        plain = all(is_plain(step.optimizer) for step in trace.layers)
        yield ("backward, output layer first: each link's gradient = s * a_in, and " +
               ("w -> w - eta * gradient" if plain else "its layer's optimiser steps w"))
        yield ("(learn=True: the weights took this step)" if trace.learned else
               "(learn=False: the weights did not take this step)")

    def title(self, number, step, last, detail):
        """'layer 1: 3 sigmoid neurons, ' and `detail`."""
        rows = len(step.z)
        return (f"layer {number}{' (output)' * last}: {rows} {step.activation} "
                f"neuron{'s' * (rows != 1)}, {detail}")

    def sum_in(self, step, j):
        """Neuron j's input sum: 'w * a_in + ... = z'."""
        return f"{self.products(step.weights[j], step.inputs)} = {self.number(step.z[j])}"

    def output(self, step, j):
        """Neuron j's output: its activation's formula filled in, '= a' (with dropout's
        keep, while learning with it)."""
        n, shown = self.number, ACTIVATIONS[step.activation].shown
        if step.keep is not None and step.keep[j] != 1.0:
            return (f"{self.filled(shown, step, j)} * keep, keep = {n(step.keep[j])}"
                    + " (dropped)" * bool(step.keep[j] == 0.0) + f": a = {n(step.a[j])}")
        return f"{self.filled(shown, step, j)} = {n(step.a[j])}"

    def filled(self, text, step, j, p=0.0):
        """`text`, one of an activation's formulas (activations.Activation), with neuron
        j's numbers in it."""
        n = self.number
        numbers = {"z": n(step.z[j]), "a": n(step.a[j]), "p": n(p),
                   "pa": n(step.a[j]) if step.a[j] >= 0 else f"({n(step.a[j])})"}
        if step.delta is not None:
            numbers["delta"] = n(step.delta[j])
        if "{slope}" in text:  # by the very C formula the loops use
            numbers["slope"] = n(formulas(step).slope_of(step.activation, step.z[j], step.a[j]))
        if "{total}" in text:  # softmax's, shown (the loop does not keep it)
            with np.errstate(over="ignore"):
                numbers["total"] = n(np.sum(np.exp(step.z)))
        return text.format(**numbers)

    def link_step(self, step, j, i):
        """The lines of the step of the link weights[j, i]: its gradient, then how w moves."""
        n = self.number
        yield (f"gradient = s * a_in = {n(step.s[j])} * {n(step.inputs[i])} "
               f"= {n(step.gradient[j, i])}")
        if is_plain(step.optimizer):
            yield (f"w -> w - eta * gradient = {n(step.weights[j, i])} - "
                   f"{n(step.training_rate)} * {n(step.gradient[j, i])} = "
                   f"{n(step.new_weights[j, i])}")
        else:
            yield from self.optimizer_step(step, j, i)

    def optimizer_step(self, step, j, i):
        """The lines of the optimiser's step for the link weights[j, i]."""
        with np.errstate(all="ignore"):  # (the loops overflow without a warning)
            return list(self._optimizer_lines(step, j, i, step.weights.dtype.type))

    def _optimizer_lines(self, step, j, i, real):
        # Worked out as the loops work them: each number a real (numpy's float64 or
        # float32, whose arithmetic is the loops'), the optimiser's settings rounded to one.
        n, rule, w = self.number, step.optimizer, step.weights[j, i]
        g, one = step.gradient[j, i], real(1)
        if rule.weight_decay:
            g2 = g + real(rule.weight_decay) * w
            yield (f"g = gradient + weight_decay * w = {n(g)} + {n(real(rule.weight_decay))} "
                   f"* {n(w)} = {n(g2)}")
            g = g2
        else:
            yield f"g = gradient = {n(g)}"
        before, after, new = step.kept_before, step.kept_after, n(step.new_weights[j, i])
        eta = n(real(step.training_rate))
        if keeps(rule) == "velocity":
            mu, v0, v1 = real(rule.momentum), before["velocity"][j, i], after["velocity"][j, i]
            yield (f"velocity -> momentum * velocity + g = {n(mu)} * {n(v0)} + "
                   f"{n(g)} = {n(v1)}{flush_note(mu * v0 + g, v1)}")
            if rule.nesterov:
                yield (f"w -> w - eta * (g + momentum * velocity) = {n(w)} - "
                       f"{eta} * ({n(g)} + {n(mu)} * {n(v1)}) = {new}")
            else:
                yield f"w -> w - eta * velocity = {n(w)} - {eta} * {n(v1)} = {new}"
        elif keeps(rule) == "moments":
            (b1, b2), (c1, c2) = map(real, rule.betas), step.corrections
            m0, m1 = before["m"][j, i], after["m"][j, i]
            v0, v1 = before["v"][j, i], after["v"][j, i]
            yield (f"m -> b1 * m + (1 - b1) * g = {n(b1)} * {n(m0)} + {n(one - b1)} * {n(g)} "
                   f"= {n(m1)}{flush_note(b1 * m0 + (one - b1) * g, m1)}")
            yield (f"v -> b2 * v + (1 - b2) * g^2 = {n(b2)} * {n(v0)} + {n(one - b2)} * "
                   f"{n(g)}^2 = {n(v1)}{flush_note(b2 * v0 + (one - b2) * g * g, v1)}")
            yield (f"w -> w - eta * (m / (1 - b1^k)) / (sqrt(v / (1 - b2^k)) + epsilon) = "
                   f"{n(w)} - {eta} * ({n(m1)} / {n(c1)}) / (sqrt({n(v1)} "
                   f"/ {n(c2)}) + {n(real(rule.epsilon))}) = {new}")
        else:
            yield f"w -> w - eta * g = {n(w)} - {eta} * {n(g)} = {new}"

    def links_in(self, number, step):
        """Where a layer's backward pass steps: 'links in: weights of ..., eta = ...'."""
        return (f"links in: weights of link_layers[{number - 1}], "
                f"eta = {self.number(step.training_rate)}")

    def notes(self, step, following, trace):
        """What a layer's backward pass says before its neurons: how its links step, and
        softmax's pull p; `following` is the next layer's step, None for the output layer."""
        n = self.number
        if not is_plain(step.optimizer):
            yield f"the links step by {step.optimizer!r}"
        if step.corrections is not None:
            c1, c2 = step.corrections
            yield (f"(Adam's bias corrections at this step k: 1 - b1^k = {n(c1)}, "
                   f"1 - b2^k = {n(c2)})")
        if "{p}" in ACTIVATIONS[step.activation].slope_shown and \
                by_cost(trace, following) is None:
            yield (f"p = sum of a * delta = {self.products(step.a, step.delta)} = "
                   f"{n(pull(step))}")

    def sensitivity(self, step, j, following, trace):
        """Neuron j's sensitivity sum and sensitivity, filled in: (delta, s). delta is None
        when the cost gives s itself, s is None when dropout dropped the neuron."""
        n = self.number
        entry = ACTIVATIONS[step.activation]
        d, s = n(step.delta[j]), n(step.s[j])
        cost = by_cost(trace, following)
        if cost is not None:  # the cost gives s itself; delta is left at 0
            numbers = COSTS[trace.cost].sensitivity_shown.format(
                a=n(step.a[j]), t=n(trace.expected_outputs[j]))
            return None, f"{cost} = {numbers} = {s}"
        if following is None:
            sums = f"a - t = {n(step.a[j])} - {n(trace.expected_outputs[j])}"
        else:
            sums = "sum of w * s over the links out = " + self.products(
                following.weights[:, j + 1], following.s)
        delta = f"{sums} = {d}"
        if step.keep is not None and step.keep[j] != 1.0:  # dropout, while learning
            if step.keep[j] == 0.0:
                return delta, None
            f = formulas(step)
            slope = f.slope_of(step.activation, step.z[j], f.output_of(step.activation, step.z[j]))
            return delta, f"keep * delta * f'(z) = {n(step.keep[j])} * {d} * {n(slope)} = {s}"
        filled = self.filled(entry.slope_shown, step, j, pull(step))
        return delta, f"{entry.slope} = {filled} = {s}"

    def neurons(self, step):
        """The numbers of a layer's neurons to show."""
        return range(min(len(step.z), self.shown))


def formulas(step):
    """The activations whose C formulas the step's loops ran: its type of number's."""
    return loops(step.z.dtype.type, "activations")


def flush_note(computed, kept):
    """What the line of a velocity or moment adds if the rule flushed it to zero: the number
    computed was subnormal (steps.flushed), for the type of number it was kept in."""
    if kept == 0.0 and computed != 0.0:
        if np.asarray(kept).dtype == np.float32:
            return " (smaller than 1.2e-38, the smallest normal float32: flushed to 0)"
        return " (smaller than 2.2e-308, the smallest normal double: flushed to 0)"
    return ""


def by_cost(trace, following):
    """How the cost gives an output layer its s (costs.Cost), or None if it does not:
    `following` is the next layer's step, None for the output layer."""
    return COSTS[trace.cost].sensitivity if following is None else None


def pull(step):
    """Softmax's pull p = sum of a * delta, shown (the loop keeps no p)."""
    return float(np.dot(step.a, step.delta))


class Writer(Formulas):
    """Builds a Trace's text, a line at a time."""

    def __init__(self, digits, shown):
        super().__init__(digits, shown)
        self.lines = []

    def line(self, text):
        self.lines.append(text)

    def done(self):
        return "\n".join(self.lines)

    def forward_layer(self, number, step, last):
        self.line(self.title(number, step, last, ACTIVATIONS[step.activation].formula))
        for j in self.neurons(step):
            self.line(f"  neuron {j}: z = {self.sum_in(step, j)}")
            self.line(f"            a = {self.output(step, j)}")
        self.neurons_left(step)

    def backward_layer(self, number, step, following, trace):
        """Layer `number`'s sensitivities and the gradients of the links into it; `following`
        is the next layer's step, None for the output layer."""
        self.line(self.title(number, step, following is None, self.links_in(number, step)))
        for note in self.notes(step, following, trace):
            self.line(f"  {note}")
        for j in self.neurons(step):
            delta, s = self.sensitivity(step, j, following, trace)
            if delta is None:
                self.line(f"  neuron {j}: s = {s}")
            else:
                self.line(f"  neuron {j}: delta = {delta}")
                if s is None:
                    self.line(f"            {DROPPED}")
                    continue
                self.line(f"            s = {s}")
            self.links_into(step, j)
        self.neurons_left(step)

    def links_into(self, step, j):
        """The gradient and the step of the links into neuron j (the first `shown`)."""
        for i in range(min(len(step.inputs), self.shown)):
            link = f"    weights[{j}, {i}]:"
            for k, text in enumerate(self.link_step(step, j, i)):
                self.line(f"{link if k == 0 else ' ' * len(link)} {text}")
        if len(step.inputs) > self.shown:
            self.line(f"    {self.more(len(step.inputs), 'link')} into neuron {j}")

    def neurons_left(self, step):
        if len(step.z) > self.shown:
            self.line(f"  {self.more(len(step.z), 'neuron')}")
