"""Pictures of a network with two inputs: its answer, and each hidden neuron's output, over
the plane of inputs; and a callback that redraws them while the network trains.

Part of `lernmi.plots`, which these functions are imported into (see its docstring: the
figures are made without pyplot, and matplotlib is imported only when one is drawn).

Every colour is a number the compiled loops computed: the plane is a grid of points, and
the network's answer at each is `Network.predict`'s. A hidden layer's outputs come from a
second network made of the first layers only, with the same weights copied in, whose output
layer has the hidden layer's activation: its `predict` runs the very loops, on the very
numbers, that `Network.run` and `Network.trace` run for one point.
"""

import math
from time import perf_counter

import numpy as np

from . import _figures
from ._checks import as_matrix, positive_int
from .network import Network

#: Points along each side of the plane: the decision boundary's and each neuron map's.
BOUNDARY_RESOLUTION = 200
MAP_RESOLUTION = 100

#: The plane spans the inputs' range and this share of it again on each side.
MARGIN = 0.1

#: neuron_maps puts at most this many neurons of a layer in a row.
MAX_COLUMNS = 8

#: The decision boundary's colours fade towards white where the network hesitates; this is
#: the opacity of a class's colour where its output is no larger than the next one's.
FAINTEST = 0.15

#: live_playground with every=None redraws once the epochs since its last drawing have
#: taken that drawing's time divided by this share: drawing takes at most about this share
#: of the time.
DRAWING_SHARE = 0.1


def decision_boundary(net, inputs, labels, *, path=None):
    """The network's answer over the plane its two inputs span, the samples on top.

    Each point of a BOUNDARY_RESOLUTION x BOUNDARY_RESOLUTION grid, spanning the inputs'
    range and MARGIN of it on each side, is coloured by what `Network.predict` answers
    there (the whole grid is one compiled call). With one output neuron the colour is the
    output itself: red towards 1, blue towards 0, white at 0.5, the boundary, which is
    drawn as a black line. With several, it is the class of the largest output, each class
    its own colour, faded towards white where the next largest output comes close (full
    colour from a gap of 1). Each sample is a dot coloured by its label.

    Parameters
    ----------
    net : Network
        With 2 inputs.
    inputs : array of shape (samples, 2)
    labels : array of shape (samples,) or (samples, outputs)
        Class numbers (0 and 1 for a single output neuron), or expected output rows, as
        `Network.train` takes them; rows are read as the class of their largest value.

    Examples
    --------
    >>> net = Network([2, 4, 1], seed=0)
    >>> fig = decision_boundary(net, [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0])
    >>> fig.axes[0].images[0].get_array().shape
    (200, 200)
    """
    net = two_input_network(net, "decision_boundary")
    x, classes = samples(inputs, labels)
    fig = _figures.figure((6.4, 5.2))
    draw_boundary(fig.add_subplot(), net, x, classes)
    return _figures.save(fig, path)


def neuron_maps(net, inputs=None, labels=None, *, path=None):
    """What every hidden neuron outputs over the plane: a small map per neuron, a row of
    maps per hidden layer, so you can see which edge of the plane each neuron found.

    Each map covers MAP_RESOLUTION x MAP_RESOLUTION points of the plane the inputs span
    (as `decision_boundary`'s), or of [-1, 1] x [-1, 1] without them; red is a positive
    output, blue a negative one, white 0, on one colour scale per layer. Dropout is left
    out: every neuron works, as in `Network.predict`. Given inputs, the samples are drawn
    faintly on top, coloured by their labels if those are given too.

    Examples
    --------
    >>> net = Network([2, 3, 2, 1], activation="tanh", seed=0)
    >>> fig = neuron_maps(net)
    >>> [ax.get_title() for ax in fig.axes if ax.images]    # doctest: +NORMALIZE_WHITESPACE
    ['layer 1, neuron 0', 'layer 1, neuron 1', 'layer 1, neuron 2',
     'layer 2, neuron 0', 'layer 2, neuron 1']
    """
    net = two_input_network(net, "neuron_maps")
    if len(net.layer_sizes) < 3:
        raise ValueError("neuron_maps draws the hidden neurons, and this network has no "
                         "hidden layer")
    if inputs is None and labels is not None:
        raise ValueError("labels are the samples' labels: give the samples' inputs too")
    x, classes = (None, None) if inputs is None else samples(inputs, labels, needed=False)
    columns, rows = map_layout(net)
    fig = _figures.figure((1.5 * columns + 1.2, 1.5 * sum(rows) + 0.6))
    draw_maps(fig, net, x, classes)
    return _figures.save(fig, path)


