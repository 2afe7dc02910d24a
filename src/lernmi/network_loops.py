"""A whole network's numbers in a few arrays, and the loops that run it sample after sample.

A Network keeps every neuron's numbers in one NeuronStore and every weight in one array
(NetworkArrays); its NeuronLayers and LinkLayers are views into them. That lets `train`,
`predict` and `evaluate` run through whole sets of samples as one C loop with the GIL
released, doing for each sample exactly what the layers' own methods do one call at a time.
This module has the arrays, the forward pass, inference, and the steps of learning that
need only them; learning_loops.py the loops that learn.

The loops trust the arrays and the samples they are given. What Python can call,
`infer_rows` here and learning_loops.learn_rows, checks every shape and index against the
arrays first.
"""

import numpy as np

import cython

from ._checks import plain_array, refuse_second_init, valid_training_rate
from .costs import COSTS
from .optimizers import plain_settings
from .reals import DTYPE
from .stores import LinkStore, Moments, NeuronStore, new_store, zeros

if not cython.compiled:
    # Compiled, these are C functions and constants (see network_loops.pxd).
    from .activations import compute_outputs, compute_sensitivities, load_layer, reset_sums
    from .costs import is_correct, sample_cost
    from .propagation import GROUP, Links, Part, packed_size, propagate_links
    from .steps import SETTINGS, STEPS, rule_at


