"""Link: carries a weighted value forward, a weighted sensitivity back, and learns its weight.

Links drive the network: a neuron only holds sums; a link pulls the output of the neuron
behind it, multiplies it by its weight and pushes it into the neuron in front. Going back,
it turns the front neuron's sensitivity sum into s = delta * f'(z), the gradient of the cost
with respect to that neuron's input sum, sends w * s to the neuron behind, and steps its
weight against its own gradient, s * a_in.

Like a Neuron, a Link is a handle into shared storage: the links of a LinkLayer keep their
weights in one matrix (a LinkStore, stores.py) and share one training rate. A Link made by
hand has a store of its own.
"""

import numpy as np

import cython

from ._checks import finite_real, refuse_second_init, valid_training_rate
from .neuron import Neuron
from .optimizers import STEPS, keeps, optimizer_of, optimizer_or_default, settings_of
from .reals import DTYPE
from .stores import LinkStore

if not cython.compiled:
    # Compiled, these come from propagation.pxd and steps.pxd as C (see link.pxd).
    from .propagation import updated_weight
    from .steps import count_step, plain, rule_of, step_weights


def link_in(store, index, input_neuron, output_neuron, in_layer=True):
    """The handle for the link whose weight is store.w[index] (LinkLayer calls this)."""
    link = Link.__new__(Link)
    link.store = store
    link.index = index
    link._input = input_neuron
    link._output = output_neuron
    link._in_layer = in_layer
    return link


def restore_link(store, index, input_neuron, output_neuron):
    """link_in, checked: what pickle and copy call to make a link of a LinkLayer again."""
    if not isinstance(store, LinkStore):
        raise TypeError(f"store must be a LinkStore, not {type(store).__name__}")
    if (isinstance(index, bool) or not isinstance(index, (int, np.integer))
            or not 0 <= index < store.rows * store.cols):
        raise ValueError(f"index {index!r} is not one of the store's "
                         f"{store.rows * store.cols} weights")
    for neuron, role in ((input_neuron, "input_neuron"), (output_neuron, "output_neuron")):
        if not isinstance(neuron, Neuron):
            raise TypeError(f"{role} must be a Neuron, not {type(neuron).__name__}")
    return link_in(store, index, input_neuron, output_neuron)


def restore_hand_link(store, input_neuron, output_neuron):
    """A link made by hand, made again over a copy of its store (weight, rate, optimiser
    and its numbers): what pickle and copy call."""
    if not isinstance(store, LinkStore) or store.rows * store.cols != 1:
        raise TypeError("store must be the LinkStore of one link")
    _neuron_or_none(input_neuron, "input_neuron")
    _neuron_or_none(output_neuron, "output_neuron")
    return link_in(store, 0, input_neuron, output_neuron, False)


def _check_wired(source, target):
    """ValueError unless a link's input neuron (`source`) and output neuron (`target`)
    are both set."""
    for neuron, role in ((source, "input_neuron"), (target, "output_neuron")):
        if neuron is None:
            raise ValueError(f"this link has no {role}: set link.{role} first")


def _neuron_or_none(value, role):
    if value is not None and not isinstance(value, Neuron):
        raise TypeError(f"{role} must be a Neuron or None, not {type(value).__name__}")
    return value


