"""NeuronLayer and LinkLayer: neurons and links in groups, their numbers in contiguous arrays.

A NeuronLayer is a bias neuron and `count` learning neurons. A LinkLayer joins every neuron
of one NeuronLayer (bias included) to every learning neuron of the next, and keeps the
weights of all those links in one matrix. Each layer's methods do, in one loop, exactly what
calling the same method on each of its neurons or links in turn would do; the Neuron and
Link objects themselves are only made when a learner asks for them.
"""

import threading

import numpy as np

import cython

from ._checks import (as_vector, positive_int, random_generator, refuse_second_init,
                      valid_training_rate)
from .activations import ACTIVATIONS, activation_code
from .costs import check_targets, cost_code
from .optimizers import STEPS, keeps, optimizer_of, optimizer_or_default, settings_of
from .reals import DTYPE
from .stores import LinkStore, NeuronStore, new_store, zeros

if not cython.compiled:
    # Compiled, these are C functions and constants (see layers.pxd).
    from .activations import (BIAS, compute_outputs, compute_sensitivities, load_inputs,
                              reset_sums)
    from .costs import submit_expected
    from .link import link_in
    from .neuron import neuron_in
    from .propagation import Links, backpropagate_links, learn_links, propagate_links, whole
    from .steps import count_step, plain, rule_of


# Neuron and Link handles are made when first asked for. Two threads asking at once (no GIL
# stops them on free-threaded Python) must still get the very same objects.
_HANDLES = threading.Lock()
_NO_PACK = zeros(0)  # no room to pack samples: a layer's loops take one sample


def layer_kinds(count, activation):
    """The activation codes of a layer's neurons: the bias neuron's, then `count` of
    `activation`'s. ValueError for an unknown activation name."""
    kinds = np.full(count + 1, activation_code(activation), dtype=np.intc)
    kinds[0] = BIAS
    return kinds


def neuron_layer_over(store, activation):
    """A NeuronLayer over an existing store whose first neuron is the bias neuron: what a
    Network's layers are (views into its arrays), and what pickle and copy make again."""
    if not isinstance(store, NeuronStore):
        raise TypeError(f"store must be a NeuronStore, not {type(store).__name__}")
    if store.size < 2:
        raise ValueError("a NeuronLayer's store holds a bias neuron and at least one more")
    code = activation_code(activation)  # TypeError or ValueError for anything but a name
    kinds = store.views().kind
    if kinds[0] != BIAS or not np.isin(kinds[1:], [code, BIAS]).all():
        raise ValueError(f"the store's activation codes must be a bias neuron's, then "
                         f"{activation}'s (or a bias neuron's, for a neuron made one by hand)")
    layer = NeuronLayer.__new__(NeuronLayer)
    layer.store = store
    layer.activation = str(activation)
    layer._neurons = None
    return layer