@cython.boundscheck(True)  # reached from Python: every index checked
@cython.initializedcheck(True)  # and the arrays' views only once they are made
class NetworkArrays:
    """The numbers of a whole network, each kind in one contiguous array.

    Layer l's neurons are first[l] (its bias neuron) to first[l + 1] - 1 of one NeuronStore;
    link layer l joins layer l to layer l + 1 and its weights are w[w0[l]:w0[l + 1]]. A
    Network's layers are views into these arrays (`layer_store`, `link_store`), so a change
    made through either is seen by both. The index tables `first` and `w0`, which the loops
    trust, are worked out here and never handed out.

    Parameters
    ----------
    kinds : list of int arrays
        Each layer's activation codes, its bias neuron's first.
    weights : list of float arrays
        Each link layer's weights, shape (learning neurons of layer l + 1, neurons of layer
        l); they are copied.
    eta : float
        The training rate of every link layer.
    cost : int
        The code of the cost (`costs.COSTS`) that the output layer learns from.
    settings : float array or None
        Every link layer's optimiser settings (`optimizers.settings_of`); None: plain
        gradient descent. What the optimiser keeps for each weight starts at zero.
    """

    def __init__(self, kinds, weights, eta, cost, settings=None):
        refuse_second_init(self, "layers")
        # Plain arrays first, and every size read from them: from what the loops will read.
        kinds = [np.asarray(k, dtype=np.intc) for k in kinds]
        weights = [np.asarray(w, dtype=DTYPE) for w in weights]
        if any(k.ndim != 1 for k in kinds):
            raise ValueError("each layer's activation codes must be a one-dimensional array")
        sizes = [k.shape[0] for k in kinds]
        shapes = [(sizes[l + 1] - 1, sizes[l]) for l in range(len(sizes) - 1)]
        if not shapes or [w.shape for w in weights] != shapes:
            raise ValueError(f"weights must have shapes {shapes} to join layers of {sizes}")
        codes = sorted(entry.code for entry in COSTS.values())
        if isinstance(cost, bool) or not isinstance(cost, (int, np.integer)) \
                or cost not in codes:
            raise ValueError(f"cost codes are {codes}, not {cost!r}")
        eta = valid_training_rate(eta)
        settings = plain_settings() if settings is None else np.array(settings, np.float64)
        if settings.shape != (SETTINGS,):
            raise ValueError(f"settings must be {SETTINGS} numbers, as "
                             f"optimizers.settings_of gives them")
        first = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
        w0 = np.concatenate([[0], np.cumsum([r * c for r, c in shapes])]).astype(np.intp)
        w = zeros(sum(r * c for r, c in shapes))
        np.concatenate([m.ravel() for m in weights], out=w)
        neurons = new_store(np.concatenate(kinds))
        moments = Moments(zeros(w.shape[0]), zeros(w.shape[0]), zeros(6 * max(sizes)))
        # Everything is made and checked above; nothing below can fail halfway.
        self.neurons, self.first, self.w0, self.w = neurons, first, w0, w
        self.eta = np.full(len(weights), eta, np.float64)
        self.settings = np.tile(settings, len(weights))
        self.moments = moments
        # Room for the tiles, and for what learn_samples keeps of each layer for its steps.
        self.pack = zeros(max(packed_size(max(sizes)), 2 * sum(sizes)))
        self.cost = int(cost)
        self.layers = len(sizes)

    def layer_sizes(self):
        """Learning neurons per layer, input layer first."""
        return tuple(int(self.first[l + 1] - self.first[l] - 1) for l in range(self.layers))

    def layer_store(self, l):
        """A NeuronStore over layer l's part of the arrays (views, not copies)."""
        self._check_layer(l, self.layers)
        start, stop = self.first[l], self.first[l + 1]
        return NeuronStore(*(view[start:stop] for view in self.neurons.views()))

    def link_store(self, l):
        """A LinkStore over link layer l's weights, training rate, optimiser settings and
        moments (views, not copies)."""
        self._check_layer(l, self.layers - 1)
        rows = self.first[l + 2] - self.first[l + 1] - 1
        cols = self.first[l + 1] - self.first[l]
        part = slice(self.w0[l], self.w0[l + 1])
        m, v, g = self.moments.views()
        settings = np.asarray(self.settings)[l * SETTINGS:(l + 1) * SETTINGS]
        return LinkStore(np.asarray(self.w)[part], np.asarray(self.eta)[l:l + 1], int(rows),
                         int(cols), settings, Moments(m[part], v[part], g[:6 * cols]))

    def scratch(self, samples=1):
        """A NeuronStore for `samples` samples at a time (inference takes up to ROWS,
        learn_batches a batch): its activation codes are the network's as they are now (a
        neuron may have been made a bias neuron)."""
        return new_store(np.tile(self.neurons.views().kind, samples))

    def _check_layer(self, l, count):
        # The loops index without bounds checks, so check the layer number here.
        if isinstance(l, bool) or not isinstance(l, (int, np.integer)):
            raise TypeError(f"a layer number must be an integer, not {l!r}")
        if not 0 <= l < count:
            raise IndexError(f"layer {l} of {count}")

    def __repr__(self):
        return (f"NetworkArrays(layers of {list(self.layer_sizes())} learning neurons, "
                f"{self.w.shape[0]:,} weights)")


def link_layer(net, l, samples):
    """Where link layer l's numbers lie, for `samples` samples (a store of the network's
    layout, sample b's neurons at b * the network's neurons), and how it steps: its rule for
    a gradient summed over those samples."""
    return links_at(net, l, samples, net.settings[l * SETTINGS + STEPS], net.eta[l])


def links_at(net, l, samples, k, eta):
    """link_layer's Links with the rule of the k-th step at training rate eta, whatever the
    step count in the settings (learn_samples counts its steps once it has taken them all)
    and the layer's rate."""
    stride = net.first[net.layers]
    return Links(start=net.w0[l], rows=net.first[l + 2] - net.first[l + 1] - 1,
                 cols=net.first[l + 1] - net.first[l], source=net.first[l],
                 target=net.first[l + 1], samples=samples, stride=stride, send_back=l > 0,
                 rule=rule_at(net.settings, l * SETTINGS, eta, samples, k))