def live_playground(inputs, labels, *, every=None, path=None):
    """A callback for `Network.train` that redraws, as the network learns, its decision
    boundary, its neuron maps and its learning curves, in one figure.

    Called as ``callback(network, epoch, history)`` after an epoch, it redraws after the
    first epoch and then after every `every`-th (epochs counted from 0: 0, every, 2 *
    every, ...). With ``every=None`` it times the epochs and its own drawing, and redraws
    once the epochs since the last drawing have taken ten times as long as that drawing
    (1 / DRAWING_SHARE): drawing takes at most about a tenth of the time, a fast network
    is redrawn every so many epochs and a slow one after each. (The last epochs may then
    go undrawn: draw the finished network with `decision_boundary` and `neuron_maps`.)
    In a notebook (IPython) the figure is shown once and then updated in place; given
    ``path="playground.png"`` it is also saved there at each redraw, to watch from
    anywhere. It never stops training (it returns None).

    Parameters
    ----------
    inputs, labels :
        The samples to draw, as for `decision_boundary` (usually the training samples).
    every : int or None
    path : str, path or None

    Examples
    --------
    >>> x, t = [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]
    >>> net = Network([2, 4, 1], activation="tanh", output_activation="sigmoid", seed=0)
    >>> history = net.train(x, t, epochs=50, progress=False,
    ...                     callbacks=[live_playground(x, t)])     # doctest: +SKIP
    """
    x, classes = samples(inputs, labels)
    every = None if every is None else positive_int(every, "every")
    if path is None:
        try:
            from IPython.display import display
        except ImportError:
            raise ImportError("live_playground shows the network in a notebook, which "
                              "needs IPython; elsewhere, give it a path to save to") from None
    shown = None
    # Seconds: the last drawing's, the epochs' since it, and when the callback last returned.
    clock = {"drawing": None, "trained": 0.0, "left": None}

    def callback(network, epoch, history):
        nonlocal shown
        start = perf_counter()
        if clock["left"] is not None:
            clock["trained"] += start - clock["left"]  # the epoch just finished
        if every is not None:
            due = epoch % every == 0
        else:
            due = (clock["drawing"] is None
                   or clock["drawing"] <= DRAWING_SHARE * clock["trained"])
        if due:
            fig = playground(network, x, classes, epoch, history)
            _figures.save(fig, path)
            if path is None:
                if shown is None:
                    shown = display(fig, display_id=True)
                else:
                    shown.update(fig)
            clock["left"] = perf_counter()
            clock["drawing"], clock["trained"] = clock["left"] - start, 0.0
        else:
            clock["left"] = start
        return None

    return callback


def playground(net, x, classes, epoch, history):
    """live_playground's figure: the boundary and the neuron maps above the curves."""
    net = two_input_network(net, "live_playground")
    hidden = len(net.layer_sizes) > 2
    columns, rows = map_layout(net) if hidden else (0, [])
    height = max(4.6, 1.4 * sum(rows) + 0.6)
    fig = _figures.figure((5.6 + 1.4 * columns + (1.2 if hidden else 0), height + 2.8))
    top, bottom = fig.subfigures(2, 1, height_ratios=(height, 2.8))
    planes = top.subfigures(1, 2, width_ratios=(5.6, 1.4 * columns + 1.2)) if hidden \
        else (top,)
    draw_boundary(planes[0].add_subplot(), net, x, classes)
    if hidden:
        draw_maps(planes[1], net, x, classes)
    draw_curves(bottom.subplots(1, 2), history)
    fig.suptitle(f"after epoch {epoch + 1}")
    return fig


# --- Drawing onto a figure or axes given: the pictures above and the playground share these


