"""Activation functions: everything lernmi knows about each one, in one place.

A neuron turns its input sum z into its output a = f(z), its activation. Going back, it
turns its sensitivity sum delta (what the links out of it send back) into its sensitivity
s = delta * f'(z), how much the cost changes per unit of z; every link into it uses that s.

Each activation is one entry of ACTIVATIONS below (its name, its code, its initial-weight
gain, where it may be used, and the formulas `Network.trace` prints) and one case in each
of the two C formulas under it, `activate` (f) and `slope` (f'). Everything else (the names
that error messages list, the hidden layers' choices, the gains, the trace's formulas) is
read from the table. To add an activation, add those three and its line in the tests'
numpy oracle (tests/reference.py).

Below them, the loops that apply them to a layer at once (ReLU's written out again, to
vectorise), and softmax. Compiled by Cython (activations.pxd), each is C without the GIL.
"""

from collections import namedtuple

import numpy as np

import cython
from cython.cimports.libc.math import erf, exp, expm1, log1p, tanh

from ._checks import real_number

if not cython.compiled:  # compiled, reals.pxd's C cast (see activations.pxd)
    from .reals import rounded

#: One activation. `uses` says where it may be chosen: "neuron" (a lone Neuron), "hidden"
#: (a Network's hidden layers) and "output" (a Network's output layer); a NeuronLayer takes
#: any activation that has a use. `formula` and `slope` are what a printed trace shows, and
#: `shown` and `slope_shown` the same with a neuron's numbers filled in: {z}, {a}, {delta},
#: {slope} (the value of f'), {p} and {total} (softmax's, see `softmax_pull`), and {pa} (a,
#: in parentheses when negative, ready to be squared).
Activation = namedtuple("Activation",
                        "name code gain uses formula shown slope slope_shown")

ANYWHERE = ("neuron", "hidden", "output")

# Codes are C ints when compiled: the formulas below test a neuron's code against them.
IDENTITY = cython.declare(cython.int, 0)
SIGMOID = cython.declare(cython.int, 1)
BIAS = cython.declare(cython.int, 2)
TANH = cython.declare(cython.int, 3)
RELU = cython.declare(cython.int, 4)
SOFTMAX = cython.declare(cython.int, 5)
LEAKY_RELU = cython.declare(cython.int, 6)
ELU = cython.declare(cython.int, 7)
SOFTPLUS = cython.declare(cython.int, 8)
GELU = cython.declare(cython.int, 9)

LEAK = 0.01                        # leaky_relu's slope below 0 (each a real: activations.pxd)
SQRT_HALF = 0.7071067811865476     # 1 / sqrt(2)
INV_SQRT_2PI = 0.3989422804014327  # 1 / sqrt(2 pi)

# Initial weights are uniform in +-gain/sqrt(fan-in), so with inputs of size 1 an input sum
# starts at size 1 too. Gain 1: variance 1/(3 fan-in), input sums near 0, where a sigmoid is
# steepest. sqrt(3): variance 1/fan-in, keeping tanh's outputs at scale 1. sqrt(6): variance
# 2/fan-in (He), for ReLU and its kin, which zero (or nearly) half of what they are sent.
RELU_GAIN = float(np.sqrt(6.0))

