"""Costs: what learning minimises, and the sensitivities each gives the output layer.

A cost C scores one sample's outputs a against its expected outputs t. Learning starts at the
output layer, where the cost says how much it changes per unit of each output neuron's
input sum: that neuron's sensitivity s (as the cost class of Nielsen's network2.py gives the
output layer's delta). Every layer before it takes its sensitivities from the links, by
its activation's slope (activations.py).

The cost gives each output neuron an error (`output_error`), and says where it goes: into
the sensitivity sum delta, which the neuron's slope turns into s (the quadratic cost: the
error a - t is its slope dC/da), or straight into s, where the cost's slope and the
activation's cancel (`gives_sensitivity`: cross-entropy, whose s is a - t itself for
sigmoid and softmax outputs). A neuron keeps that straight part as `direct`, so that
s = delta * f'(z) + direct always holds.

Each cost is one entry of COSTS (its name, its code, the output activations it suits, what
its expected outputs must be, and the formulas a trace prints) and one case in each of its
C formulas below (`cost_term`, `output_error`, `gives_sensitivity`). To add a cost, add
those and its line in the tests' numpy oracle (tests/reference.py).
"""

from collections import namedtuple

import numpy as np

import cython
from cython.cimports.libc.math import log

from ._checks import as_vector
from .activations import activation_code
from .stores import NeuronStore, zeros

if not cython.compiled:
    # Compiled, these come from activations.pxd and reals.pxd as C (see costs.pxd).
    from .activations import BIAS, SOFTMAX
    from .reals import TINY, rounded

#: One cost. `outputs`: the output activations it suits (None: any). `probabilities`: its
#: expected outputs must lie in [0, 1] and, for softmax outputs, add up to 1. `formulas`:
#: the cost as a trace prints it, by output activation (None: any other). `sensitivity`:
#: how a trace explains an output neuron's s when the cost gives it directly, or None when
#: it is the activation's own delta * f'(z), delta being the error a - t; and
#: `sensitivity_shown` the same with the neuron's numbers, {a} and {t}, filled in.
Cost = namedtuple("Cost", "name code outputs probabilities formulas sensitivity "
                          "sensitivity_shown")

QUADRATIC = cython.declare(cython.int, 0)
CROSS_ENTROPY = cython.declare(cython.int, 1)

TABLE = (
    Cost("quadratic", QUADRATIC, None, False, {None: "0.5 * sum((a - t)^2)"}, None, None),
    Cost("cross_entropy", CROSS_ENTROPY, ("sigmoid", "softmax"), True,
         {"softmax": "-sum(t * ln(a))", "sigmoid": "-sum(t * ln(a) + (1 - t) * ln(1 - a))"},
         "a - t (cross-entropy: the cost's slope and f' cancel)", "{a} - {t}"),
)

#: Every cost, by name.
COSTS = {entry.name: entry for entry in TABLE}
COST_NAMES = {entry.code: entry.name for entry in TABLE}


@cython.boundscheck(True)  # reached from Python: every index checked
def cost_code(name):
    """The code of the cost called `name`; TypeError or ValueError (listing them) if none."""
    if not isinstance(name, str):
        raise TypeError(f"cost must be a name such as 'quadratic', not {name!r}")
    if name not in COSTS:
        raise ValueError(f"unknown cost {name!r}; choose one of {', '.join(map(repr, COSTS))}")
    return COSTS[name].code


@cython.boundscheck(True)  # reached from Python: every index checked
def check_cost(cost, activation):
    """ValueError unless the cost called `cost` suits an output layer of `activation`."""
    cost_code(cost)
    suits = COSTS[cost].outputs
    if suits is not None and activation not in suits:
        raise ValueError(f"the {cost} cost needs {' or '.join(suits)} outputs, not "
                         f"{activation!r} ones")


@cython.boundscheck(True)  # reached from Python: every index checked
def check_targets(t, cost, activation, what):
    """ValueError unless the expected outputs t (a vector, or one row per sample) suit the
    cost: for one that compares probabilities, every value in [0, 1], and for softmax
    outputs, which add up to 1, each row adding up to 1 too."""
    cost_code(cost)
    if not COSTS[cost].probabilities:
        return
    check_cost(cost, activation)
    if t.min() < 0.0 or t.max() > 1.0:
        raise ValueError(f"{what} must lie between 0 and 1 for the {cost} cost")
    # (within a float32 row's rounding, for a float32 network's: about 6e-8 a number)
    near = 1e-9 if t.dtype != np.float32 else 1e-6
    if activation == "softmax" and not np.allclose(t.sum(axis=-1), 1.0, rtol=0.0, atol=near):
        raise ValueError(f"{what} must add up to 1 (in each row) for softmax outputs with the "
                         f"{cost} cost")


