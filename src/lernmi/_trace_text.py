"""How a Trace (tracing.py) is printed: the step written out by hand, every formula filled
in with its numbers."""

import numpy as np

from .activations import ACTIVATIONS, output_of, slope_of
from .costs import COSTS
from .optimizers import is_plain, keeps

#: Significant digits of the numbers in a printed Trace.
DIGITS = 6

#: A printed Trace shows this many neurons per layer, links per neuron and terms per sum.
SHOWN = 5


class Writer:
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
            if is_plain(step.optimizer):
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
            yield (f"m -> b1 * m + (1 - b1) * g = {n(b1)} * {n(m0)} + {n(1 - b1)} * {n(g)} "
                   f"= {n(m1)}")
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
        if not is_plain(step.optimizer):
            self.line(f"  the links step by {step.optimizer!r}")
        if step.corrections is not None:
            c1, c2 = step.corrections
            self.line(f"  (Adam's bias corrections at this step k: 1 - b1^k = {n(c1)}, "
                      f"1 - b2^k = {n(c2)})")
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
            if step.keep is not None and step.keep[j] != 1.0:  # dropout, while learning
                if step.keep[j] == 0.0:
                    self.line("            dropped for this sample: s = 0, and its links "
                              "learn nothing")
                    continue
                slope = slope_of(step.activation, step.z[j],
                                 output_of(step.activation, step.z[j]))
                self.line(f"            s = keep * delta * f'(z) = {n(step.keep[j])} * {d} * "
                          f"{n(slope)} = {s}")
            else:
                self.line(f"            s = {entry.slope} = "
                          f"{self.filled(entry.slope_shown, step, j, p)} = {s}")
            self.links_into(step, j)
        self.neurons_left(step)
