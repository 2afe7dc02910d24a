"""The optimisers: how each link's weight steps, given its gradient.

`SGD` and `Adam` are small checked value objects: they say how to step, and hold no numbers
that change. What does change (SGD's velocity, Adam's moments, the steps taken) is kept on
the links themselves, next to their weights (`LinkLayer.velocity`, `LinkLayer.moments`), and
the compiled loops take each step (steps.py).

Every rule starts from a weight's gradient g: the mean, over a batch's samples, of each
sample's gradient of the cost (s * a for a link, see propagation.py), plus
``weight_decay * w``. Then, as torch.optim computes it:

- SGD: ``w -= training_rate * g``;
- SGD with momentum mu: ``velocity = mu * velocity + g`` (starting at 0), then
  ``w -= training_rate * velocity``, or with ``nesterov=True``
  ``w -= training_rate * (g + mu * velocity)``;
- Adam: ``m = b1 * m + (1 - b1) * g`` and ``v = b2 * v + (1 - b2) * g**2``, then at step k
  ``w -= training_rate * (m / (1 - b1**k)) / (sqrt(v / (1 - b2**k)) + epsilon)``.

One thing torch.optim does not do: a new velocity or m smaller in size than the smallest
normal double (``sys.float_info.min``, 2.2e-308) is set to zero, keeping its sign, and so
is a new v once m is 0. The velocity of a link whose input turns 0 and stays 0 (a pixel lit
in a few pictures, then blank for thousands) shrinks by mu each step into the subnormal
numbers, and would stay there, never reaching 0; many x86 CPUs (Intel's among them)
multiply those far more slowly. The weight moves by training_rate times it (Adam: at most
by its step size times m / epsilon), too little to change a weight of normal size at any
ordinary rate or epsilon.
"""

import copy
import dataclasses

import numpy as np

from ._checks import (finite_number, fraction, non_negative, true_or_false,
                      valid_training_rate)
from .steps import FIELDS, RULES

# Where each number is in a settings array (steps.py's layout).
KIND, MU, BETA1, BETA2, EPSILON, DECAY, STEPS = (FIELDS.index(name) for name in (
    "kind", "momentum", "beta1", "beta2", "epsilon", "decay", "steps"))
PLAIN, MOMENTUM, NESTEROV, ADAM = (RULES[name] for name in (
    "plain", "momentum", "nesterov", "adam"))


def _rate(value):
    rate = finite_number(value, "training_rate")
    if rate <= 0.0:
        raise ValueError(f"training_rate must be positive, not {value!r}")
    return rate


@dataclasses.dataclass(frozen=True)
class SGD:
    """Stochastic gradient descent, with momentum (optionally Nesterov's) and weight decay.

    Parameters
    ----------
    training_rate : float
        The step size (eta), positive.
    momentum : float
        mu, in [0, 1): how much of the last step's velocity each step keeps. 0 (default) is
        plain gradient descent, the seed's.
    nesterov : bool
        Step with the gradient plus mu times the new velocity (needs momentum).
    weight_decay : float
        >= 0: ``weight_decay * w`` is added to every weight's gradient, biases included.

    Examples
    --------
    >>> SGD(0.05, momentum=0.9)
    SGD(training_rate=0.05, momentum=0.9, nesterov=False, weight_decay=0.0)
    """

    training_rate: float = 0.1
    momentum: float = 0.0
    nesterov: bool = False
    weight_decay: float = 0.0

    def __init__(self, training_rate=0.1, *, momentum=0.0, nesterov=False, weight_decay=0.0):
        momentum = fraction(momentum, "momentum")
        true_or_false(nesterov, "nesterov")
        if nesterov and momentum == 0.0:
            raise ValueError("nesterov=True needs a momentum above 0")
        decay = non_negative(weight_decay, "weight_decay")
        for name, value in (("training_rate", _rate(training_rate)), ("momentum", momentum),
                            ("nesterov", bool(nesterov)), ("weight_decay", decay)):
            object.__setattr__(self, name, value)


