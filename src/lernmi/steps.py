"""An optimiser's step on a row of weights, as the compiled loops take it.

A layer of links keeps its optimiser's settings in a small array (`SETTINGS` numbers: the
rule's code, its momentum or betas, epsilon, the weight decay, and the steps taken so far),
and, for each weight, the numbers the rule keeps between steps: m (SGD's velocity, or
Adam's first moment) and v (Adam's second moment). optimizers.py turns `SGD` and `Adam`
into those settings; the loops turn the settings into a Rule for each step (`rule_of`) and
apply it to a row of weights, or rows one after another (`step_weights`), given their
gradients summed over the batch:

- the gradient g is the batch's mean, plus decay * w;
- plain: w += -rate * g (the same number as w -= rate * g);
- momentum: m = mu * m + g, then w -= rate * m (Nesterov: w -= rate * (g + mu * m));
- Adam: m = b1 * m + (1 - b1) * g, v = b2 * v + (1 - b2) * g^2, then
  w -= rate / (1 - b1^k) * m / (sqrt(v) / sqrt(1 - b2^k) + epsilon) at step k;
- a new m smaller in size than the smallest normal real (reals.py's `SMALLEST`, 2.2e-308)
  is set to zero, keeping its sign, like a CPU set to flush to zero; and so is a new v,
  once m is 0 (`flushed`; vector.h's lernmi_flushed says why, and why v waits for m).

Compiled, a row's arithmetic is vector.h's C; run as Python, the same operations in the same
order, so both give the same numbers.
"""

import cython

# The rules' codes (C ints when compiled).
PLAIN = cython.declare(cython.int, 0)
MOMENTUM = cython.declare(cython.int, 1)
NESTEROV = cython.declare(cython.int, 2)
ADAM = cython.declare(cython.int, 3)

# Where a layer's settings array keeps each number.
KIND = cython.declare(cython.Py_ssize_t, 0)      # the rule's code
MU = cython.declare(cython.Py_ssize_t, 1)        # SGD's momentum
BETA1 = cython.declare(cython.Py_ssize_t, 2)     # Adam's betas
BETA2 = cython.declare(cython.Py_ssize_t, 3)
EPSILON = cython.declare(cython.Py_ssize_t, 4)   # Adam's epsilon
DECAY = cython.declare(cython.Py_ssize_t, 5)     # weight decay
STEPS = cython.declare(cython.Py_ssize_t, 6)     # steps taken so far (Adam's k)
SETTINGS = cython.declare(cython.Py_ssize_t, 7)  # how many numbers

if not cython.compiled:
    # Compiled, these are reals.pxd's (steps.pxd cimports them), and Rule is vector.h's
    # lernmi_rule (see steps.pxd).
    from .reals import SMALLEST, real, rounded
    Rule = cython.struct(kind=cython.int, rate=real, momentum=real, beta1=real, beta2=real,
                         epsilon=real, decay=real, batch=real, size=real, root=real)
    from math import copysign, fabs, nan
    import math

    def sqrt(x):
        """C's sqrt: NaN below zero, where math.sqrt raises (a v set below 0 by hand)."""
        return nan if x < 0.0 else math.sqrt(x)
else:
    from cython.cimports.libc.math import copysign, fabs, pow, sqrt


def rule_of(settings, at, eta, batch):
    """The Rule for a step with training rate eta on a gradient summed over `batch`
    samples, from the settings at settings[at:at + SETTINGS] (their step count already
    counting this step)."""
    return rule_at(settings, at, eta, batch, settings[at + STEPS])


def rule_at(settings, at, eta, batch, k):
    """rule_of's Rule for the k-th step, whatever the settings' count (learn_samples counts
    its steps only once it has taken them all)."""
    kind = cython.cast(cython.int, settings[at + KIND])
    size = eta
    root = 1.0
    if kind == ADAM and k > 0.0:  # (before the first step, forward passes need no rule)
        size = eta / (1.0 - pow(settings[at + BETA1], k))
        root = sqrt(1.0 - pow(settings[at + BETA2], k))
    # Each worked out in double, then rounded to a real (as C does where a real is stored).
    return Rule(kind=kind, rate=rounded(eta), momentum=rounded(settings[at + MU]),
                beta1=rounded(settings[at + BETA1]), beta2=rounded(settings[at + BETA2]),
                epsilon=rounded(settings[at + EPSILON]), decay=rounded(settings[at + DECAY]),
                batch=rounded(batch), size=rounded(size), root=rounded(root))


