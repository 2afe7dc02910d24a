"""Pictures of a network: how it learned, what it gets wrong, what its neurons look for.

Each function draws one picture and returns it as a matplotlib Figure; given
``path="name.png"`` it also saves it there as a PNG. The figures are made without pyplot,
so nothing opens a window or changes matplotlib's global state: in a notebook, show one by
leaving it as a cell's last line; in a script, save it.

matplotlib is an optional extra (``pip install "lernmi[plot]"``) and is imported only when
a picture is drawn, never by ``import lernmi``. The numbers behind two of the pictures,
`confusion` and `input_gradient`, need only numpy.

A network with two inputs has pictures of its own, of the plane of inputs (from _planes.py):
`decision_boundary`, its answer at every point of the plane; `neuron_maps`, each hidden
neuron's output there; and `live_playground`, a callback that redraws both with the
learning curves as the network trains.

Colours: red is positive and blue negative, in every picture.
"""

import math

import numpy as np

from . import _figures
from ._checks import as_vector, positive_int
from ._curves import compared_curves, learning_curves, live_curves  # noqa: F401
from ._figures import DPI  # noqa: F401  (lernmi.plots.DPI, the saved PNGs' pixels per inch)
from ._planes import decision_boundary, live_playground, neuron_maps  # noqa: F401
from .network import Network  # noqa: F401  (for the examples in the docstrings)

__all__ = ["learning_curves", "compared_curves", "live_curves", "confusion",
           "confusion_matrix", "hidden_weights", "network_drawing", "input_gradient",
           "input_sensitivity", "decision_boundary", "neuron_maps", "live_playground"]

#: network_drawing draws at most this many neurons in a layer.
MAX_DRAWN_NEURONS = 50

#: The thickest link line (in points), for the weight of largest magnitude.
MAX_LINE_WIDTH = 4.0

POSITIVE_COLOUR = "#b2182b"  # the red end of the "RdBu_r" colour map
NEGATIVE_COLOUR = "#2166ac"  # its blue end
DIVERGING = "RdBu_r"         # blue - white - red, white at 0 when the limits are symmetric
COUNTS = "Reds"              # white - red, for numbers that are never negative


def confusion(labels, predicted, classes=None):
    """How often each class was taken for each class: matrix[expected, predicted].

    Parameters
    ----------
    labels : array of shape (samples,)
        The right class numbers, 0 to classes - 1.
    predicted : array of shape (samples,) or (samples, outputs)
        The network's answers: class numbers, or the output rows `Network.predict` gives,
        each read as the class of its largest output (for a single output neuron: 1 if
        the output is at least 0.5, else 0).
    classes : int or None
        How many classes; None means one more than the largest class number seen.

    Returns
    -------
    numpy array of int64, shape (classes, classes)
        Row i counts the samples of class i; column j those the network called j. The
        diagonal is what it got right.

    Examples
    --------
    >>> confusion([0, 1, 1, 2], [0, 1, 2, 2])
    array([[1, 0, 0],
           [0, 1, 1],
           [0, 0, 1]])
    """
    expected = _figures.class_numbers(labels, "labels")
    answers = np.asarray(predicted)
    if answers.ndim == 2 and answers.dtype.kind in "fiu":
        answers = (answers[:, 0] >= 0.5 if answers.shape[1] == 1
                   else answers.argmax(axis=1)).astype(np.int64)
    answers = _figures.class_numbers(answers, "predicted")
    if expected.shape != answers.shape:
        raise ValueError(f"labels has {expected.shape[0]} samples but predicted has "
                         f"{answers.shape[0]}; they must match")
    largest = max(expected.max(initial=0), answers.max(initial=0))
    if classes is None:
        classes = largest + 1
    elif positive_int(classes, "classes") <= largest:
        raise ValueError(f"class number {largest} is too big for {classes} classes")
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (expected, answers), 1)
    return matrix


def confusion_matrix(labels, predicted, classes=None, path=None):
    """The `confusion` matrix as a picture, each cell showing its count.

    Takes the same arguments as `confusion`. Rows are the right classes, columns the
    network's answers; the redder a cell, the more samples in it (counts are positive).

    Examples
    --------
    >>> fig = confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
    >>> fig.axes[0].images[0].get_array().tolist()
    [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    """
    matrix = confusion(labels, predicted, classes)
    n = matrix.shape[0]
    side = max(4.0, 0.45 * n + 1.8)
    fig = _figures.figure((side + 1.0, side))
    ax = fig.add_subplot()
    image = ax.imshow(matrix, cmap=COUNTS, vmin=0)
    if n <= 30:  # beyond that the numbers would not fit in their cells
        for (i, j), count in np.ndenumerate(matrix):
            dark = count > 0.6 * matrix.max()
            ax.text(j, i, str(count), ha="center", va="center", fontsize=8,
                    color="white" if dark else "black")
    ticks = np.arange(n) if n <= 30 else np.arange(0, n, 5)
    ax.set(xticks=ticks, yticks=ticks, xlabel="the network's answer", ylabel="right answer",
           title=f"{np.trace(matrix):,} of {matrix.sum():,} right")
    fig.colorbar(image, ax=ax, label="samples")
    return _figures.save(fig, path)


