"""Network: NeuronLayers joined by LinkLayers, trained one sample at a time.

A Network keeps the numbers of all its layers in a few contiguous arrays (maths.NetworkArrays)
and its layers are views into them. That lets `train` run whole epochs as one C loop with
the GIL released, while `learn` takes the same step through the layers' own methods, the
way a learner would write it, and every Neuron and Link stays there to be looked at.
"""

import numpy as np

import cython

from ._checks import (as_matrix, as_vector, positive_int, refuse_second_init,
                      valid_training_rate)
from .layers import initial_weights, layer_kinds
from .link import LinkStore
from .maths import NetworkArrays
from .neuron import NeuronStore

if not cython.compiled:
    # Compiled, these are C functions (see network.pxd).
    from .layers import link_layer_over, neuron_layer_over
    from .maths import learn_samples


class Network:
    """A fully connected network of sigmoid neurons, learning by per-sample gradient descent.

    Parameters
    ----------
    layer_sizes : sequence of int
        Learning neurons per layer, input layer first: ``[2, 3, 1]`` is two inputs, one
        hidden layer of three and one output. Every layer also gets a bias neuron.
    training_rate : float
        eta, the step size of every link (default 0.1).
    seed : int or None
        Seed for the initial weights (uniform in +-1/sqrt(fan-in)) and the shuffling in
        `train`; the same seed gives the same network.

    Notes
    -----
    The input layer passes its inputs through unchanged (identity activation); the other
    layers use the sigmoid. (The Ruby original also squashed raw inputs through a sigmoid.)
    One `learn` is one step of gradient descent on the cost 0.5 * sum((output - expected)**2).

    Examples
    --------
    >>> net = Network([2, 3, 1], seed=0)
    >>> [len(layer.learning_neurons) for layer in net.neuron_layers]
    [2, 3, 1]
    >>> net.run([0.0, 1.0]).shape
    (1,)
    """

    def __init__(self, layer_sizes, *, training_rate=0.1, seed=None):
        refuse_second_init(self, "_arrays")
        sizes = _layer_sizes(layer_sizes)
        eta = valid_training_rate(training_rate)
        rng = np.random.default_rng(seed)
        activations = ["identity"] + ["sigmoid"] * (len(sizes) - 1)
        arrays = NetworkArrays([layer_kinds(n, f) for n, f in zip(sizes, activations)],
                               [initial_weights(rng, sizes[l + 1], sizes[l] + 1)
                                for l in range(len(sizes) - 1)], eta)
        self._arrays = arrays
        self._rng = rng

        # The layers are views into the network's arrays.
        self._neuron_layers = tuple(
            neuron_layer_over(NeuronStore(*arrays.neuron_views(l)), activations[l])
            for l in range(len(sizes)))
        self._link_layers = tuple(
            link_layer_over(LinkStore(*arrays.link_views(l), sizes[l + 1], sizes[l] + 1),
                            self._neuron_layers[l], self._neuron_layers[l + 1])
            for l in range(len(sizes) - 1))

    @property
    def neuron_layers(self):
        """The NeuronLayers, input layer first (a tuple: the network's shape is fixed)."""
        return self._neuron_layers

    @property
    def link_layers(self):
        """The LinkLayers; link_layers[l] joins neuron_layers[l] to neuron_layers[l + 1]."""
        return self._link_layers

    @property
    def layer_sizes(self):
        """Learning neurons per layer, input first."""
        return self._arrays.layer_sizes()

    @property
    def training_rate(self):
        """eta of the first link layer; setting it sets every link layer's."""
        return self.link_layers[0].training_rate

    @training_rate.setter
    def training_rate(self, value):
        eta = valid_training_rate(value)
        for links in self.link_layers:
            links.training_rate = eta

    def run(self, inputs):
        """The output layer's outputs for one input vector, as a new numpy array."""
        self._propagate(as_vector(inputs, self.layer_sizes[0], "inputs"))
        return self.neuron_layers[-1].outputs()

    def learn(self, inputs, expected_outputs):
        """One learning step on one sample, the seed's way.

        Reset every layer, load the input, propagate forward through each LinkLayer, submit
        output - expected at the output layer, and backpropagate through each LinkLayer in
        reverse, every link updating its weight as it goes.
        """
        x = as_vector(inputs, self.layer_sizes[0], "inputs")
        t = as_vector(expected_outputs, self.layer_sizes[-1], "expected_outputs")
        self._propagate(x)
        self.neuron_layers[-1].expected_output(t)
        for links in reversed(self.link_layers):
            links.backpropagate()

    def _propagate(self, x):
        for layer in self.neuron_layers:
            layer.reset()
        self.neuron_layers[0].input(x)
        for links in self.link_layers:
            links.propagate()

    def train(self, inputs, expected_outputs, *, epochs=1, shuffle=True):
        """Learn from every row of `inputs`, `epochs` times over.

        Each epoch is one C loop, with the GIL released, doing exactly what calling `learn`
        on each row would, in a shuffled order (from the network's seed) or, with
        ``shuffle=False``, in the order given.

        Parameters
        ----------
        inputs : array of shape (samples, inputs)
        expected_outputs : array of shape (samples, outputs)
        epochs : int
        shuffle : bool
        """
        sizes = self._arrays.layer_sizes()  # what the C loop will trust
        x = as_matrix(inputs, sizes[0], "inputs")
        t = as_matrix(expected_outputs, sizes[-1], "expected_outputs")
        if x.shape[0] != t.shape[0]:
            raise ValueError(f"inputs has {x.shape[0]} rows but expected_outputs has "
                             f"{t.shape[0]}; they must match")
        epochs = positive_int(epochs, "epochs")
        if not isinstance(shuffle, (bool, np.bool_)):
            raise TypeError(f"shuffle must be True or False, not {shuffle!r}")
        for _ in range(epochs):
            order = self._rng.permutation(x.shape[0]) if shuffle else np.arange(x.shape[0])
            learn_epoch(self._arrays, x, t, order.astype(np.intp))

    def __repr__(self):
        layers = [str(self.layer_sizes[0])]
        layers += [f"{layer.count} {layer.activation}" for layer in self.neuron_layers[1:]]
        links = sum(links.store.rows * links.store.cols for links in self.link_layers)
        return f"Network({' -> '.join(layers)}, {links:,} links)"


def learn_epoch(arrays, x, t, order):
    """maths.learn_samples with the GIL released: other Python threads run meanwhile.

    The loop checks nothing; `train` has checked x and t against these very arrays, whose
    class (final, made once) nothing can override.
    """
    with cython.nogil:
        learn_samples(arrays, x, t, order)


def _layer_sizes(layer_sizes):
    try:
        sizes = list(layer_sizes)
    except TypeError:
        raise TypeError(f"layer_sizes must be a list of integers, not {layer_sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError(f"a Network needs at least two layers (input and output), "
                         f"not {len(sizes)}")
    return [positive_int(n, "each layer size") for n in sizes]