TABLE = (
    Activation("sigmoid", SIGMOID, 1.0, ANYWHERE, "a = sigmoid(z) = 1 / (1 + e^-z)",
               "sigmoid({z})", "delta * a * (1 - a)", "{delta} * {a} * (1 - {a})"),
    Activation("tanh", TANH, float(np.sqrt(3.0)), ANYWHERE, "a = tanh(z)", "tanh({z})",
               "delta * (1 - a^2)", "{delta} * (1 - {pa}^2)"),
    Activation("relu", RELU, RELU_GAIN, ANYWHERE, "a = max(0, z)", "max(0, {z})",
               "delta * (1 if z > 0 else 0)", "{delta} * {slope}"),
    Activation("leaky_relu", LEAKY_RELU, float(np.sqrt(6.0 / (1.0 + 0.01 ** 2))), ANYWHERE,
               "a = max(0.01 * z, z)", "max(0.01 * {z}, {z})",
               "delta * (1 if z > 0 else 0.01)", "{delta} * {slope}"),
    Activation("elu", ELU, RELU_GAIN, ANYWHERE, "a = z if z > 0 else e^z - 1", "elu({z})",
               "delta * (1 if z > 0 else a + 1)", "{delta} * {slope}"),
    Activation("softplus", SOFTPLUS, RELU_GAIN, ANYWHERE, "a = ln(1 + e^z)", "ln(1 + e^{z})",
               "delta * sigmoid(z)", "{delta} * sigmoid({z})"),
    Activation("gelu", GELU, RELU_GAIN, ANYWHERE,
               "a = z * Phi(z), Phi(z) = (1 + erf(z / sqrt(2))) / 2", "{z} * Phi({z})",
               "delta * (Phi(z) + z * e^(-z^2 / 2) / sqrt(2 pi))", "{delta} * {slope}"),
    Activation("identity", IDENTITY, 1.0, ANYWHERE, "a = z", "z", "delta * 1", "{delta} * 1"),
    Activation("softmax", SOFTMAX, 1.0, ("output",), "a = e^z / (sum of e^z over the layer)",
               "e^{z} / {total}", "a * (delta - p)", "{a} * ({delta} - {p})"),
    Activation("bias", BIAS, 1.0, (), "a = 1", "1", "delta * 0", "{delta} * 0"),
)

#: The activations a learner may name, by name; and every code's name, "bias" included.
ACTIVATIONS = {entry.name: entry for entry in TABLE if entry.uses}
ACTIVATION_NAMES = {entry.code: entry.name for entry in TABLE}


@cython.boundscheck(True)  # reached from Python: every index checked
def usable(use):
    """The names of the activations that may be used as `use` ("neuron", "hidden",
    "output"), in the table's order."""
    if use not in ANYWHERE:
        raise ValueError(f"use must be one of {', '.join(map(repr, ANYWHERE))}, not {use!r}")
    return tuple(name for name, entry in ACTIVATIONS.items() if use in entry.uses)


@cython.boundscheck(True)  # reached from Python: every index checked
def activation_code(name, use=None, what="activation"):
    """The code of the activation called `name`, checked to be usable as `use` (None: by a
    NeuronLayer, which takes any). TypeError or ValueError, listing the choices, if not."""
    if use is not None and use not in ANYWHERE:
        raise ValueError(f"use must be one of {', '.join(map(repr, ANYWHERE))}, not {use!r}")
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a name such as 'sigmoid', not {name!r}")
    entry = ACTIVATIONS.get(name)
    if entry is None:
        raise ValueError(f"unknown {what} {name!r}; choose one of "
                         f"{', '.join(map(repr, usable(use) if use else ACTIVATIONS))}")
    if use is not None and use not in entry.uses:
        if use == "neuron":
            raise ValueError(f"{name} shares its output among a layer of neurons: make a "
                             f"NeuronLayer(count, {name!r}) instead of a single Neuron")
        if use == "hidden" and "output" in entry.uses:
            raise ValueError(f"{name} is for the output layer: use output_activation={name!r}")
        raise ValueError(f"{what} {name!r} cannot be used here; choose one of "
                         f"{', '.join(map(repr, usable(use)))}")
    return entry.code


@cython.boundscheck(True)  # reached from Python: every index checked
def output_of(name, z):
    """f(z) of the activation called `name`: the C formula `activate` itself, checked, for
    Python to show (Network.trace) what the loops compute."""
    code = activation_code(name)
    if code == SOFTMAX:
        raise ValueError("a softmax neuron's output depends on its whole layer; see "
                         "compute_outputs")
    return float(activate(code, rounded(real_number(z, "z"))))  # (z a real, as compiled)