@cython.boundscheck(True)  # reached from Python: every index checked
def formula(cost, activation):
    """The cost as a trace prints it, for an output layer of `activation`."""
    cost_code(cost)
    formulas = COSTS[cost].formulas
    return formulas.get(activation, formulas.get(None))


# --- one output neuron: the C formulas -----------------------------------------------------------

def cost_term(cost, kind, a, t):
    """One output neuron's share of the sample's cost, its output being a and t expected.

    quadratic: 0.5 * (a - t)^2. cross_entropy: -t ln a for a softmax neuron, and
    -(t ln a + (1 - t) ln(1 - a)) for others (sigmoid outputs, each a yes/no).
    """
    if cost == CROSS_ENTROPY:
        c = 0.0
        if t > 0.0:
            c -= t * rounded(log(max(a, TINY)))
        if t < 1.0 and kind != SOFTMAX:
            c -= (1.0 - t) * rounded(log(max(1.0 - a, TINY)))
        return c
    return 0.5 * (a - t) * (a - t)


def output_error(cost, kind, a, t, total):
    """e, the error of an output neuron whose output is a where t was expected.

    It goes into the neuron's sensitivity sum delta, or, if the cost gives_sensitivity,
    straight into its s. quadratic: the cost's slope dC/da = a - t. cross_entropy: s = dC/dz,
    in which the cost's slope and the activation's cancel: a - t for a sigmoid neuron,
    a * total - t for a softmax neuron, `total` being the sum of t over the layer's softmax
    neurons (1, unless some were made bias neurons by hand), and 0 for a bias neuron, whose
    output never changes.
    """
    if cost == CROSS_ENTROPY:
        if kind == SOFTMAX:
            return a * total - t
        if kind == BIAS:
            return 0.0
    return a - t


def gives_sensitivity(cost):
    """Whether the cost gives output neurons their sensitivity s itself, as output_error,
    rather than a sensitivity sum for the activation's slope to turn into s."""
    return cost == CROSS_ENTROPY


# --- the output layer of one sample ----------------------------------------------------------

def sample_cost(cost, n, first, t, k):
    """The cost of one sample, from the outputs of the layer at `first` and the expected
    t[k]. (Here and below, a row of t rather than a view of it, which each thread making
    one per sample would count in and out of t with an atomic add: activations.pxd says
    why.)"""
    c = 0.0
    for j in range(t.shape[1]):
        c += cost_term(cost, n.kind[first + 1 + j], n.a[first + 1 + j], t[k, j])
    return c


def submit_expected(cost, n, first, t, k):
    """The output layer at `first` learns that t[k] was expected: each learning neuron gets
    its output_error, in its sensitivity sum delta or straight in its `direct` part of s.

    Needs the layer's outputs a, as compute_outputs leaves them; then
    activations.compute_sensitivities works out every s.
    """
    total = 0.0  # the expected outputs of the softmax neurons, added up
    for j in range(t.shape[1]):
        if n.kind[first + 1 + j] == SOFTMAX:
            total += t[k, j]
    straight = gives_sensitivity(cost)
    for j in range(t.shape[1]):
        i = first + 1 + j
        if straight:
            n.direct[i] += output_error(cost, n.kind[i], n.a[i], t[k, j], total)
        else:
            n.delta[i] += output_error(cost, n.kind[i], n.a[i], t[k, j], total)


def is_correct(n, first, t, k):
    """Whether the outputs of the layer at `first` give the expected answer t[k].

    With one output neuron the answer is yes when it is at least 0.5; with several, it is
    the neuron with the largest output (the first, if several tie).
    """
    count = t.shape[1]
    if count == 1:
        return (n.a[first + 1] >= 0.5) == (t[k, 0] >= 0.5)
    guess, answer = 0, 0
    for j in range(1, count):
        if n.a[first + 1 + j] > n.a[first + 1 + guess]:
            guess = j
        if t[k, j] > t[k, answer]:
            answer = j
    return guess == answer


@cython.boundscheck(True)  # reached from Python: every index checked
def cost_of(cost, activation, a, t):
    """The cost of one sample whose output layer of `activation` neurons gave `a` where `t`
    was expected: sample_cost, the very function the training loops use, checked."""
    code, kind = cost_code(cost), activation_code(activation)
    check_cost(cost, activation)
    a = as_vector(a, None, "a")
    t = as_vector(t, a.shape[0], "t")
    size = a.shape[0] + 1
    kinds = np.full(size, kind, dtype=np.intc)
    kinds[0] = BIAS
    outputs = zeros(size)
    outputs[0], outputs[1:] = 1.0, a
    n = NeuronStore(kinds, zeros(size), zeros(size), zeros(size), outputs, zeros(size))
    return float(sample_cost(code, n, 0, np.asarray(t, outputs.dtype).reshape(1, -1), 0))