def hidden_weights(net, layer=0, image_shape=None, count=None, path=None):
    """What each neuron fed by ``net.link_layers[layer]`` looks for: its incoming weights as
    a picture the shape of the input.

    Neuron j's picture is ``weights[j, 1:]`` (the bias link, column 0, left out), one pixel
    per input neuron: red where a bright input pushes its input sum up, blue where it
    pushes it down. All panels share one colour scale, symmetric about 0 (white).

    Parameters
    ----------
    net : Network
    layer : int
        Which link layer: 0 (default) shows the first hidden layer's neurons, whose inputs
        are the network's inputs.
    image_shape : (rows, columns) or None
        How to lay the inputs out; None means a square, for a perfect-square number of
        inputs (784 -> (28, 28)). ValueError otherwise.
    count : int or None
        Show only the first `count` neurons; None shows all of them.

    Examples
    --------
    >>> net = Network([16, 6, 2], seed=0)
    >>> fig = hidden_weights(net, count=4)
    >>> sum(1 for ax in fig.axes if ax.images), fig.axes[0].images[0].get_array().shape
    (4, (4, 4))
    """
    weights = _figures.link_layer(net, layer).weights[:, 1:]
    shape = _figures.image_shape(image_shape, weights.shape[1], required=True)
    shown = weights.shape[0] if count is None else min(positive_int(count, "count"),
                                                       weights.shape[0])
    columns = math.ceil(math.sqrt(shown))
    rows = math.ceil(shown / columns)
    fig = _figures.figure((1.3 * columns + 1.0, 1.3 * rows + 0.6))
    limit = _figures.symmetric_limit(weights[:shown])
    for j in range(shown):
        ax = fig.add_subplot(rows, columns, j + 1)
        image = ax.imshow(weights[j].reshape(shape), cmap=DIVERGING, vmin=-limit, vmax=limit)
        ax.set_title(f"neuron {j}", fontsize=8)
        ax.set_axis_off()
    fig.colorbar(image, ax=fig.axes, label="weight", shrink=0.8)
    fig.suptitle(f"incoming weights of layer {layer + 1}'s neurons")
    return _figures.save(fig, path)


def network_drawing(net, path=None):
    """A small network as you would draw it: neurons as circles, links as lines.

    Each column is a NeuronLayer, the input layer on the left. Grey circles marked 1 are
    bias neurons (the output layer's is left out: no link leaves it). A link's colour is
    its weight's sign (red positive, blue negative) and its width is proportional to the
    weight's magnitude. Networks with more than MAX_DRAWN_NEURONS neurons in a layer
    raise ValueError: draw those with `hidden_weights`.

    Examples
    --------
    >>> fig = network_drawing(Network([2, 3, 1], seed=0))
    >>> [len(lines.get_segments()) for lines in fig.axes[0].collections[:2]]  # per link
    [9, 4]
    """
    _figures.check_network(net)
    sizes = net.layer_sizes
    for l, n in enumerate(sizes):
        if n > MAX_DRAWN_NEURONS:
            raise ValueError(f"layer {l} has {n} neurons, too many to draw one by one (at "
                             f"most {MAX_DRAWN_NEURONS}); picture its weights with "
                             f"lernmi.plots.hidden_weights(net) instead")
    top = (max(sizes) - 1) / 2 + 1.2  # the bias neurons' row, above every layer

    def position(l, i):
        """Where neuron i (0 = bias) of neuron layer l is drawn."""
        return (l, top) if i == 0 else (l, (sizes[l] - 1) / 2 - (i - 1))

    fig = _figures.figure((1.8 * len(sizes) + 1.0, max(3.0, 0.45 * (max(sizes) + 2) + 1.0)))
    ax = fig.add_subplot()
    biggest = max(float(np.abs(links.weights).max()) for links in net.link_layers)
    collections = _figures.matplotlib_module("collections")
    for l, links in enumerate(net.link_layers):
        w = links.weights.T.ravel()  # the order of links.links: for each input i, each j
        ax.add_collection(collections.LineCollection(
            [(position(l, i), position(l + 1, j + 1))
             for i in range(links.weights.shape[1]) for j in range(links.weights.shape[0])],
            linewidths=MAX_LINE_WIDTH * np.abs(w) / (biggest or 1.0),
            colors=np.where(w >= 0, POSITIVE_COLOUR, NEGATIVE_COLOUR), zorder=1))
    learning = np.array([position(l, i) for l, n in enumerate(sizes) for i in range(1, n + 1)])
    ax.scatter(*learning.T, s=300, facecolor="white", edgecolor="black", zorder=2)
    biases = np.array([position(l, 0) for l in range(len(sizes) - 1)])
    ax.scatter(*biases.T, s=300, facecolor="lightgrey", edgecolor="dimgrey", zorder=2)
    for x, y in biases:
        ax.text(x, y, "1", ha="center", va="center", fontsize=8, zorder=3)
    names = ["inputs"] + [f"{layer.count} {layer.activation}" for layer in net.neuron_layers[1:]]
    for l, name in enumerate(names):
        ax.text(l, -(max(sizes) + 1) / 2, name, ha="center", va="top")
    lines = _figures.matplotlib_module("lines")
    ax.legend(handles=[lines.Line2D([], [], color=POSITIVE_COLOUR, label="positive weight"),
                       lines.Line2D([], [], color=NEGATIVE_COLOUR, label="negative weight")],
              loc="upper right", fontsize=8, frameon=False)
    ax.set(xlim=(-0.5, len(sizes) - 0.5), ylim=(-(max(sizes) + 2) / 2, top + 0.6),
           title=repr(net))
    ax.set_axis_off()
    return _figures.save(fig, path)


