"""Training for whole epochs: what `Network.train` runs once it has checked its arguments.

Each epoch takes the samples in an order (shuffled by the network's random generator, or as
given), sets the epoch's training rate (or has the loops set each step's), and learns from
every sample in that order, a batch at a time, in one compiled loop without the GIL
(learning_loops.learn_rows), in pieces of about PROGRESS_STEP samples when a progress bar
is shown. After each epoch the validation data, if any, is scored, the history records the
epoch, early stopping keeps the best epoch's state, and the callbacks are called.
"""

import contextlib
import importlib.util
import inspect
import os
import sys
import time
import warnings

import numpy as np

from . import inference
from ._checks import fraction, positive_int
from ._dtypes import loops_of
from .learning_loops import MAX_THREADS
from .optimizers import with_rate

#: A progress bar redraws after at most this many samples.
PROGRESS_STEP = 2000

#: Inputs whose root mean square is above this, or whose largest magnitude is below
#: 1 / SCALE, are far from the scale the initial weights assume (about 1).
SCALE = 10.0

#: How many rows, evenly spread, the scale is judged on.
SAMPLE_ROWS = 1000

#: With threads=None, a network of at least this many weights shares each sample's steps
#: among every core this process may use; a smaller one trains on one thread, as the
#: threads' meetings between steps would cost more than they save.
SHARED_WEIGHTS = 50_000

#: With threads=None, each epoch first learns from this many rows (in whole batches) on one
#: thread and as many on every usable core, and learns from the rest on the faster: on a
#: machine whose other cores are busy, threads wait for each other at every step.
TRIAL = 1000


class History(dict):
    """What `Network.train` returns: a dict of lists, one number per epoch ("loss",
    "accuracy", ...), that a notebook shows as its learning curves.

    It is a dict in every other way: it equals, copies and pickles as the dict of the same
    items does, and its repr is that dict's.

    Examples
    --------
    >>> History(loss=[0.5, 0.25], accuracy=[0.5, 1.0]) == {"loss": [0.5, 0.25],
    ...                                                     "accuracy": [0.5, 1.0]}
    True
    """

    def _repr_html_(self):
        """In a notebook: loss and accuracy against the epoch, as a picture."""
        from ._display import history_html
        return history_html(self)


def train_epochs(net, x, t, *, epochs, batch, shuffle, validation, rates, patience,
                 callbacks, progress, threads=1):
    """Train `net` on the rows of x (checked) against t for `epochs` epochs; the history.

    `validation` is None or a pair (inputs, expected rows), checked; `rates` gives each
    epoch's training rate, None keeping the rate as it is, or an array of the rates of its
    steps, or is None for no schedule (`checked_rates`); `batch`, `patience`, `callbacks` (a
    tuple), `progress` and `threads` are Network.train's, checked (`checked_threads`).
    """
    bar = progress_bar(progress, epochs * x.shape[0])
    history = History(loss=[], accuracy=[], training_rate=[])
    if validation is not None:
        history.update(val_loss=[], val_accuracy=[])
    best = None  # with patience: (val_loss, epoch, state) of the best epoch so far
    try:
        with net.lock:
            for epoch in range(epochs):
                rate = None if rates is None else rates[epoch]
                steps = rate if isinstance(rate, np.ndarray) else None
                if rate is not None:
                    net.training_rate = rate if steps is None else float(steps[0])
                history["training_rate"].append(net.training_rate)
                order = (net.rng.permutation(x.shape[0]) if shuffle
                         else np.arange(x.shape[0])).astype(np.intp)
                if bar is not None:
                    bar.set_description(f"epoch {epoch + 1}/{epochs}")
                try:
                    score = learn_epoch(net, x, t, order, batch, threads, bar, steps)
                finally:
                    if steps is not None:  # the rate of the last step taken: the links'
                        net.training_rate = net.link_layers[0].training_rate
                record(history, "", score, x.shape[0])
                warn_if_diverged(history, epoch)
                if validation is not None:
                    record(history, "val_", inference.score(net.arrays, *validation),
                           validation[0].shape[0])
                if bar is not None:
                    bar.set_postfix({k: f"{v[-1]:.4f}" for k, v in history.items()})
                stop = False
                if patience is not None:
                    if best is None or history["val_loss"][-1] < best[0]:
                        best = (history["val_loss"][-1], epoch, state_of(net))
                    stop = epoch - best[1] >= patience
                for callback in callbacks:
                    stop = stops(callback, callback(net, epoch, history)) or stop
                if stop:
                    break
            if best is not None:
                set_state(net, best[2])
                history["best_epoch"] = best[1]
    finally:
        if bar is not None:
            bar.close()
    return history


