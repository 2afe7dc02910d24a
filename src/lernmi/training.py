"""Training for whole epochs: what `Network.train` runs once it has checked its arguments.

Each epoch takes the samples in an order (shuffled by the network's random generator, or as
given), sets the epoch's training rate, and learns from every sample in that order in one
compiled loop without the GIL (network_loops.learn_rows), in pieces of PROGRESS_STEP
samples when a progress bar is shown. After each epoch the validation data, if any, is
scored, and the history records the epoch.
"""

import importlib.util
import sys
import warnings

import numpy as np

from . import inference
from .network_loops import learn_rows

#: A progress bar redraws after at most this many samples.
PROGRESS_STEP = 2000

#: Inputs whose root mean square is above this, or whose largest magnitude is below
#: 1 / SCALE, are far from the scale the initial weights assume (about 1).
SCALE = 10.0

#: How many rows, evenly spread, the scale is judged on.
SAMPLE_ROWS = 1000


def train_epochs(net, x, t, *, epochs, shuffle, validation, rates, progress):
    """Train `net` on the rows of x (checked) against t for `epochs` epochs; the history.

    `validation` is None or a pair (inputs, expected rows), checked; `rates` gives each
    epoch's training rate, None keeping the rate as it is; `progress` is Network.train's.
    """
    bar = progress_bar(progress, epochs * x.shape[0])
    history = {"loss": [], "accuracy": [], "training_rate": []}
    if validation is not None:
        history.update(val_loss=[], val_accuracy=[])
    try:
        with net.lock:
            for epoch in range(epochs):
                if rates[epoch] is not None:
                    net.training_rate = rates[epoch]
                history["training_rate"].append(net.training_rate)
                order = (net.rng.permutation(x.shape[0]) if shuffle
                         else np.arange(x.shape[0])).astype(np.intp)
                if bar is not None:
                    bar.set_description(f"epoch {epoch + 1}/{epochs}")
                score = np.zeros(2)  # the summed cost, the rows right
                step = PROGRESS_STEP if bar is not None else order.shape[0]
                for start in range(0, order.shape[0], step):
                    learn_rows(net.arrays, x, t, order[start:start + step], score)
                    if bar is not None:
                        bar.update(min(step, order.shape[0] - start))
                record(history, "", score, x.shape[0])
                if validation is not None:
                    record(history, "val_", inference.score(net.arrays, *validation),
                           validation[0].shape[0])
                if bar is not None:
                    bar.set_postfix({k: f"{v[-1]:.4f}" for k, v in history.items()})
    finally:
        if bar is not None:
            bar.close()
    return history


def record(history, prefix, score, samples):
    """Add an epoch's mean cost and share of rows right to the history."""
    history[prefix + "loss"].append(float(score[0] / samples))
    history[prefix + "accuracy"].append(float(score[1] / samples))


def warn_about_scale(x, stacklevel):
    """Warn if the inputs x are far from the scale the initial weights assume.

    Initial weights are drawn for inputs of about 1 (see layers.initial_weights). Inputs
    hundreds of times larger, such as pixels from 0 to 255, saturate every sigmoid and
    softmax at once, and the network can learn nothing; tiny ones leave the first weights
    barely moving.
    """
    sample = x[::max(1, x.shape[0] // SAMPLE_ROWS)]  # a look at every row would cost more
    rms = float(np.sqrt(np.mean(np.square(sample))))
    largest = float(np.abs(sample).max())
    if rms > SCALE:
        advice = f"divide them by {largest:.4g}" if sample.min() >= 0.0 else \
            "standardise each input (subtract its mean, divide by its standard deviation)"
        warnings.warn(f"the inputs' root mean square is {rms:.4g} (the largest is "
                      f"{largest:.4g}), but the initial weights assume inputs of about 1: "
                      f"{advice}, or the network may learn nothing", stacklevel=stacklevel)
    elif 0.0 < largest < 1.0 / SCALE:
        warnings.warn(f"the largest input is {largest:.4g}, but the initial weights assume "
                      f"inputs of about 1: multiply them by {1.0 / largest:.4g}, or the first "
                      f"layer's weights will barely learn", stacklevel=stacklevel)


def progress_bar(progress, total):
    """A tqdm bar counting samples, or None when there should be none.

    None means a bar when stderr is a terminal and tqdm is installed; True insists on one.
    """
    if progress is None:
        progress = (sys.stderr is not None and sys.stderr.isatty()
                    and importlib.util.find_spec("tqdm") is not None)
    elif not isinstance(progress, (bool, np.bool_)):
        raise TypeError(f"progress must be True, False or None, not {progress!r}")
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError('the progress bar needs tqdm: pip install tqdm (or "lernmi[mnist]"), '
                          'or train with progress=False') from None
    return tqdm(total=total, unit="sample", unit_scale=True, leave=False)