class NeuronLayer:
    """A bias neuron and `count` learning neurons that share one activation.

    Parameters
    ----------
    count : int
        How many learning neurons; the layer has one more, the bias neuron.
    activation : str
        The learning neurons' activation: ``"sigmoid"`` (default) or any other of
        `activations.ACTIVATIONS`, ``"softmax"`` included (outputs that are positive and add
        up to 1, for an output layer).

    Examples
    --------
    >>> layer = NeuronLayer(2)
    >>> len(layer.all_neurons), len(layer.learning_neurons)
    (3, 2)
    >>> layer.input([0.0, 100.0]); layer.outputs()
    array([0.5, 1. ])
    """

    def __init__(self, count, activation="sigmoid"):
        refuse_second_init(self, "store")
        count = positive_int(count, "count")
        self.store = new_store(layer_kinds(count, activation))
        self.activation = str(activation)
        self._neurons = None

    @property
    def count(self):
        """How many learning neurons, not counting the bias neuron."""
        return self.store.size - 1

    @property
    def all_neurons(self):
        """Every neuron, the bias neuron first, then the learning neurons (a new list)."""
        with _HANDLES:
            if self._neurons is None:
                self._neurons = [neuron_in(self.store, i) for i in range(self.store.size)]
            return list(self._neurons)

    @property
    def learning_neurons(self):
        """The neurons that learn: all but the bias neuron (a new list)."""
        return self.all_neurons[1:]

    @property
    def bias_neuron(self):
        """The bias neuron, which outputs 1.0 so that links from it act as biases."""
        return self.all_neurons[0]

    def input(self, values):
        """Add values[i] to the input sum of learning neuron i."""
        x = as_vector(values, self.store.size - 1, "values", DTYPE)
        load_inputs(self.store, 0, x.reshape(1, -1), 0)  # one row

    def expected_output(self, values, cost="quadratic"):
        """Start learning at this layer, the output layer: `values` were expected.

        Each learning neuron gets its error from the cost (`costs.output_error`). With the
        quadratic cost 0.5 * sum((output - expected)**2) (the default) the error
        output - expected is the cost's slope and is added to the neuron's sensitivity sum,
        so s = error * f'(z). With ``cost="cross_entropy"`` (for sigmoid or softmax layers,
        expected values in [0, 1], adding up to 1 for softmax) the cost's slope and the
        activation's cancel: the error is s itself, and the cost gives it to the neuron
        directly, its sensitivity sum left as it was.
        """
        t = as_vector(values, self.store.size - 1, "expected values", DTYPE)
        code = cost_code(cost)
        check_targets(t, cost, self.activation, "expected values")
        compute_outputs(self.store, 0, self.store.size)
        submit_expected(code, self.store, 0, t.reshape(1, -1), 0)

    def outputs(self):
        """The learning neurons' outputs, f(z), as a new numpy array."""
        compute_outputs(self.store, 0, self.store.size)
        return np.array(self.store.a[1:])

    def reset(self):
        """Zero the sums of the learning neurons (and what a cost gave them), for the next
        sample.

        The bias neuron is left alone: it outputs 1.0 whatever its sums, and the sensitivity
        links send back to it is never used, so its sum just keeps adding up.
        """
        reset_sums(self.store, 0, self.store.size)

    def __repr__(self):
        return f"NeuronLayer({self.count} {self.activation} + bias)"

    def _repr_html_(self):
        """In a notebook: a table of the neurons' z, a and delta."""
        from ._display import neuron_layer_html
        return neuron_layer_html(self)

    def __reduce__(self):
        # Pickling and deepcopy copy the store; Neuron handles are made again when asked for.
        return (neuron_layer_over, (self.store, self.activation))


def _check_layers(input_layer, output_layer):
    """TypeError or ValueError unless a LinkLayer can join these two layers."""
    for name, value in (("input_layer", input_layer), ("output_layer", output_layer)):
        if not isinstance(value, NeuronLayer):
            raise TypeError(f"{name} must be a NeuronLayer, not {type(value).__name__}")
    if input_layer is output_layer:
        raise ValueError("a LinkLayer joins two different NeuronLayers")


def link_layer_over(store, input_layer, output_layer):
    """A LinkLayer over an existing store of weights: what a Network's link layers are
    (views into its arrays), and what pickle and copy make again.

    The loops trust the weights' shape to fit both layers, so that is checked here.
    """
    _check_layers(input_layer, output_layer)
    if not isinstance(store, LinkStore):
        raise TypeError(f"store must be a LinkStore, not {type(store).__name__}")
    if (store.rows, store.cols) != (output_layer.store.size - 1, input_layer.store.size):
        raise ValueError(f"{store.rows} x {store.cols} weights cannot join a layer of "
                         f"{input_layer.store.size} neurons to {output_layer.store.size - 1} "
                         f"learning neurons")
    layer = LinkLayer.__new__(LinkLayer)
    layer.store = store
    layer.input_layer = input_layer
    layer.output_layer = output_layer
    layer._links = None
    # The C loops are told (restrict) that weights, what the optimiser keeps and neurons'
    # numbers never overlap.
    links = [layer.weights, *store.moments_views()]
    for neurons in (input_layer, output_layer):
        for view in neurons.store.views():
            shared = False
            for numbers in links:
                shared = shared or np.may_share_memory(numbers, view)
            if shared:
                raise ValueError("a LinkLayer's weights and optimiser's numbers must be "
                                 "memory of their own, not shared with its NeuronLayers' "
                                 "numbers")
    return layer


