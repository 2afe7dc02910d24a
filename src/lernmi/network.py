"""Network: NeuronLayers joined by LinkLayers, trained sample by sample or in batches.

A Network keeps the numbers of all its layers in a few contiguous arrays
(network_loops.NetworkArrays), and its layers are views into them. That lets `train`,
`predict` and `evaluate` run whole sets of samples as one C loop with the GIL released
(training.py, inference.py), while `learn` takes the same step through the layers' own
methods, the way a learner would write it, and every Neuron and Link stays there to be
looked at.
"""

import threading

import numpy as np

from . import inference, training
from ._checks import (as_matrix, as_vector, layer_sizes_of, positive_int, random_generator,
                      refuse_second_init, samples_for, true_or_false)
from ._dtypes import dtype_of, loops, loops_of
from .activations import activation_code
from .costs import COST_NAMES, check_cost, check_targets, cost_code
from .optimizers import optimizer_or_default, settings_of, with_rate
from .portable import Portable
from .tracing import trace_step


class Network(Portable):
    """A fully connected network of neurons, learning by gradient descent or Adam.

    Parameters
    ----------
    layer_sizes : sequence of int
        Learning neurons per layer, input layer first: ``[2, 3, 1]`` is two inputs, one
        hidden layer of three and one output. Every layer also gets a bias neuron.
    activation : str
        The hidden layers' activation: ``"sigmoid"`` (default) or another of
        `activations.ACTIVATIONS` (``lernmi.activations.usable("hidden")`` lists them:
        ``"tanh"``, ``"relu"``, ...).
    output_activation : str or None
        The output layer's: any of those or ``"softmax"`` (``usable("output")``); None
        (default) means the same as `activation`.
    cost : str
        What learning minimises: ``"quadratic"`` (default), 0.5 * sum((output -
        expected)**2), or ``"cross_entropy"`` (sigmoid or softmax outputs only).
    training_rate : float
        eta, the step size of every link (default 0.1), 0 or more (0 holds it still).
    optimizer : lernmi.SGD, lernmi.Adam or None
        How the links step (see `lernmi.optimizers`); None (default) means
        ``SGD(training_rate)``, plain gradient descent. Given, its training rate is used.
    dropout : float
        p in [0, 1): see `dropout` (default 0, none).
    seed : int or None
        Seed for the initial weights (uniform in +-gain/sqrt(fan-in), see
        `layers.initial_weights`) and the shuffling in `train`, 0 or more; the same seed
        gives the same network. None (default) draws fresh randomness.
    dtype : numpy.float64 (default) or numpy.float32
        Its numbers' type (`dtype`): float32 moves half the bytes, rounding to 24 bits, not 53.

    Notes
    -----
    The input layer passes its inputs through unchanged (identity activation). One `learn`
    is one step of the optimiser on one sample's gradient of the cost. (The Ruby original
    also squashed raw inputs through a sigmoid.)

    A network does one thing at a time: if two threads use it at once (say, one trains it
    while another calls `run`), the second waits until the first is done.

    Examples
    --------
    >>> net = Network([2, 3, 1], seed=0)
    >>> [len(layer.learning_neurons) for layer in net.neuron_layers]
    [2, 3, 1]
    >>> net.run([0.0, 1.0]).shape
    (1,)
    >>> Network([784, 100, 10], activation="relu", output_activation="softmax",
    ...         cost="cross_entropy")
    Network(784 -> 100 relu -> 10 softmax, cross_entropy, 79,510 links)
    """

    def __init__(self, layer_sizes, *, activation="sigmoid", output_activation=None,
                 cost="quadratic", training_rate=0.1, optimizer=None, dropout=0.0, seed=None,
                 dtype=np.float64):
        refuse_second_init(self, "_arrays")
        layers = loops(dtype_of(dtype), "layers")  # lernmi's, or lernmi._f32's for float32
        sizes = layer_sizes_of(layer_sizes)
        activation_code(activation, "hidden", "activation")
        hidden = str(activation)
        if output_activation is not None:
            activation_code(output_activation, "output", "output_activation")
        out = hidden if output_activation is None else str(output_activation)
        if out == "softmax" and sizes[-1] < 2:
            raise ValueError("a softmax output layer needs at least two neurons: one neuron's "
                             "softmax is always 1; use a sigmoid for a yes-or-no answer")
        code = cost_code(cost)
        check_cost(cost, out)
        optimizer = optimizer_or_default(optimizer, training_rate)
        rng = random_generator(seed)
        self._lock = threading.RLock()  # re-entrant: a schedule may call run, save, ...
        self.dropout = dropout  # checked by the setter
        eta = optimizer.training_rate
        activations = ["identity"] + [hidden] * (len(sizes) - 2) + [out]
        arrays = loops(dtype_of(dtype), "network_loops").NetworkArrays(
            [layers.layer_kinds(n, f) for n, f in zip(sizes, activations)],
            [layers.initial_weights(rng, sizes[l + 1], sizes[l] + 1, activations[l + 1])
             for l in range(len(sizes) - 1)], eta, code, settings_of(optimizer))
        self._arrays = arrays
        self._optimizer = optimizer
        self._rng = rng

        # The layers are views into the network's arrays.
        self._neuron_layers = tuple(layers.neuron_layer_over(arrays.layer_store(l), f)
                                    for l, f in enumerate(activations))
        self._link_layers = tuple(
            layers.link_layer_over(arrays.link_store(l), self._neuron_layers[l],
                                   self._neuron_layers[l + 1])
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
    def dtype(self):
        """The type of the network's numbers: numpy.float64 or numpy.float32."""
        return loops_of(self._arrays, "reals").DTYPE

    @property
    def cost(self):
        """The cost learning minimises: "quadratic" or "cross_entropy"."""
        return COST_NAMES[self._arrays.cost]

    @property
    def training_rate(self):
        """eta of the first link layer; setting it (0 or more) sets every link layer's and
        the optimiser's."""
        return self.link_layers[0].training_rate

    @training_rate.setter
    def training_rate(self, value):
        optimizer = with_rate(self._optimizer, value)  # checked
        with self._lock:
            self._optimizer = optimizer
            for links in self.link_layers:
                links.training_rate = optimizer.training_rate

    @property
    def optimizer(self):
        """How the links step: the lernmi.SGD or lernmi.Adam given, at the training rate
        last set for the whole network (`training_rate`, or a `schedule`).

        Setting another one starts it afresh on every link layer: velocity or moments
        zero, no steps taken; its training rate becomes the network's.
        """
        return self._optimizer

    @optimizer.setter
    def optimizer(self, optimizer):
        optimizer = optimizer_or_default(optimizer, self.training_rate)
        with self._lock:
            self._optimizer = optimizer
            for links in self.link_layers:
                links.optimizer = optimizer

    @property
    def dropout(self):
        """p: while learning (`learn`, `train`, `trace(learn=True)`), each hidden neuron is
        dropped for a sample with probability p, and the outputs of those kept are divided
        by 1 - p; 0 (default) drops none. Set it to any number in [0, 1)."""
        return self._dropout

    @dropout.setter
    def dropout(self, p):
        p = training.checked_dropout(p)
        with self._lock:  # not in the middle of another thread's epoch
            self._dropout = p

    @property
    def steps(self):
        """How many optimiser steps the network has taken (one per sample or batch): Adam's k."""
        return self.link_layers[0].steps

    def run(self, inputs):
        """The output layer's outputs for one input vector, as a new numpy array."""
        x = as_vector(inputs, self.layer_sizes[0], "inputs", self.dtype)
        with self._lock:
            self._propagate(x)
            return self.neuron_layers[-1].outputs()

    def learn(self, inputs, expected_outputs):
        """One learning step on one sample, the seed's way.

        Reset every layer, load the input, propagate forward through each LinkLayer, submit
        output - expected at the output layer, and backpropagate through each LinkLayer in
        reverse, every link updating its weight as it goes.
        """
        x = as_vector(inputs, self.layer_sizes[0], "inputs", self.dtype)
        t = as_vector(expected_outputs, self.layer_sizes[-1], "expected_outputs", self.dtype)
        output = self.neuron_layers[-1]
        check_targets(t, self.cost, output.activation, "expected_outputs")
        with self._lock, training.dropped(self, training.draw_keep(self, 1)):
            self._propagate(x)
            output.expected_output(t, self.cost)
            for links in reversed(self.link_layers):
                links.backpropagate()

    def trace(self, inputs, expected_outputs=None, *, learn=False):
        """One sample's step, every number of it kept: a `tracing.Trace`.

        The step is the one `learn` takes, through the same layer methods and loops, and
        the Trace holds what they computed: each neuron's z, a, delta and s and each link's
        weight, gradient and update. Print it to see the formulas filled in.

        Parameters
        ----------
        inputs : sequence of float
        expected_outputs : sequence of float or None
            Without them only the forward pass is traced.
        learn : bool
            False (default): afterwards every weight, and every neuron's sums, are as they
            were before. True: the weights take the step, exactly as `learn` would.

        Examples
        --------
        >>> net = Network([2, 2, 1], seed=0)
        >>> trace = net.trace([1.0, 0.0], [1.0])
        >>> trace.layers[1].gradient.shape        # the links into the output neuron
        (1, 3)
        >>> print(trace)                          # doctest: +ELLIPSIS
        Trace of one sample through Network(2 -> 2 sigmoid -> 1 sigmoid, 9 links)
        x = [1, 0]
        ...
        """
        x = as_vector(inputs, self.layer_sizes[0], "inputs", self.dtype)
        true_or_false(learn, "learn")
        t = None
        if expected_outputs is not None:
            t = as_vector(expected_outputs, self.layer_sizes[-1], "expected_outputs",
                          self.dtype)
            check_targets(t, self.cost, self.neuron_layers[-1].activation, "expected_outputs")
        elif learn:
            raise ValueError("learn=True needs expected_outputs to learn from")
        with self._lock, training.dropped(self, training.draw_keep(self, 1) if learn else None):
            return trace_step(self, x, t, bool(learn))

    # --- The inside, by name, for lernmi's own modules (tracing, saving, plots, training...)
    # --- and anyone who needs it; nothing outside this file reads its underscore attributes.

    @property
    def lock(self):
        """The network's re-entrant lock, which every method holds while it works: hold it
        yourself (``with net.lock:``) to do several things no other thread may come between."""
        return self._lock

    @property
    def arrays(self):
        """Every layer's numbers as `train`'s loops take them: its dtype's NetworkArrays."""
        return self._arrays

    @property
    def rng(self):
        """The numpy random Generator, made from the seed, that shuffles the samples in
        `train`; `save` keeps its state, so a loaded network shuffles as this one would."""
        return self._rng

    def _propagate(self, x):
        for layer in self.neuron_layers:
            layer.reset()
        self.neuron_layers[0].input(x)
        for links in self.link_layers:
            links.propagate()

    def train(self, inputs, expected_outputs, *, epochs=1, batch_size=1, shuffle=True,
              validation_data=None, schedule=None, schedule_every="epoch", patience=None,
              callbacks=None, progress=None, threads=None):
        """Learn from every row of `inputs`, `epochs` times over; return the history.

        Each epoch is one C loop, with the GIL released, taking the rows in a shuffled order
        (from the network's seed) or, with ``shuffle=False``, in the order given. With
        ``batch_size=1`` it does exactly what calling `learn` on each row would. (Only the
        input layer's sensitivity sums, which nothing reads, are not worked out: they stay
        0.)

        Parameters
        ----------
        inputs : array of shape (samples, inputs)
        expected_outputs : array of shape (samples, outputs), or of shape (samples,)
            holding class numbers (0 to outputs - 1), which stand for one-hot rows.
        epochs : int
        batch_size : int
            How many rows each optimiser step learns from: the step is taken on the mean of
            their gradients. The last batch of an epoch may be smaller.
        shuffle : bool
        validation_data : (inputs, expected_outputs) or None
            Scored after every epoch, without learning from it.
        schedule : callable or None
            ``schedule(epoch)`` gives the training rate for each epoch (counted from 0);
            it is asked for every epoch's rate, and each is checked, before training
            starts, and sets it as `training_rate` when the epoch starts, so the last one
            stays set after.
            For example ``lambda epoch: 0.02 * 0.8 ** epoch`` shrinks it by a fifth each
            epoch. None keeps the rate as it is.
        schedule_every : "epoch" or "step"
            How often the schedule sets the rate. With ``"step"``, ``schedule(epoch)`` is
            asked for every optimiser step, with the epochs done so far, a fraction: step
            i of an epoch of S steps has ``epoch + i / S``. For example, with ``epochs=3``,
            ``lambda epoch: 0.1 * min(epoch / 0.5, (3 - epoch) / 2.5)`` rises from 0 to 0.1
            over the first half epoch, then falls in a straight line to 0 at the end.
            `training_rate` is the rate of the last step taken. Every step's rate is asked
            for before training starts: one call for each step of every epoch.
        patience : int or None
            Early stopping (needs `validation_data`): stop after `patience` epochs without a
            new lowest ``val_loss``, and go back to the weights and optimiser state of the
            epoch that had it, whether training stopped early or not.
        callbacks : sequence of callables or None
            Each is called after every epoch as ``callback(network, epoch, history)``; one
            that returns True stops training after that epoch.
            (`lernmi.plots.live_curves` is one that redraws the learning curves.)
        threads : int or None
            How many threads share each step (up to 256; a network without a hidden layer
            runs on one). The weights learnt are the same, bit for bit, on any number of
            threads. None: as many as this process may use (`training.usable_cores`) for a
            network of at least `training.SHARED_WEIGHTS` weights, else one.
        progress : bool or None
            Show a progress bar (tqdm); None (default) shows one when stderr is a terminal
            and tqdm is installed.

        Returns
        -------
        training.History
            A dict, which a notebook shows as its learning curves, of per-epoch lists:
            ``"loss"``, the mean cost of the epoch's samples, and
            ``"accuracy"``, the share of them the network got right, each measured on the
            sample just before learning from it; with validation data also ``"val_loss"``
            and ``"val_accuracy"``; and ``"training_rate"``, the rate each epoch used (its
            first step's, with ``schedule_every="step"``). With `patience`,
            ``"best_epoch"`` is the epoch whose weights the network kept. The first epoch
            whose loss is NaN or infinite brings a RuntimeWarning: training diverged.
        """
        x, t = self._samples(inputs, expected_outputs, "inputs", "expected_outputs")
        epochs = positive_int(epochs, "epochs")
        batch_size = positive_int(batch_size, "batch_size")
        true_or_false(shuffle, "shuffle")
        validation = training.checked_validation(validation_data, self._samples)
        rates = training.checked_rates(schedule, schedule_every, epochs,
                                       -(-x.shape[0] // batch_size), self._optimizer)
        patience = training.checked_patience(patience, validation)
        callbacks = training.checked_callbacks(callbacks)
        threads = training.checked_threads(threads, self.layer_sizes)
        training.warn_about_scale(x, stacklevel=3)
        return training.train_epochs(self, x, t, epochs=epochs, batch=batch_size,
                                     shuffle=shuffle, validation=validation, rates=rates,
                                     patience=patience, callbacks=callbacks,
                                     progress=progress, threads=threads)

    def predict(self, inputs):
        """The outputs for every row of `inputs` (shape (samples, inputs)), one row each."""
        x = as_matrix(inputs, self.layer_sizes[0], "inputs", self.dtype)
        with self._lock:
            return inference.predict(self._arrays, x)

    def evaluate(self, inputs, expected_outputs):
        """The share of rows the network gets right, from 0.0 to 1.0.

        `expected_outputs` is one row of expected outputs per sample, or class numbers
        (shape (samples,)). A row counts as right when the output neuron with the largest
        output is the expected one (with a single output neuron: when output and expected
        are on the same side of 0.5).
        """
        x, t = self._samples(inputs, expected_outputs, "inputs", "expected_outputs")
        with self._lock:
            return float(inference.score(self._arrays, x, t)[1] / x.shape[0])

    def _samples(self, inputs, expected, x_name, t_name):
        # The sizes the C loops will trust, from the arrays themselves.
        return samples_for(self._arrays.layer_sizes(), self.cost,
                           self.neuron_layers[-1].activation, (inputs, expected),
                           (x_name, t_name), self.dtype)

    def __repr__(self):
        layers = [str(self.layer_sizes[0])]
        layers += [f"{layer.count} {layer.activation}" for layer in self.neuron_layers[1:]]
        cost = "" if self.cost == "quadratic" else f", {self.cost}"
        cost += "" if self.dtype is np.float64 else ", float32"
        links = sum(links.store.rows * links.store.cols for links in self.link_layers)
        return f"Network({' -> '.join(layers)}{cost}, {links:,} links)"

    def _repr_html_(self):
        """In a notebook: the network drawn, or a big one as a table of its layers."""
        from ._display import network_html
        return network_html(self)