def draw_boundary(ax, net, x, classes):
    expected = classes_as_rows(classes, net.layer_sizes[-1])  # checked before drawing
    colours = class_colours(max(net.layer_sizes[-1], 2))
    xs, ys = plane(x, BOUNDARY_RESOLUTION)
    outputs = net.predict(grid(xs, ys))
    extent = extent_of(xs, ys)
    if outputs.shape[1] == 1:
        output = outputs[:, 0].reshape(ys.shape[0], xs.shape[0])
        norm = _figures.matplotlib_module("colors").TwoSlopeNorm(
            0.5, min(0.0, output.min()), max(1.0, output.max()))
        image = ax.imshow(output, origin="lower", extent=extent, cmap=diverging(), norm=norm,
                          aspect="auto")
        ax.figure.colorbar(image, ax=ax, label="output (0.5: the boundary)")
        if output.min() < 0.5 < output.max():
            ax.contour(xs, ys, output, levels=[0.5], colors="black", linewidths=1.0)
    else:
        ordered = np.sort(outputs, axis=1)
        gap = np.clip(ordered[:, -1] - ordered[:, -2], 0.0, 1.0)  # the network's confidence
        answer = outputs.argmax(axis=1).reshape(ys.shape[0], xs.shape[0])
        listed = _figures.matplotlib_module("colors").ListedColormap(colours)
        ax.imshow(answer, origin="lower", extent=extent, cmap=listed, vmin=-0.5,
                  vmax=len(colours) - 0.5, alpha=(FAINTEST + (1 - FAINTEST) * gap).reshape(
                      answer.shape), interpolation="nearest", aspect="auto")
    for c in np.unique(classes):
        chosen = classes == c
        ax.scatter(x[chosen, 0], x[chosen, 1], s=16, color=colours[c], edgecolor="black",
                   linewidth=0.5, label=f"class {c}")
    ax.legend(fontsize="small", loc="upper right", framealpha=0.8)
    right = net.evaluate(x, expected)
    ax.set(xlabel="input 0", ylabel="input 1",
           title=f"decision boundary: {right:.0%} of {x.shape[0]} samples right")