class Link:
    """A weighted connection from one neuron to another.

    Parameters
    ----------
    weight : float
        The number the input neuron's output is multiplied by.
    training_rate : float
        eta, the size of each learning step (default 0.1).
    input_neuron, output_neuron : Neuron or None
        The neurons it joins; both must be set before it propagates.
    optimizer : lernmi.SGD, lernmi.Adam or None
        How it steps; None (default) is plain gradient descent at `training_rate`. Given,
        its training rate is the link's.

    Examples
    --------
    >>> x, y = Neuron("identity"), Neuron()
    >>> link = Link(0.5, input_neuron=x, output_neuron=y)
    >>> x.input(2.0); link.propagate()
    >>> y.input_sum                          # 2.0 * 0.5
    1.0
    """

    def __init__(self, weight, training_rate=0.1, input_neuron=None, output_neuron=None, *,
                 optimizer=None):
        refuse_second_init(self, "store")
        w = finite_real(weight, "weight", DTYPE)
        optimizer = optimizer_or_default(optimizer, training_rate)
        eta, settings = optimizer.training_rate, settings_of(optimizer)
        _neuron_or_none(input_neuron, "input_neuron")
        _neuron_or_none(output_neuron, "output_neuron")
        self._input, self._output = input_neuron, output_neuron
        self.store = LinkStore(np.array([w], DTYPE), np.array([eta], np.float64), 1, 1, settings)
        self.index = 0
        self._in_layer = False

    @property
    def weight(self):
        """w, read and write. In a LinkLayer this is an entry of the layer's weights matrix."""
        return float(self.store.w[self.index])

    @weight.setter
    def weight(self, value):
        self.store.w[self.index] = finite_real(value, "weight", DTYPE)

    @property
    def training_rate(self):
        """eta, the step size of the weight update. Links of a LinkLayer share their layer's."""
        return float(self.store.eta[0])

    @training_rate.setter
    def training_rate(self, value):
        if self._in_layer:
            raise AttributeError("the links of a LinkLayer share one training rate: "
                                 "set it on the layer (layer.training_rate = ...)")
        self.store.eta[0] = valid_training_rate(value)

    @property
    def optimizer(self):
        """How the link steps: a lernmi.SGD or lernmi.Adam (its layer's, in a LinkLayer)."""
        return optimizer_of(self.store.views()[1], self.training_rate)

    @property
    def velocity(self):
        """SGD's velocity of this link (a float) if its optimiser is SGD with momentum;
        otherwise None."""
        if keeps(self.optimizer) != "velocity":
            return None
        return float(self.store.views()[2][self.index])

    @property
    def moments(self):
        """Adam's moments (m, v) of this link, two floats, if its optimiser is Adam;
        otherwise None."""
        if keeps(self.optimizer) != "moments":
            return None
        _, _, m, v = self.store.views()
        return float(m[self.index]), float(v[self.index])

    # The neurons a Link joins may be changed by one thread while another uses them. Every
    # read and write of them happens in a critical section on the link (free-threaded
    # Python locks the link for it; with the GIL it costs nothing), and a method that uses
    # them first takes strong references that way: a neuron that another thread unhooks
    # meanwhile stays alive until the method is done with it.

    @property
    def input_neuron(self):
        """The neuron this link reads from."""
        with cython.critical_section(self):
            neuron = self._input
        return neuron

    @input_neuron.setter
    def input_neuron(self, neuron):
        self._rewire()
        neuron = _neuron_or_none(neuron, "input_neuron")
        with cython.critical_section(self):
            self._input = neuron

    @property
    def output_neuron(self):
        """The neuron this link sends to."""
        with cython.critical_section(self):
            neuron = self._output
        return neuron

    @output_neuron.setter
    def output_neuron(self, neuron):
        self._rewire()
        neuron = _neuron_or_none(neuron, "output_neuron")
        with cython.critical_section(self):
            self._output = neuron

    def _rewire(self):
        if self._in_layer:
            raise AttributeError("the links of a LinkLayer always join its layers' neurons; "
                                 "make Links by hand to wire neurons another way")

    def propagate(self):
        """Send the input neuron's output times the weight to the output neuron."""
        with cython.critical_section(self):
            source = self._input
            target = self._output
        _check_wired(source, target)
        target.input(source.output() * self.store.w[self.index])

    def backpropagate(self):
        """Send w * s to the input neuron, then step w on its gradient s * a_in: by
        -eta * s * a_in with plain gradient descent, or by the link's optimiser.

        s is the output neuron's sensitivity (Neuron.sensitivity): usually its sensitivity
        sum delta times the slope of its activation, for a sigmoid a * (1 - a), worked out
        by that neuron when the sensitivities were sent back to it.
        """
        with cython.critical_section(self):
            source = self._input
            target = self._output
        _check_wired(source, target)
        s = target.sensitivity()
        w = self.store.w[self.index]
        source.submit_sensitivity(w * s)  # the weight from before this step
        if plain(self.store.settings, 0):
            self.store.w[self.index] = updated_weight(w, self.store.eta[0], s, source.output())
        else:
            self._step(s * source.output())
        # A link made by hand counts its own steps. The links of a LinkLayer share the
        # layer's count, which LinkLayer.backpropagate advances once for all of them; links
        # stepped one by one, in the seed's order (layer.links), do the same: the last one
        # counts the step they all took.
        if not self._in_layer or self.index == self.store.rows * self.store.cols - 1:
            count_step(self.store.settings, 0)

    def _step(self, gradient):
        # One step of the optimiser for this weight alone: the step the store is taking,
        # the one after the steps it has counted (Adam's k).
        settings = np.array(self.store.settings)
        settings[STEPS] += 1.0
        _, _, m, v = self.store.views()
        step_weights(self.store.w, m, v, np.array([gradient], DTYPE),
                     rule_of(settings, 0, self.store.eta[0], 1.0), self.index)

    def __repr__(self):
        # A link of a LinkLayer says where its weight is in the layer's weights matrix.
        cols = self.store.cols
        where = f"weights[{self.index // cols}, {self.index % cols}]" if self._in_layer \
            else "weight"
        rule = "" if plain(self.store.settings, 0) else f", optimizer={self.optimizer!r}"
        return f"Link({where}={self.weight:.6g}, training_rate={self.training_rate:g}{rule})"

    def __reduce__(self):
        # A link made by hand is made again by hand, its neurons coming along. A link of a
        # LinkLayer is a handle into the layer's store, which comes along whole.
        with cython.critical_section(self):
            source = self._input
            target = self._output
        if self._in_layer:
            return (restore_link, (self.store, self.index, source, target))
        return (restore_hand_link, (self.store, source, target))