def slope_of(name, z, a):
    """f'(z) of the activation called `name`, for input sum z and output a: the C formula
    `slope` itself, checked, for Python to show (Network.trace) what the loops compute."""
    code = activation_code(name)
    if code == SOFTMAX:
        raise ValueError("a softmax neuron's slope depends on its whole layer; see "
                         "compute_sensitivities")
    return float(slope(code, rounded(real_number(z, "z")), rounded(real_number(a, "a"))))


# --- one neuron: the C formulas ----------------------------------------------------------------

def activate(kind, z):
    """a = f(z): the output of a neuron with activation code `kind` and input sum `z`.

    A softmax neuron's output depends on its whole layer: see compute_outputs.
    """
    if kind == IDENTITY:  # first: a network's input layer is most often its widest
        return z
    if kind == SIGMOID:
        # Two forms of 1 / (1 + e^-z), so that exp never sees a large positive argument.
        if cython.compiled:  # vector.h's: the same numbers, without a branch on z's sign
            a = lernmi_sigmoid(z)
        elif z >= 0.0:
            a = 1.0 / (1.0 + rounded(exp(-z)))
        else:
            e = rounded(exp(z))
            a = e / (1.0 + e)
        return a
    if kind == RELU:
        return z if z > 0.0 else 0.0
    if kind == TANH:
        return rounded(tanh(z))
    if kind == BIAS:
        return 1.0
    if kind == LEAKY_RELU:
        return z if z > 0.0 else LEAK * z
    if kind == ELU:
        return z if z > 0.0 else rounded(expm1(z))
    if kind == SOFTPLUS:
        # ln(1 + e^z) = z + ln(1 + e^-z): again exp never sees a large positive argument.
        return z + rounded(log1p(exp(-z))) if z > 0.0 else rounded(log1p(exp(z)))
    if kind == GELU:
        return 0.5 * z * (1.0 + rounded(erf(z * SQRT_HALF)))
    return z  # softmax's input sum, which compute_outputs turns into its output


def slope(kind, z, a):
    """f'(z), from the input sum z and the output a = f(z), whichever gives it more simply."""
    if kind == IDENTITY:
        return 1.0
    if kind == SIGMOID:
        return a * (1.0 - a)
    if kind == RELU:
        return 1.0 if z > 0.0 else 0.0
    if kind == TANH:
        return 1.0 - a * a
    if kind == BIAS:
        return 0.0
    if kind == LEAKY_RELU:
        return 1.0 if z > 0.0 else LEAK
    if kind == ELU:
        return 1.0 if z > 0.0 else a + 1.0
    if kind == SOFTPLUS:
        return activate(SIGMOID, z)
    if kind == GELU:
        return (0.5 * (1.0 + rounded(erf(z * SQRT_HALF)))
                + z * rounded(exp(-0.5 * z * z)) * INV_SQRT_2PI)
    return 1.0  # softmax's own slope (its sensitivity needs its layer: see sensitivity)


def sensitivity(kind, z, a, delta, p):
    """s = delta * f'(z): how much the cost changes per unit of the neuron's input sum.

    A softmax neuron's output depends on every input sum of its layer, so its s is
    a * (delta - p) instead, p being the layer's softmax_pull.
    """
    if kind == SOFTMAX:
        return a * (delta - p)
    return delta * slope(kind, z, a)


# --- softmax: the activation of a whole layer ----------------------------------------------

def softmax_peak(n, first, size):
    """The largest input sum among the softmax neurons of the layer (0.0 if none).

    Softmax is e^z_i / sum_k e^z_k; taking the peak off every z first leaves it unchanged
    and keeps exp from overflowing.
    """
    peak = 0.0
    found = False
    for i in range(first, first + size):
        if n.kind[i] == SOFTMAX and (not found or n.z[i] > peak):
            peak = n.z[i]
            found = True
    return peak


