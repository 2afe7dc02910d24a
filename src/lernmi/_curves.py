"""Learning curves: one training's, several side by side, and one redrawn as it trains.

Part of `lernmi.plots`, which these functions are imported into (see its docstring: the
figures are made without pyplot, and matplotlib is imported only when one is drawn).
"""

import numpy as np

from . import _figures
from .network import Network  # noqa: F401  (for the examples in the docstrings)


def learning_curves(history, path=None):
    """The loss and the accuracy of every epoch, from the history `Network.train` returns.

    Two panels: loss on the left, accuracy on the right; each shows the training samples
    ("loss", "accuracy") and, when the history has them, the validation data ("val_loss",
    "val_accuracy"), against the epoch, counted from 1.

    Examples
    --------
    >>> net = Network([2, 3, 1], seed=0)
    >>> history = net.train([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], epochs=3,
    ...                     validation_data=([[0, 1]], [1]), progress=False)
    >>> fig = learning_curves(history)
    >>> [len(ax.lines) for ax in fig.axes]
    [2, 2]
    """
    if not hasattr(history, "keys"):
        raise TypeError(f"history must be the dict Network.train returns, not "
                        f"{type(history).__name__}")
    curves = {key: _figures.curve(history, key) for key in ("loss", "accuracy", "val_loss",
                                                    "val_accuracy") if key in history}
    for key in ("loss", "accuracy"):
        if key not in curves:
            raise ValueError(f"history has no {key!r}: pass the dict Network.train returns")
    epochs = np.arange(1, len(curves["loss"]) + 1)
    if any(len(values) != len(epochs) for values in curves.values()):
        raise ValueError("every list in history must have one value per epoch")

    fig = _figures.figure((9, 3.5))
    for panel, name in enumerate(("loss", "accuracy")):
        ax = fig.add_subplot(1, 2, panel + 1)
        for prefix, label in (("", "training"), ("val_", "validation")):
            if prefix + name in curves:
                ax.plot(epochs, curves[prefix + name], marker="o", label=label)
        ax.set(xlabel="epoch", ylabel=name, title=name, xlim=(0.5, len(epochs) + 0.5))
        ax.xaxis.get_major_locator().set_params(integer=True, min_n_ticks=1)  # no epoch 1.5
        ax.grid(alpha=0.3)
        ax.legend()
    return _figures.save(fig, path)


def compared_curves(histories, path=None):
    """Several trainings' learning curves side by side: `histories` maps a name to the
    history `Network.train` returned.

    Two panels, loss and accuracy, with a line per training: its validation data's when the
    history has them, otherwise its training samples'.

    Examples
    --------
    >>> runs = {}
    >>> for rate in (0.5, 2.0):
    ...     net = Network([2, 3, 1], training_rate=rate, seed=0)
    ...     runs[f"rate {rate}"] = net.train([[0, 0], [0, 1], [1, 0], [1, 1]],
    ...                                      [0, 1, 1, 0], epochs=4, progress=False)
    >>> fig = compared_curves(runs)
    >>> [len(ax.lines) for ax in fig.axes]
    [2, 2]
    """
    if not hasattr(histories, "items") or not histories:
        raise TypeError("histories must be a non-empty dict: a name for each history")
    fig = _figures.figure((9, 3.5))
    for panel, name in enumerate(("loss", "accuracy")):
        ax = fig.add_subplot(1, 2, panel + 1)
        for label, history in histories.items():
            if not hasattr(history, "keys") or name not in history:
                raise ValueError(f"histories[{label!r}] is not a history Network.train "
                                 f"returns")
            key = "val_" + name if "val_" + name in history else name
            values = _figures.curve(history, key)
            ax.plot(np.arange(1, len(values) + 1), values, marker="o", label=str(label))
        which = "validation" if all("val_" + name in h for h in histories.values()) \
            else "training"
        ax.set(xlabel="epoch", ylabel=name, title=f"{which} {name}")
        ax.xaxis.get_major_locator().set_params(integer=True, min_n_ticks=1)
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    return _figures.save(fig, path)


def live_curves(path=None):
    """A callback for `Network.train` that redraws the learning curves after every epoch.

    In a notebook (IPython) the picture is shown once and then updated in place, epoch
    after epoch; given ``path="curves.png"`` it is also saved there after each epoch, to
    watch from anywhere. It never stops training.

    Examples
    --------
    >>> net = Network([2, 3, 1], seed=0)
    >>> history = net.train([[0, 0], [1, 1]], [0, 1], epochs=2, progress=False,
    ...                     callbacks=[live_curves(path=None)])  # doctest: +SKIP
    """
    shown = None
    if path is None:
        try:
            from IPython.display import display
        except ImportError:
            raise ImportError("live_curves shows the curves in a notebook, which needs "
                              "IPython; elsewhere, give it a path to save them to") from None

    def callback(network, epoch, history):
        nonlocal shown
        fig = learning_curves(history, path)
        if path is None:
            if shown is None:
                shown = display(fig, display_id=True)
            else:
                shown.update(fig)
        return None

    return callback