def initial_weights(rng, rows, cols, activation="sigmoid"):
    """Weights for links into `rows` neurons with `activation`, each with fan-in `cols` (bias
    included), drawn uniformly from +-gain/sqrt(cols), the activation's gain from
    `activations.ACTIVATIONS`.

    Scaling by the fan-in keeps a neuron's input sum at the same size however many links
    feed it: for sigmoids (gain 1) near 0, where the sigmoid is steepest.
    """
    bound = ACTIVATIONS[activation].gain / np.sqrt(cols)
    return rng.uniform(-bound, bound, size=(rows, cols))


class LinkLayer:
    """Links from every neuron of `input_layer` to every learning neuron of `output_layer`.

    Parameters
    ----------
    input_layer, output_layer : NeuronLayer
        Two different layers.
    training_rate : float
        eta, shared by all the links (default 0.1).
    seed : int or None
        Seed (0 or more) for the random initial weights, uniform in +-gain/sqrt(fan-in),
        the gain depending on the output layer's activation (see `initial_weights`).
    optimizer : lernmi.SGD, lernmi.Adam or None
        How the links step; None (default) is plain gradient descent at `training_rate`.
        Given, its training rate is the layer's.

    Notes
    -----
    ``links`` come in the seed's order: for each neuron i of ``input_layer.all_neurons``
    (bias first), one link to each learning neuron j of ``output_layer``. Their weights are
    ``weights[j, i]``, one matrix of shape (output learning neurons, input neurons).

    Examples
    --------
    >>> layer = LinkLayer(NeuronLayer(2), NeuronLayer(3), seed=0)
    >>> layer.weights.shape, len(layer.links)
    ((3, 3), 9)
    >>> layer.links[1].input_neuron is layer.input_layer.all_neurons[0]
    True
    """

    def __init__(self, input_layer, output_layer, training_rate=0.1, seed=None, *,
                 optimizer=None):
        refuse_second_init(self, "store")
        _check_layers(input_layer, output_layer)
        optimizer = optimizer_or_default(optimizer, training_rate)
        eta, settings = optimizer.training_rate, settings_of(optimizer)
        rows, cols = output_layer.store.size - 1, input_layer.store.size
        w = initial_weights(random_generator(seed), rows, cols,
                            output_layer.activation).reshape(-1)
        self.store = LinkStore(w.astype(DTYPE, copy=False), np.array([eta], np.float64), rows,
                               cols, settings)
        self.input_layer = input_layer
        self.output_layer = output_layer
        self._links = None

    @property
    def links(self):
        """Every link, in the seed's order (a new list; the same Link objects each time)."""
        sources = self.input_layer.all_neurons  # before taking the lock, which they take
        targets = self.output_layer.learning_neurons
        with _HANDLES:
            if self._links is None:
                rows, cols = self.store.rows, self.store.cols
                self._links = [link_in(self.store, j * cols + i, sources[i], targets[j])
                               for i in range(cols) for j in range(rows)]
            return list(self._links)

    @property
    def weights(self):
        """weights[j, i] is the link from input neuron i to learning neuron j; writable,
        and it shares memory with the links."""
        return np.asarray(self.store.w).reshape(self.store.rows, self.store.cols)

    @property
    def training_rate(self):
        """eta, the step size every link of this layer uses."""
        return float(self.store.eta[0])

    @training_rate.setter
    def training_rate(self, value):
        self.store.eta[0] = valid_training_rate(value)

    @property
    def optimizer(self):
        """How the links step: a lernmi.SGD or lernmi.Adam at the layer's training rate.
        Setting it sets the training rate too, and starts the optimiser afresh: velocity or
        moments zero, no steps taken."""
        return optimizer_of(self.store.views()[1], self.training_rate)

    @optimizer.setter
    def optimizer(self, optimizer):
        optimizer = optimizer_or_default(optimizer, self.training_rate)
        w, settings, m, v = self.store.views()
        settings[...] = settings_of(optimizer)
        m[...] = 0.0
        v[...] = 0.0
        self.store.eta[0] = optimizer.training_rate

    @property
    def steps(self):
        """How many steps the links have taken with their optimiser (Adam's k)."""
        return int(self.store.views()[1][STEPS])

    @property
    def velocity(self):
        """SGD's velocity of each link, shaped like `weights` and sharing memory with the
        links, if the optimiser is SGD with momentum; otherwise None."""
        if keeps(self.optimizer) != "velocity":
            return None
        return self.store.views()[2].reshape(self.store.rows, self.store.cols)

    @property
    def moments(self):
        """Adam's moments (m, v) of each link, each shaped like `weights` and sharing memory
        with the links, if the optimiser is Adam; otherwise None."""
        if keeps(self.optimizer) != "moments":
            return None
        _, _, m, v = self.store.views()
        shape = (self.store.rows, self.store.cols)
        return m.reshape(shape), v.reshape(shape)

    def propagate(self):
        """Every link propagates: z_j += sum over i of w[j, i] * a_i, in one C loop."""
        # The unchecked loops trust the weights' shape to fit both layers. It does: each was
        # checked when this layer was made, and none of the three can be made again.
        src, dst, w = self.input_layer.store, self.output_layer.store, self.store.w
        links = links_of(self.store)
        none = _NO_PACK
        with cython.nogil:
            compute_outputs(src, 0, src.size)
            propagate_links(w, links, src, dst, none)

    def backpropagate(self):
        """Every link backpropagates, in one C loop: the neurons fed work out their
        sensitivities s_j once, then each input neuron i gets sum over j of w[j, i] * s_j,
        and each weight takes one step of the optimiser on its gradient s_j * a_i (plain
        gradient descent: w[j, i] -= eta * s_j * a_i)."""
        src, dst, w = self.input_layer.store, self.output_layer.store, self.store.w
        straight = plain(self.store.settings, 0)
        count_step(self.store.settings, 0)
        links = links_of(self.store)
        none = _NO_PACK
        with cython.nogil:
            compute_outputs(src, 0, src.size)
            compute_outputs(dst, 0, dst.size)
            compute_sensitivities(dst, 0, dst.size)
            if straight:
                backpropagate_links(w, links, src, dst, whole(links))
            else:
                learn_links(w, self.store.moments, links, src, dst, none)

    def __repr__(self):
        return (f"LinkLayer({self.store.cols} -> {self.store.rows}, "
                f"{self.store.rows * self.store.cols} links, "
                f"training_rate={self.training_rate:g})")

    def _repr_html_(self):
        """In a notebook: the weights, as a grid coloured by sign when there are few."""
        from ._display import link_layer_html
        return link_layer_html(self)

    def __reduce__(self):
        # Pickling and deepcopy copy the store and both NeuronLayers (deepcopy's memo keeps
        # a layer shared by two LinkLayers copied once); Links are made again when asked for.
        return (link_layer_over, (self.store, self.input_layer, self.output_layer))


def links_of(store):
    """Where the links of a LinkLayer's own store lie: all of it, between two stores of one
    sample whose bias neurons come first; and their rule for a step on one sample."""
    return Links(start=0, rows=store.rows, cols=store.cols, source=0, target=0, samples=1,
                 stride=0, send_back=True, rule=rule_of(store.settings, 0, store.eta[0], 1.0))