def softmax_total(n, first, size, peak):
    """The sum of e^(z_k - peak) over the softmax neurons of the layer."""
    total = 0.0
    for i in range(first, first + size):
        if n.kind[i] == SOFTMAX:
            total += rounded(exp(n.z[i] - peak))
    return total


def softmax_pull(n, first, size):
    """p = the sum over the layer's softmax neurons k of a_k * delta_k."""
    p = 0.0
    for i in range(first, first + size):
        if n.kind[i] == SOFTMAX:
            p += n.a[i] * n.delta[i]
    return p


# --- a layer of neurons --------------------------------------------------------------------

def reset_sums(n, first, size):
    """Zero z, delta and direct of the layer's learning neurons; the bias neuron is left
    alone. (Its a and s are worked out from those before anything reads them.)"""
    if cython.compiled and size > 1:  # vector.h's (activations.pxd says why)
        lernmi_zero_sums(cython.address(n.z[first + 1]), cython.address(n.delta[first + 1]),
                         cython.address(n.direct[first + 1]), size - 1)
        return
    for i in range(first + 1, first + size):
        n.z[i] = 0.0
        n.delta[i] = 0.0
        n.direct[i] = 0.0


def keep_all(n):
    """Every neuron of the store n kept whole (keep = 1) again, after learning with dropout."""
    for i in range(n.size):
        n.keep[i] = 1.0


def load_inputs(n, first, x, k):
    """Add x[k, i] to the input sum of learning neuron i of the layer."""
    for i in range(x.shape[1]):
        n.z[first + 1 + i] += x[k, i]


def load_layer(n, first, x, k, identity, again):
    """The layer loaded afresh with x[k] as reset_sums, load_inputs and compute_outputs leave
    it, the same numbers: sums zeroed, x[k, i] added to learning neuron i's, outputs worked
    out. If its learning neurons are all identity neurons (`identity`: an input layer, most
    often), without a look at each one's kind, in loops the compiler vectorises: z = 0.0 + x,
    a = z * keep. `again` says that load_layer loaded the layer before and nothing has written
    its delta or direct since (an input layer's, which learning by the sample or the batch
    never writes): with `identity`, they are left as they are, zero, and z is not zeroed."""
    if not (identity and again):
        reset_sums(n, first, x.shape[1] + 1)
    if not identity:
        load_inputs(n, first, x, k)
        compute_outputs(n, first, x.shape[1] + 1)
        return
    if cython.compiled:  # vector.h's, the same sums
        lernmi_load_identity(cython.address(x[k, 0]), cython.address(n.z[first + 1]),
                             cython.address(n.a[first + 1]), cython.address(n.keep[first + 1]),
                             x.shape[1])
    else:
        for i in range(x.shape[1]):
            j = first + 1 + i
            n.z[j] = 0.0 + x[k, i]  # the sum reset, then x added: -0.0 gives +0.0
            n.a[j] = n.z[j] * n.keep[j]
    compute_outputs(n, first, 1)  # the bias neuron


def compute_outputs(n, first, size):
    """a = f(z) * keep for every neuron of the layer, bias included (keep is 1 unless the
    network learns with dropout; a softmax layer is never dropped). A run of identity
    neurons (an input layer) or ReLU ones (a hidden layer) in a loop the compiler vectorises,
    with activate's formula (tests/test_layers.py holds the two to the same numbers)."""
    softmax = False
    i = first
    while i < first + size:
        if n.kind[i] == IDENTITY or n.kind[i] == RELU:
            end = i + 1
            while end < first + size and n.kind[end] == n.kind[i]:
                end += 1
            if cython.compiled:  # vector.h's, the same numbers
                lernmi_run_outputs(n.kind[i] == RELU, cython.address(n.a[i]),
                                   cython.address(n.z[i]), cython.address(n.keep[i]), end - i)
            else:  # identity: z; ReLU: z if z > 0.0 else 0.0
                for i in range(i, end):
                    kept = n.z[i] if n.kind[i] == IDENTITY or n.z[i] > 0.0 else 0.0
                    n.a[i] = kept * n.keep[i]
            i = end
            continue
        if n.kind[i] == SOFTMAX:
            softmax = True
        else:
            n.a[i] = activate(n.kind[i], n.z[i]) * n.keep[i]
        i += 1
    if softmax:
        peak = softmax_peak(n, first, size)
        total = softmax_total(n, first, size, peak)
        for i in range(first, first + size):
            if n.kind[i] == SOFTMAX:
                n.a[i] = rounded(exp(n.z[i] - peak)) / total