def checked_threads(threads, sizes):
    """How many threads train a network of `sizes` neurons per layer: `threads` if it is an
    integer from 1 to MAX_THREADS; for None, for a network of at least SHARED_WEIGHTS
    weights, a Choice of as many as `usable_cores` (at most MAX_THREADS), else 1."""
    if threads is not None:
        threads = positive_int(threads, "threads")
        if threads > MAX_THREADS:
            raise ValueError(f"threads must be at most {MAX_THREADS}, not {threads}")
        return threads
    weights = sum((n + 1) * m for n, m in zip(sizes, sizes[1:]))
    cores = min(usable_cores(), MAX_THREADS)
    return Choice(cores) if weights >= SHARED_WEIGHTS and cores > 1 else 1


def usable_cores():
    """How many cores this process may run on (its CPU affinity where the system has one)."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13 and later
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def learn_epoch(net, x, t, order, batch, threads, bar, rates=None):
    """Learn from the rows `order` of x and t, a batch at a time, each batch i at training
    rate rates[i] if there are rates; the summed cost and the number of rows right, each
    measured before learning from it.

    The rows go to learn_rows in pieces of whole batches: about PROGRESS_STEP rows each when
    the progress bar `bar` (or None) is shown, else all at once. `threads` is
    `checked_threads`'s: with threads=None (`Choice`) each epoch first times TRIAL rows on
    one thread and TRIAL rows on all of them, then learns from the rest on the faster. (How
    the rows are cut into pieces, and on how many threads, changes no number.)
    """
    score = np.zeros(2)
    count = order.shape[0]
    step = -(-PROGRESS_STEP // batch) * batch if bar is not None else count
    trial = -(-TRIAL // batch) * batch  # whole batches
    trials = [1, int(threads)] if isinstance(threads, Choice) and 3 * trial <= count else []
    seconds = []
    start = 0
    while start < count:
        trying = len(seconds) < len(trials)  # a trial's rows, timed
        use = trials[len(seconds)] if trying else int(threads)
        rows = order[start:start + (trial if trying else step)]
        began = time.perf_counter()
        steps = None if rates is None else rates[start // batch:][:-(-rows.shape[0] // batch)]
        learn_rows(net.arrays, x, t, rows, score, batch, draw_keep(net, rows.shape[0]), use,
                   steps)
        if trying:
            seconds.append(time.perf_counter() - began)
            if len(seconds) == len(trials):  # the faster, for the rest of this epoch
                threads = 1 if seconds[0] <= seconds[1] else trials[1]
        if bar is not None:
            bar.update(rows.shape[0])
        start += rows.shape[0]
    return score


def learn_rows(arrays, *args):
    """learning_loops.learn_rows of the arrays' type of number (lernmi._f32's for float32)."""
    return loops_of(arrays, "learning_loops").learn_rows(arrays, *args)


class Choice(int):
    """threads=None's number of threads: every usable core, unless an epoch's trial finds
    one thread faster (`learn_epoch`); chosen afresh each epoch."""

    __slots__ = ()  # an int and nothing more


def checked_dropout(p):
    """A dropout probability: a number in [0, 1)."""
    return fraction(p, "dropout")


def draw_keep(net, rows):
    """Dropout's keep factors for `rows` samples, a row each, a column for each hidden
    neuron (the hidden layers' learning neurons in order): 0 for a neuron dropped, with
    probability net.dropout, and 1 / (1 - net.dropout) for one kept, drawn from the
    network's random generator. None without dropout or hidden neurons."""
    hidden = sum(net.layer_sizes[1:-1])
    if net.dropout == 0.0 or hidden == 0:
        return None
    kept = net.rng.random((rows, hidden)) >= net.dropout
    return np.where(kept, 1.0 / (1.0 - net.dropout), 0.0).astype(net.dtype, copy=False)


@contextlib.contextmanager
def dropped(net, keep):
    """Within it, the hidden neurons' outputs are multiplied by `keep` (draw_keep's for one
    sample: one row; None: nothing dropped); afterwards every neuron is kept whole again."""
    if keep is None:
        yield
        return
    hidden = [layer.store.views().keep[1:] for layer in net.neuron_layers[1:-1]]
    try:
        start = 0
        for view in hidden:
            view[...] = keep[0, start:start + view.shape[0]]
            start += view.shape[0]
        yield
    finally:
        for view in hidden:
            view[...] = 1.0


def state_of(net):
    """What learning (or a callback) changes: the network's optimiser, and copies of each
    link layer's training rate, weights, optimiser settings (with its step count), velocity
    and moments."""
    return net.optimizer, [(links.training_rate, [np.array(view) for view in
                                                  links.store.views()])
                           for links in net.link_layers]


def set_state(net, state):
    """Put back what state_of copied."""
    optimizer, layers = state
    if net.optimizer != optimizer:
        net.optimizer = optimizer  # (which starts it afresh: the numbers are put back next)
    for links, (rate, saved) in zip(net.link_layers, layers):
        links.training_rate = rate
        for view, numbers in zip(links.store.views(), saved):
            view[...] = numbers


def checked_validation(validation_data, check):
    """None, or validation_data as check(inputs, expected, *names) gives the pair back."""
    if validation_data is None:
        return None
    try:
        inputs, expected = validation_data
    except (TypeError, ValueError):
        raise TypeError("validation_data must be a pair (inputs, expected_outputs)") from None
    return check(inputs, expected, "validation inputs", "validation expected_outputs")


def checked_rates(schedule, every, epochs, steps, optimizer):
    """Each epoch's training rate from `schedule`, every one asked for and checked before
    the first epoch starts: with every="epoch", schedule(epoch); with "step", an array of
    the rates of the epoch's `steps` steps, step i's schedule(epoch + i / steps). Without a
    schedule, None (every rate kept): no list as long as `epochs`, which may be a great
    many when `patience` is to stop it."""
    if every not in ("epoch", "step"):
        raise ValueError(f'schedule_every must be "epoch" or "step", not {every!r}')
    if schedule is None:
        return None
    if not callable(schedule):
        raise TypeError(f"schedule must be a function of the epoch, not {schedule!r}")
    if every == "epoch":
        return [with_rate(optimizer, schedule(epoch)).training_rate for epoch in range(epochs)]
    return [np.array([with_rate(optimizer, schedule(epoch + i / steps)).training_rate
                      for i in range(steps)]) for epoch in range(epochs)]


def checked_patience(patience, validation):
    """`patience` (None or a positive int), checked, and validation data there to watch."""
    if patience is None:
        return None
    patience = positive_int(patience, "patience")
    if validation is None:
        raise ValueError("patience needs validation_data: it watches val_loss")
    return patience


def checked_callbacks(callbacks):
    """`callbacks` (None or a sequence of callables) as a tuple; TypeError if not that."""
    if callbacks is None:
        return ()
    if callable(callbacks):
        return (callbacks,)
    try:
        callbacks = tuple(callbacks)
    except TypeError:
        raise TypeError(f"callbacks must be a list of functions, not {callbacks!r}") from None
    for callback in callbacks:
        if not callable(callback) or not takes_three(callback):
            raise TypeError(f"each callback must be a function of (network, epoch, "
                            f"history), not {callback!r}")
    return callbacks


def takes_three(function):
    """Whether `function` can be called with three arguments (True if Python cannot say,
    as for some built-ins): checked before training, not after its first epoch."""
    try:  # (its own signature: a functools.wraps wrapper's, not the wrapped function's)
        signature = inspect.signature(function, follow_wrapped=False)
    except (TypeError, ValueError):  # none to read
        return True
    try:
        signature.bind(None, 0, None)
    except TypeError:
        return False
    return True


def stops(callback, answer):
    """Whether a callback's answer asks training to stop: None or false goes on."""
    try:
        return answer is not None and bool(answer)
    except (TypeError, ValueError):  # an array of several numbers, say
        raise TypeError(f"a callback returns None or False to go on, True to stop; "
                        f"{callback!r} returned {answer!r}") from None


def record(history, prefix, score, samples):
    """Add an epoch's mean cost and share of rows right to the history."""
    history[prefix + "loss"].append(float(score[0] / samples))
    history[prefix + "accuracy"].append(float(score[1] / samples))


def warn_if_diverged(history, epoch):
    """Warn, at the first epoch of a train call whose loss is NaN or infinite, that
    training has diverged: every epoch after it would say the same, and the weights are
    likely NaN or infinite too, which save and copy refuse."""
    loss = history["loss"][-1]
    if not np.isfinite(loss) and all(np.isfinite(history["loss"][:-1])):
        warnings.warn(f"training diverged: the loss of epoch {epoch} (counted from 0, as "
                      f"in the history) is {loss}. Try a smaller training_rate (or "
                      f"weight_decay), or inputs of about 1", RuntimeWarning, stacklevel=4)


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