def sample_links(net, rates, l, r):
    """link_layer(net, l, 1) for the step on the r-th sample (from 0) of a
    learning_loops.learn_samples call, which counts its steps at its end: its rule at the
    count it will have then, and at the step's rate in `rates`, if there are rates."""
    k = net.settings[l * SETTINGS + STEPS] + cython.cast(cython.double, r + 1)
    eta = rates[r] if 0 <= r < rates.shape[0] else net.eta[l]
    return links_at(net, l, 1, k, eta)


def set_rates(net, rates, step):
    """Every link layer's training rate set to rates[step], if rates has that many."""
    if step < rates.shape[0]:
        for l in range(net.layers - 1):
            net.eta[l] = rates[step]


def reset_sample(net, n, b):
    """Reset every layer of sample b in the store n but its input layer, which load_layer
    loads: their sums zeroed. Like every loop below, it runs without the GIL and trusts its
    caller."""
    stride = net.first[net.layers]
    for l in range(1, net.layers):
        reset_sums(n, b * stride + net.first[l], net.first[l + 1] - net.first[l])


def load_sample(net, n, b, x, k, identity):
    """Reset every layer of sample b in the store n, load its inputs x[k] and work out the
    input layer's outputs (the first steps of Network.run): reset_sample, then
    activations.load_layer. `identity` True says the input layer's learning neurons are all
    identity neurons; False, always safe, has each neuron's kind looked at."""
    reset_sample(net, n, b)
    load_layer(n, b * net.first[net.layers] + net.first[0], x, k, identity, False)


def forward(net, n, samples, pack):
    """Propagate the inputs loaded for samples 0 to samples - 1 (load_sample) to the output
    layer's outputs, as Network.run does. Sample b's neurons are at b * (neurons of the
    network) in the store n: the network's own for one sample, a scratch store for more. A
    batch is packed into `pack` for the tiles: learning's net.pack, or inference's Room's
    (if it has none, the rows take the samples four at a time: propagate_links)."""
    last = net.layers - 1  # the output layer
    stride = net.first[last + 1]
    for l in range(last):
        propagate_links(net.w, link_layer(net, l, samples), n, n, pack)
        for b in range(samples):
            compute_outputs(n, b * stride + net.first[l + 1], net.first[l + 2] - net.first[l + 1])


def prefetch_sample(x, t, k):
    """Ask for row k of x and of t, a sample's inputs and expected outputs, to be brought
    into the cache, without waiting for them (compiled; run as Python, nothing): a sample
    to be loaded soon."""
    if cython.compiled:
        lernmi_prefetch(cython.address(x[k, 0]), x.shape[1])
        lernmi_prefetch(cython.address(t[k, 0]), t.shape[1])


def drop(net, n, b, keep, r):
    """Dropout for sample b of the store n: its hidden neurons' keep factors from row r of
    `keep` (columns: the hidden layers' learning neurons in order), if it has columns."""
    if keep.shape[1] == 0:
        return
    stride = net.first[net.layers]
    col = 0
    for l in range(1, net.layers - 1):
        for i in range(net.first[l] + 1, net.first[l + 1]):
            n.keep[b * stride + i] = keep[r, col]
            col += 1


def worked_out(net, n, l, part, b0, b1):
    """The sensitivities, for samples b0 to b1 - 1, of layer l's learning neurons in the
    columns of `part` (of the links layer l feeds: column 1 + j comes from neuron j), their
    sums done."""
    stride = net.first[net.layers]
    c0 = max(part.col0, 1)
    for b in range(b0, b1):
        compute_sensitivities(n, b * stride + net.first[l] + c0 - 1, part.col1 - c0 + 1)


#: Rows inference takes through the weights at once (its Room's samples): a group of the
#: tiles' (more took no less time on MNIST) in a call of TILED rows or more; else BLOCK, the
#: four rows of vector.h's lernmi_dot4_add, for which the Room needs no pack. A Room for
#: the tiles costs about a millisecond to make (its arrays' pages first touched), which
#: calls of a few dozen rows took longer for than they gained.
ROWS = GROUP
BLOCK = 4
TILED = 256


