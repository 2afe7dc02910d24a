"""Gradient check: backpropagation's gradients against finite differences of the cost.

Backpropagation is a recipe for the slope of the cost with respect to every weight. A
finite difference measures the same slope without any recipe: nudge one weight up by h and
down by h, run the network each time, and divide the change in the cost by 2h. Where the
two disagree, a derivative somewhere in the recipe is wrong.
"""

import math
from collections import namedtuple

import numpy as np

from ._checks import as_vector, finite_number, positive_int
from .costs import check_targets, cost_of
from .network import Network
from .tracing import trace_step

#: A check passes when every link's relative error is at most this.
TOLERANCE = 1e-5

#: Relative errors are measured against max(|backprop|, |numeric|, FLOOR), so a gradient
#: near zero is compared with an absolute tolerance of TOLERANCE * FLOOR = 1e-8 instead.
FLOOR = 1e-3

#: The largest h taken: a finite difference measures a slope only over a step that is small
#: next to the weights, and a network's start within about +-1.
LARGEST_H = 1.0

#: One link's two gradients. `layer` is the index into `Network.link_layers` and the link
#: is ``weights[j, i]`` of that link layer (i = 0 is the bias neuron).
LinkGradient = namedtuple("LinkGradient", "layer j i backprop numeric error")


class GradientCheck:
    """What `check_gradients` found: every link's two gradients and how far apart they are.

    Attributes
    ----------
    backprop, numeric, errors : list of arrays
        Per link layer, arrays shaped like its weights: the gradient backpropagation gave,
        the finite-difference one, and their relative error.
    worst : list of LinkGradient
        The links with the largest relative errors, largest first.
    tolerance : float
        The largest relative error that passes.
    h : float
        The step of the finite differences.
    """

    def __init__(self, network, backprop, numeric, worst, tolerance, h):
        self.network, self.backprop, self.numeric = network, backprop, numeric
        self.tolerance, self.h = tolerance, h
        self.errors = [relative_error(b, n) for b, n in zip(backprop, numeric)]
        everything = sorted(((float(e[j, i]), l, j, i) for l, e in enumerate(self.errors)
                             for j, i in np.ndindex(e.shape)), reverse=True)
        self.worst = [LinkGradient(l, j, i, float(backprop[l][j, i]),
                                   float(numeric[l][j, i]), e)
                      for e, l, j, i in everything[:worst]]

    @property
    def largest_error(self):
        """The largest relative error of any link."""
        return max(float(e.max()) for e in self.errors)

    @property
    def passed(self):
        """Whether every link's relative error is at most `tolerance`."""
        return self.largest_error <= self.tolerance

    @property
    def links(self):
        """How many links were checked."""
        return sum(e.size for e in self.errors)

    def __repr__(self):
        return (f"GradientCheck({'passed' if self.passed else 'FAILED'}, largest relative "
                f"error {self.largest_error:.2g} over {self.links:,} links)")

    def __str__(self):
        lines = [f"Gradient check of {self.network}: {'passed' if self.passed else 'FAILED'}",
                 f"{self.links:,} links, largest relative error {self.largest_error:.3g} "
                 f"(tolerance {self.tolerance:g}, finite differences with h = {self.h:g})",
                 "worst links:",
                 f"  {'link':<32} {'backprop':>15} {'numeric':>15} {'rel. error':>10}"]
        for link in self.worst:
            name = f"link_layers[{link.layer}].weights[{link.j}, {link.i}]"
            lines.append(f"  {name:<32} {link.backprop:>15.8g} {link.numeric:>15.8g} "
                         f"{link.error:>10.3g}")
        if not self.passed:
            lines.append("Backpropagation and the finite differences disagree: a derivative "
                         "is wrong somewhere.")
        return "\n".join(lines)

    def _repr_html_(self):
        """In a notebook: a table per link layer of the links that disagree most."""
        from ._display import gradient_check_html
        return gradient_check_html(self)


def relative_error(backprop, numeric):
    """How far apart two gradients of each weight are: ``|backprop - numeric| /
    max(|backprop|, |numeric|, FLOOR)``, elementwise."""
    scale = np.maximum(np.maximum(np.abs(backprop), np.abs(numeric)), FLOOR)
    return np.abs(backprop - numeric) / scale