def plain(settings, at):
    """Whether the rule is plain gradient descent without weight decay: the step that
    needs no gradient kept, w -= eta * s * a, taken as the sensitivities are sent back."""
    return settings[at + KIND] == PLAIN and settings[at + DECAY] == 0.0


def plain_step(rule):
    """plain() for a Rule: whether its step is w -= eta * s * a."""
    return rule.kind == PLAIN and rule.decay == 0.0


def count_step(settings, at):
    """One more step taken (before the step: Adam's bias corrections count it)."""
    settings[at + STEPS] += 1.0


def step_weights(w, m, v, g, rule, at):
    """One step of the rule for the weights w[at], w[at + 1], ..., as many as g holds: g[i]
    is the gradient of w[at + i] summed over the batch, and m[at + i] and v[at + i] are the
    rule's numbers for it. A row of links is such a run of weights, and so are rows one
    after another. g is left holding the gradient the step used: the batch's mean plus
    weight decay."""
    n = g.shape[0]
    if cython.compiled:
        if rule.batch != 1.0 or rule.decay != 0.0:  # the mean and the step in one pass
            lernmi_mean_step(cython.address(w[at]), cython.address(m[at]), cython.address(v[at]),
                             cython.address(g[0]), cython.address(rule), n)
        elif rule.kind == PLAIN:
            lernmi_axpy(-rule.rate, cython.address(g[0]), cython.address(w[at]), n)
        elif rule.kind == ADAM:
            lernmi_adam(cython.address(w[at]), cython.address(m[at]), cython.address(v[at]),
                        cython.address(g[0]), cython.address(rule), n)
        else:
            lernmi_momentum(cython.address(w[at]), cython.address(m[at]), cython.address(g[0]),
                            cython.address(rule), rule.kind == NESTEROV, n)
    else:
        if rule.batch != 1.0 or rule.decay != 0.0:
            for i in range(n):
                g[i] = g[i] / rule.batch + rule.decay * w[at + i]
        if rule.kind == PLAIN:
            for i in range(n):
                w[at + i] += -rule.rate * g[i]
        elif rule.kind == ADAM:
            one1 = 1.0 - rule.beta1
            one2 = 1.0 - rule.beta2
            for i in range(n):
                m[at + i] = flushed(rule.beta1 * m[at + i] + one1 * g[i])
                vi = rule.beta2 * v[at + i] + one2 * g[i] * g[i]
                v[at + i] = flushed(vi) if m[at + i] == 0.0 else vi
                w[at + i] -= rule.size * m[at + i] / (rounded(sqrt(v[at + i])) / rule.root
                                                      + rule.epsilon)
        else:
            for i in range(n):
                m[at + i] = flushed(rule.momentum * m[at + i] + g[i])
                if rule.kind == NESTEROV:
                    w[at + i] -= rule.rate * (g[i] + rule.momentum * m[at + i])
                else:
                    w[at + i] -= rule.rate * m[at + i]


def flushed(x):
    """x, or a zero of x's sign if x is smaller in size than SMALLEST (a subnormal): the
    rules' new velocities and moments (v only once m is 0), as vector.h's lernmi_flushed
    leaves them."""
    return copysign(0.0, x) if fabs(x) < SMALLEST else x


#: For Python, which sees none of the C names above when compiled: the rules' codes, and
#: the names of the settings' numbers in their order.
RULES = {"plain": PLAIN, "momentum": MOMENTUM, "nesterov": NESTEROV, "adam": ADAM}
FIELDS = ("kind", "momentum", "beta1", "beta2", "epsilon", "decay", "steps")