@cython.boundscheck(True)  # reached from Python: every index checked
class Room:
    """Room for inference (infer_samples) to take `samples` rows at a time through `net`, of
    its own, so that many threads may infer with one network at once: a scratch store for
    their neurons (NetworkArrays.scratch), and, for more than BLOCK, room to pack them for
    the tiles (a batch's net.pack when learning)."""

    def __init__(self, net, samples):
        refuse_second_init(self, "samples")
        if not isinstance(net, NetworkArrays):
            raise TypeError(f"net must be a NetworkArrays, not {type(net).__name__}")
        if samples < 1:
            raise ValueError(f"a Room takes 1 sample at a time or more, not {samples}")
        self.n = net.scratch(samples)
        self.pack = zeros(packed_size(max(net.layer_sizes()) + 1) if samples > BLOCK else 0)
        self.samples = samples


def infer_samples(net, room, x, t, outputs, scores):
    """Every row k of x through the network, without learning: outputs[k] = the output
    layer's outputs if `outputs` has rows; if `t` has rows, scores[k] = (the row's cost
    against t[k], 1.0 if the network got it right else 0.0).

    room.samples rows at a time, in `room` (a Room for net), leaving the network's own
    arrays to other threads; each row's numbers are those it would get alone (the tiles
    that take a batch give each sample the same sums as one by one: propagation.py).
    """
    last = net.layers - 1
    stride = net.first[last + 1]
    for block in range((x.shape[0] + room.samples - 1) // room.samples):
        start = block * room.samples
        samples = min(room.samples, x.shape[0] - start)
        for b in range(samples):
            load_sample(net, room.n, b, x, start + b, False)
        forward(net, room.n, samples, room.pack)
        for b in range(samples):
            out = b * stride + net.first[last]
            if outputs.shape[0] > 0:
                for j in range(outputs.shape[1]):
                    outputs[start + b, j] = room.n.a[out + 1 + j]
            if t.shape[0] > 0:
                scores[start + b, 0] = sample_cost(net.cost, room.n, out, t, start + b)
                scores[start + b, 1] = is_correct(room.n, out, t, start + b)


# --- what Python may call: checked, then run without the GIL -------------------------------------

@cython.boundscheck(True)  # reached from Python: every index checked
def infer_rows(net, x, t, outputs, scores):
    """infer_samples on every row of x, with the GIL released, in a Room of its own (so that
    many threads may run it on one network at once).

    x must be a C-contiguous matrix of reals, one row per sample, that fits `net`; t and
    outputs the same with no rows, or one row per row of x, and scores (float64, two
    columns) no rows or one per row of x whenever t has them.
    """
    sizes = network_sizes(net)
    x = plain_array(x, DTYPE, 2, "x", columns=sizes[0])
    rows = x.shape[0]
    t = plain_array(t, DTYPE, 2, "t", rows=rows, columns=sizes[-1], empty=True)
    outputs = plain_array(outputs, DTYPE, 2, "outputs", rows=rows, columns=sizes[-1],
                          empty=True, writable=True)
    scores = plain_array(scores, np.float64, 2, "scores", rows=rows, columns=2,
                         empty=t.shape[0] == 0, writable=True)
    room = Room(net, ROWS if rows >= TILED else max(1, min(rows, BLOCK)))
    infer_epoch(net, room, x, t, outputs, scores)


@cython.boundscheck(True)  # reached from Python: every index checked
def network_sizes(net):
    """The learning neurons of each layer of `net`, a NetworkArrays (TypeError if not)."""
    if not isinstance(net, NetworkArrays):
        raise TypeError(f"net must be a NetworkArrays, not {type(net).__name__}")
    return net.layer_sizes()


def infer_epoch(net, room, x, t, outputs, scores):
    """infer_samples with the GIL released."""
    with cython.nogil:
        infer_samples(net, room, x, t, outputs, scores)