def draw_maps(fig, net, x, classes):
    """One map per hidden neuron on `fig` (a Figure or SubFigure), a row per layer."""
    colours = None if classes is None else class_colours(
        max(net.layer_sizes[-1], 2, int(classes.max()) + 1))
    xs, ys = plane(x, MAP_RESOLUTION)
    layers = hidden_outputs(net, grid(xs, ys))
    columns, rows = map_layout(net)
    places = fig.add_gridspec(sum(rows), columns)
    first_row = 0
    for l, outputs in enumerate(layers, start=1):
        limit = _figures.symmetric_limit(outputs)
        axes = []
        for j in range(outputs.shape[1]):
            ax = fig.add_subplot(places[first_row + j // columns, j % columns])
            image = ax.imshow(outputs[:, j].reshape(ys.shape[0], xs.shape[0]), origin="lower",
                              extent=extent_of(xs, ys), cmap=diverging(), vmin=-limit,
                              vmax=limit, aspect="auto")
            if x is not None:
                ax.scatter(x[:, 0], x[:, 1], s=3, alpha=0.3, linewidth=0,
                           color="black" if colours is None else [colours[c] for c in classes])
            ax.set_title(f"layer {l}, neuron {j}", fontsize=8)
            ax.set(xticks=[], yticks=[])
            axes.append(ax)
        fig.colorbar(image, ax=axes, label=f"{net.neuron_layers[l].activation} output",
                     shrink=0.9)
        first_row += rows[l - 1]
    fig.suptitle("each hidden neuron's output over the plane of inputs")


def draw_curves(axes, history):
    """The loss and the accuracy so far, as `lernmi.plots.learning_curves` draws them."""
    for ax, name in zip(axes, ("loss", "accuracy")):
        for prefix, label in (("", "training"), ("val_", "validation")):
            if prefix + name in history:
                values = _figures.curve(history, prefix + name)
                ax.plot(np.arange(1, len(values) + 1), values, label=label,
                        marker="o" if len(values) <= 30 else None)  # one epoch: a dot
        ax.set(xlabel="epoch", ylabel=name, title=name)
        ax.xaxis.get_major_locator().set_params(integer=True, min_n_ticks=1)
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")


# --- The numbers: the plane's points and what the network makes of them


def plane(x, resolution):
    """The grid the pictures are drawn at: (xs, ys), `resolution` numbers each, spanning
    x's columns (shape (samples, 2), or None for [-1, 1] each) and MARGIN more each side."""
    if x is None:
        low, high = np.array([-1.0, -1.0]), np.array([1.0, 1.0])
    else:
        low, high = x.min(axis=0), x.max(axis=0)
        pad = np.where(high > low, MARGIN * (high - low), 0.5)  # all samples in one line
        low, high = low - pad, high + pad
    return (np.linspace(low[0], high[0], resolution),
            np.linspace(low[1], high[1], resolution))


def grid(xs, ys):
    """Every point (xs[j], ys[i]) as a row, i-major: row i * len(xs) + j is image[i, j]."""
    across, up = np.meshgrid(xs, ys)
    return np.column_stack([across.ravel(), up.ravel()])


def extent_of(xs, ys):
    """imshow's extent putting each pixel's centre on its grid point."""
    dx, dy = (xs[-1] - xs[0]) / (len(xs) - 1) / 2, (ys[-1] - ys[0]) / (len(ys) - 1) / 2
    return (xs[0] - dx, xs[-1] + dx, ys[0] - dy, ys[-1] + dy)


def hidden_outputs(net, points):
    """Each hidden layer's outputs at every row of `points`: a list, first hidden layer
    first, of arrays of shape (points, neurons of that layer).

    Hidden layer l's are the outputs of a network of the first l + 1 layers of `net`, with
    its weights copied in and the hidden layer's activation at its output; its `predict`
    runs the compiled loops `net` itself runs, so each number is the `a` that
    ``net.trace(point)`` shows for that neuron.
    """
    sizes = net.layer_sizes
    with net.lock:  # the weights of one moment, even if another thread trains net
        fronts = []
        for l in range(1, len(sizes) - 1):
            front = Network(sizes[:l + 1], activation=net.neuron_layers[1].activation,
                            output_activation=net.neuron_layers[l].activation, seed=0)
            for mine, theirs in zip(front.link_layers, net.link_layers):
                mine.weights[...] = theirs.weights
            fronts.append(front)
    return [front.predict(points) for front in fronts]


# --- Checks and small helpers


def two_input_network(net, picture):
    _figures.check_network(net)
    if net.layer_sizes[0] != 2:
        raise ValueError(f"{picture} draws a plane: the network needs 2 inputs, this one "
                         f"has {net.layer_sizes[0]}")
    return net


def samples(inputs, labels, needed=True):
    """(x, classes): the points, shape (samples, 2), and their class numbers (None when
    labels are None and not `needed`)."""
    x = as_matrix(inputs, 2, "inputs")
    if labels is None and not needed:
        return x, None
    classes = np.asarray(labels)
    if classes.ndim == 2 and classes.dtype.kind in "biuf":  # rows of expected outputs
        rows = as_matrix(classes, classes.shape[1], "labels")
        classes = (rows[:, 0] >= 0.5 if rows.shape[1] == 1 else rows.argmax(axis=1))
        classes = classes.astype(np.int64)
    elif classes.ndim == 1 and classes.dtype.kind in "bf":  # 0.0 and 1.0, True and False
        if not (np.isfinite(classes).all() and (classes == np.round(classes)).all()):
            raise TypeError("labels must be class numbers (whole numbers such as 0 and 1) "
                            "or rows of expected outputs")
        classes = classes.astype(np.int64)
    classes = _figures.class_numbers(classes, "labels")
    if classes.shape[0] != x.shape[0]:
        raise ValueError(f"labels has {classes.shape[0]} samples but inputs has "
                         f"{x.shape[0]}; they must match")
    return x, classes


def classes_as_rows(classes, outputs):
    """Class numbers as `Network.evaluate` takes them: 0 and 1 for one output neuron."""
    if outputs == 1 and classes.max() > 1:
        raise ValueError(f"labels must be 0 or 1 for a network with one output neuron, "
                         f"not {classes.max()}")
    if outputs > 1 and classes.max() >= outputs:
        raise ValueError(f"labels must be class numbers from 0 to {outputs - 1}, "
                         f"not {classes.max()}")
    return classes.astype(np.float64) if outputs == 1 else classes


def map_layout(net):
    """(columns, rows of maps for each hidden layer)."""
    hidden = net.layer_sizes[1:-1]
    columns = min(MAX_COLUMNS, max(hidden))
    return columns, [math.ceil(n / columns) for n in hidden]


def class_colours(count):
    """A colour per class: blue and red for two (as a single output's 0 and 1), else
    matplotlib's ten distinct colours, repeated beyond ten."""
    # (Imported here: plots imports this module.)
    from .plots import NEGATIVE_COLOUR, POSITIVE_COLOUR

    if count <= 2:
        return [NEGATIVE_COLOUR, POSITIVE_COLOUR]
    cycle = _figures.matplotlib_module("colors").TABLEAU_COLORS
    return [list(cycle.values())[c % len(cycle)] for c in range(count)]


def diverging():
    from .plots import DIVERGING

    return DIVERGING