@dataclasses.dataclass(frozen=True)
class Adam:
    """Adam: steps scaled by running averages of each weight's gradient and its square.

    Parameters
    ----------
    training_rate : float
        The step size, positive (default 0.001).
    betas : (float, float)
        b1 and b2, each in [0, 1): how much of the running averages of g and g**2 each step
        keeps.
    epsilon : float
        Positive; keeps the step finite where v is 0.
    weight_decay : float
        >= 0: ``weight_decay * w`` is added to every weight's gradient, biases included.

    Examples
    --------
    >>> Adam()
    Adam(training_rate=0.001, betas=(0.9, 0.999), epsilon=1e-08, weight_decay=0.0)
    """

    training_rate: float = 0.001
    betas: tuple = (0.9, 0.999)
    epsilon: float = 1e-8
    weight_decay: float = 0.0

    def __init__(self, training_rate=0.001, *, betas=(0.9, 0.999), epsilon=1e-8,
                 weight_decay=0.0):
        try:
            b1, b2 = betas
        except (TypeError, ValueError):
            raise TypeError(f"betas must be a pair of numbers, not {betas!r}") from None
        betas = (fraction(b1, "betas[0]"), fraction(b2, "betas[1]"))
        epsilon = finite_number(epsilon, "epsilon")
        if epsilon <= 0.0:
            raise ValueError(f"epsilon must be positive, not {epsilon!r}")
        decay = non_negative(weight_decay, "weight_decay")
        for name, value in (("training_rate", _rate(training_rate)), ("betas", betas),
                            ("epsilon", epsilon), ("weight_decay", decay)):
            object.__setattr__(self, name, value)


#: The optimisers, by the name `save` writes.
OPTIMIZERS: dict[str, type[SGD] | type[Adam]] = {"SGD": SGD, "Adam": Adam}


def optimizer_or_default(optimizer, training_rate):
    """`optimizer`, checked to be an SGD or Adam; None means SGD(training_rate). The rate
    is checked to be >= 0 either way (0 holds a network still, as it always could)."""
    rate = valid_training_rate(training_rate)  # checked even when an optimizer is given
    if optimizer is None:
        return with_rate(SGD(), rate)  # a rate of 0, holding the weights, too
    if not isinstance(optimizer, (SGD, Adam)):
        raise TypeError(f"optimizer must be lernmi.SGD or lernmi.Adam, not "
                        f"{type(optimizer).__name__}")
    return optimizer


def with_rate(optimizer, training_rate):
    """The same optimizer with another training rate, checked to be >= 0: a network's rate,
    unlike a new optimiser's, may be set to 0 to hold its weights still."""
    changed = copy.copy(optimizer)
    object.__setattr__(changed, "training_rate", valid_training_rate(training_rate))
    return changed


def settings_of(optimizer):
    """The settings array (steps.py's layout) a LinkStore keeps for `optimizer`, no steps
    taken yet. The training rate is kept apart, as each store's eta."""
    settings = np.zeros(len(FIELDS))
    if isinstance(optimizer, Adam):
        settings[KIND] = ADAM
        settings[BETA1], settings[BETA2] = optimizer.betas
        settings[EPSILON] = optimizer.epsilon
    elif optimizer.momentum > 0.0:
        settings[KIND] = NESTEROV if optimizer.nesterov else MOMENTUM
        settings[MU] = optimizer.momentum
    else:
        settings[KIND] = PLAIN
    settings[DECAY] = optimizer.weight_decay
    return settings


def plain_settings():
    """The settings of plain gradient descent: what a LinkStore has unless told otherwise."""
    return settings_of(SGD())


def optimizer_of(settings, training_rate):
    """The SGD or Adam whose settings these are (settings_of undone), at `training_rate`.

    The settings were checked when they were made; the rate is a layer's, which may be 0
    (a layer held still), so it is not checked again.
    """
    kind = int(settings[KIND])
    if kind == ADAM:
        fields = dict(betas=(float(settings[BETA1]), float(settings[BETA2])),
                      epsilon=float(settings[EPSILON]))
        optimizer = Adam.__new__(Adam)
    else:
        fields = dict(momentum=float(settings[MU]), nesterov=kind == NESTEROV)
        optimizer = SGD.__new__(SGD)
    fields.update(training_rate=float(training_rate), weight_decay=float(settings[DECAY]))
    for name, value in fields.items():
        object.__setattr__(optimizer, name, value)
    return optimizer


def is_plain(optimizer):
    """Whether `optimizer` is plain gradient descent, the seed's step: SGD without momentum
    or weight decay (None, no step at all, counts as plain too)."""
    return optimizer is None or (isinstance(optimizer, SGD) and optimizer.momentum == 0.0
                                 and optimizer.weight_decay == 0.0)


def keeps(optimizer):
    """Which per-weight numbers `optimizer` keeps: "velocity", "moments" or None."""
    if isinstance(optimizer, Adam):
        return "moments"
    return "velocity" if optimizer.momentum > 0.0 else None


def bias_corrections(optimizer, steps):
    """Adam's (1 - b1**k, 1 - b2**k) after `steps` steps k; None for SGD."""
    if not isinstance(optimizer, Adam) or steps == 0:
        return None
    b1, b2 = optimizer.betas
    return 1.0 - b1 ** steps, 1.0 - b2 ** steps