def compute_sensitivities(n, first, size):
    """s = delta * f'(z) + direct for each learning neuron of the layer, from the outputs a
    that compute_outputs left. Once per neuron: every link into it reads the same s.

    `direct` is the part of s a cost gives an output neuron itself (costs.output_error);
    anywhere else it is 0. A neuron whose output is multiplied by keep (dropout) has its s
    multiplied by keep too: 0 when it is dropped, so nothing learns through it. A run of
    ReLU neurons takes kept_sensitivity's formula with slope's (for keep 1, x * 1.0 is x).
    """
    p, pulled = 0.0, False  # softmax_pull, once a softmax neuron needs it
    i = first + 1
    while i < first + size:
        end = i + 1
        while n.kind[i] == RELU and end < first + size and n.kind[end] == RELU:
            end += 1
        if n.kind[i] == RELU and cython.compiled:  # vector.h's, the same numbers
            lernmi_relu_sensitivities(cython.address(n.s[i]), cython.address(n.z[i]),
                                      cython.address(n.delta[i]), cython.address(n.direct[i]),
                                      cython.address(n.keep[i]), end - i)
        elif n.kind[i] == RELU:
            for j in range(i, end):
                kept = (n.delta[j] * (1.0 if n.z[j] > 0.0 else 0.0) + n.direct[j]) * n.keep[j]
                n.s[j] = 0.0 if n.keep[j] == 0.0 else kept
        elif n.keep[i] == 1.0:
            if n.kind[i] == SOFTMAX and not pulled:
                p, pulled = softmax_pull(n, first, size), True
            n.s[i] = sensitivity(n.kind[i], n.z[i], n.a[i], n.delta[i], p) + n.direct[i]
        else:
            n.s[i] = kept_sensitivity(n, i)
        i = end


def kept_sensitivity(n, i):
    """s of neuron i (not softmax) whose output is f(z) * keep: (delta * f'(z) + direct) *
    keep, the slope taken at the output f(z) itself, not the output kept."""
    if n.keep[i] == 0.0:
        return 0.0
    a = activate(n.kind[i], n.z[i])
    return (sensitivity(n.kind[i], n.z[i], a, n.delta[i], 0.0) + n.direct[i]) * n.keep[i]


# --- one neuron of a store, for the methods of a Neuron ------------------------------------------

def neuron_output(n, i):
    """a = f(z) of neuron i, as compute_outputs makes it (softmax: from its store's sums)."""
    if n.kind[i] != SOFTMAX:
        return activate(n.kind[i], n.z[i]) * n.keep[i]
    peak = softmax_peak(n, 0, n.size)
    return rounded(exp(n.z[i] - peak)) / softmax_total(n, 0, n.size, peak)


def neuron_sensitivity(n, i):
    """s of neuron i, as compute_sensitivities works it out (softmax: from its store's)."""
    if n.kind[i] != SOFTMAX:
        return kept_sensitivity(n, i)
    peak = softmax_peak(n, 0, n.size)
    total = softmax_total(n, 0, n.size, peak)
    p = 0.0
    for k in range(n.size):
        if n.kind[k] == SOFTMAX:
            p += rounded(exp(n.z[k] - peak)) / total * n.delta[k]
    a = rounded(exp(n.z[i] - peak)) / total
    return sensitivity(SOFTMAX, n.z[i], a, n.delta[i], p) + n.direct[i]