def check_gradients(net, inputs, expected_outputs, *, h=1e-6, worst=5, tolerance=TOLERANCE):
    """Check every link's backpropagated gradient against a finite difference of the cost.

    The backpropagated gradients are the ones the network's own loops compute (see
    `Network.trace`). The numeric one of each weight w is (C(w + h) - C(w - h)) / 2h, C
    being the network's cost of the sample, worked out from its outputs. With weight decay
    (``net.optimizer.weight_decay``, lambda), what the optimiser minimises is
    C + lambda / 2 * (the sum of every weight squared, biases included), whose gradient is
    each link's s * a_in + lambda * w: both sides include that term. Each weight is put
    back exactly as it was, and afterwards the neurons hold the sums of running `inputs`,
    as after ``net.run(inputs)``. It takes two runs per link: use a small network.

    A ReLU neuron whose input sum lies within about h of 0 has a kink there that no finite
    difference can see across; a failure on such a link alone is not a wrong derivative.

    Parameters
    ----------
    net : Network
    inputs, expected_outputs : sequences of float
        One sample.
    h : float
        The finite differences' step (default 1e-6): more than 0, at most `LARGEST_H` (1),
        and large enough to change every weight (w + h and w - h must differ).
    worst : int
        How many of the links that disagree most to list (default 5).
    tolerance : float
        The largest relative error that passes (default `TOLERANCE`, 1e-5).

    Returns
    -------
    GradientCheck
        Its `passed` says whether every link agrees; printed, it lists the worst links.

    Examples
    --------
    >>> from lernmi import Network, check_gradients
    >>> net = Network([2, 3, 1], seed=0)
    >>> check = check_gradients(net, [1.0, 0.0], [1.0])
    >>> check.passed
    True
    >>> print(check)                  # doctest: +ELLIPSIS
    Gradient check of Network(2 -> 3 sigmoid -> 1 sigmoid, 13 links): passed
    13 links, largest relative error ...
    """
    if not isinstance(net, Network):
        raise TypeError(f"check_gradients checks a Network, not {type(net).__name__}")
    if net.dtype is not np.float64:  # (its 24 bits would swamp a difference of 1e-6)
        raise ValueError("check_gradients checks a float64 network, not a float32 one: make "
                         "the same network with dtype=numpy.float64 (the default) to check it")
    sizes = net.layer_sizes
    x = as_vector(inputs, sizes[0], "inputs")
    t = as_vector(expected_outputs, sizes[-1], "expected_outputs")
    check_targets(t, net.cost, net.neuron_layers[-1].activation, "expected_outputs")
    h = finite_number(h, "h")
    tolerance = finite_number(tolerance, "tolerance")
    if h <= 0.0 or tolerance <= 0.0:
        raise ValueError(f"h and tolerance must be positive, not {h!r} and {tolerance!r}")
    if h > LARGEST_H:
        raise ValueError(f"h must be at most {LARGEST_H:g}: a finite difference measures a "
                         f"slope over a step small next to the weights; not {h!r}")
    worst = positive_int(worst, "worst")
    activation = net.neuron_layers[-1].activation

    decay = net.optimizer.weight_decay

    def cost():
        a = net.run(x)
        if not np.isfinite(a).all():  # an output past the largest float: no cost either
            return math.inf
        squares = sum(float(np.sum(links.weights ** 2)) for links in net.link_layers) \
            if decay else 0.0
        return cost_of(net.cost, activation, a, t) + 0.5 * decay * squares

    # The lock is held throughout, so that no other thread sees, or learns with, a weight
    # that is nudged; numpy is quiet about sums past the largest float, which are refused
    # below with an error that says what they mean.
    with net.lock, np.errstate(over="ignore", invalid="ignore"):
        for l, links in enumerate(net.link_layers):
            w = links.weights
            if (w + h == w - h).any():  # nothing to divide the change in the cost by
                raise ValueError(f"h = {h:g} is too small to change the weights of "
                                 f"link_layers[{l}] (up to {np.abs(w).max():g}): w + h and "
                                 f"w - h are the same float64; try a larger h")
        backprop = [g + decay * links.weights for g, links in
                    zip(trace_step(net, x, t, learn=False).gradients, net.link_layers)]
        numeric = []
        for links in net.link_layers:
            w = links.weights
            slopes = np.empty_like(w)
            for index in np.ndindex(w.shape):
                kept = w[index]
                try:
                    w[index] = up = kept + h
                    above = cost()
                    w[index] = down = kept - h
                    below = cost()
                finally:
                    w[index] = kept
                slopes[index] = (above - below) / (up - down)
            numeric.append(slopes)
        here = cost()  # (which leaves the neurons as running x does)
    if not all(np.isfinite(n).all() for n in numeric):
        where = "these weights" if not math.isfinite(here) else f"weights nudged by h = {h:g}"
        raise ValueError(f"the cost is not finite at {where}: an output, or the cost, is past "
                         f"the largest float, so no finite difference measures its slope")
    return GradientCheck(repr(net), backprop, numeric, worst, tolerance, h)