def input_gradient(net, x, output=None):
    """How much each input moves one output: d output / d input_i, for one sample `x`.

    Computed by backpropagation through the network's own layers, the way `learn` does it
    but without learning: every training rate is set to 0 meanwhile (and put back
    afterwards, even after an error), the chosen output neuron is sent a sensitivity of 1
    and the others nothing, and each input neuron's sensitivity sum
    (`previous_layer_sensitivity_sum`) is then its share in that output. No weight changes.

    Parameters
    ----------
    net : Network
    x : sequence of float
        One input vector.
    output : int or None
        Which output neuron; None (default) takes the one with the largest output, the
        network's answer.

    Returns
    -------
    numpy array, shape (inputs,)

    Examples
    --------
    >>> net = Network([2, 1], activation="identity", seed=0)   # output = w . x + b
    >>> bool(np.allclose(input_gradient(net, [0.3, 0.7]), net.link_layers[0].weights[0, 1:]))
    True
    """
    _figures.check_network(net)
    x = as_vector(x, net.layer_sizes[0], "x")
    with net.lock:
        outputs = net.run(x)  # which also zeroes every sensitivity sum
        k = _figures.output_index(output, outputs)
        rates = [links.training_rate for links in net.link_layers]
        try:
            for links in net.link_layers:
                links.training_rate = 0.0
            # A sensitivity sum of 1 at output neuron k alone makes each output neuron's s
            # its share in output k: f'(z_k) for k itself (for softmax, every neuron's).
            net.neuron_layers[-1].learning_neurons[k].submit_sensitivity(1.0)
            for links in reversed(net.link_layers):
                links.backpropagate()
            # Input neurons pass x through unchanged, so their delta is d output / d x_i.
            gradient = np.array(net.neuron_layers[0].store.views().delta[1:])
        finally:
            for links, eta in zip(net.link_layers, rates):
                links.training_rate = eta
    return gradient


def input_sensitivity(net, x, output=None, image_shape=None, path=None):
    """Which inputs moved the answer for one sample: the input beside its `input_gradient`.

    Left, the input; right, d output / d input_i for the chosen output neuron (default the
    network's answer): red where raising the input would raise that output, blue where it
    would lower it. Inputs are drawn as an image when `image_shape` is given or their
    number is a perfect square (784 -> 28 x 28), otherwise as bars.

    Examples
    --------
    >>> fig = input_sensitivity(Network([3, 4, 2], seed=0), [0.1, 0.5, 0.9])
    >>> len(fig.axes), len(fig.axes[1].patches)   # inputs and gradient, three bars each
    (2, 3)
    """
    gradient = input_gradient(net, x, output)
    x = as_vector(x, net.layer_sizes[0], "x")
    outputs = net.run(x)
    k = _figures.output_index(output, outputs)
    shape = _figures.image_shape(image_shape, x.shape[0], required=False)
    fig = _figures.figure((9, 4))
    limit = _figures.symmetric_limit(gradient)
    for panel, (values, title) in enumerate(((x, "input"),
                                             (gradient, f"d output {k} / d input"))):
        ax = fig.add_subplot(1, 2, panel + 1)
        if shape is None:
            colours = (None if panel == 0
                       else np.where(values >= 0, POSITIVE_COLOUR, NEGATIVE_COLOUR))
            ax.bar(np.arange(values.shape[0]), values, color=colours)
            ax.set(xlabel="input neuron")
        elif panel == 0:
            fig.colorbar(ax.imshow(values.reshape(shape), cmap="gray_r"), ax=ax)
            ax.set_axis_off()
        else:
            fig.colorbar(ax.imshow(values.reshape(shape), cmap=DIVERGING, vmin=-limit,
                                   vmax=limit), ax=ax)
            ax.set_axis_off()
        ax.set_title(title)
    fig.suptitle(f"output {k} is {outputs[k]:.3f}")
    return _figures.save(fig, path)
