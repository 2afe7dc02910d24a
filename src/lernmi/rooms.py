"""What the loops that learn (learning_loops.py) are given: the rows one call learns from
(`Rows`), and the room each thread of a team works in (`Scratch`, made by `scratch_for`).
"""

import numpy as np

import cython

from .stores import Moments, zeros
from .transposed import inputs_for

if not cython.compiled:
    # Compiled, these are C functions and constants (see rooms.pxd).
    from .deferred import own_copy
    from .network_loops import link_layer
    from .propagation import GROUP
    from .team import part_of


@cython.boundscheck(True)  # reached from Python: every index checked
class Rows:
    """What one learn_rows call learns from, checked by it: the inputs x and expected
    outputs t (a row per sample), the rows to learn from in `order`, dropout's keep factors
    for each (no columns: none), the rows per step, whether the input layer's learning
    neurons are all identity neurons (activations.load_layer), and each step's training
    rate (none: the network's); and room for each sample of a batch's cost and rightness,
    `scored`."""

    def __init__(self, x, t, order, keep, batch, identity, rates):
        self.x, self.t, self.order, self.keep = x, t, order, keep
        self.batch, self.identity, self.rates = batch, identity, rates
        self.scored = np.zeros((min(batch, order.shape[0]) if batch > 1 else 0, 2), np.float64)


class Scratch:
    """What thread t of a team works in (`scratch_for`): room to pack samples and sum a row's
    gradient in, beside the network's velocity and moments; `inputs`, its rows of the input
    layer's links held transposed or None; `kept`, net.pack in its own view (activations.pxd);
    `kept0` and `loaded`, what the input layer's links' deferred step keeps and the store
    it reads their inputs from: `kept` and the network's own, or the thread's own copies
    (deferred.own_copy)."""

    def __init__(self, t, pack, moments):
        self.t, self.pack, self.moments, self.inputs = t, pack, moments, None


def scratch_for(net, team, t, rows):
    """Thread t's Scratch in `team` (None: a team of one) for learning from `rows`: the
    network's own pack and moments for thread 0, room of its own (as big) beside the
    network's velocity and moments for any other; for batches of more than GROUP samples,
    room for the gradients of every row the thread steps in a layer (its part_of), and
    its rows of the input layer's links held transposed if transposed.inputs_for says so
    (and the input neurons are identity ones: their outputs are the x it looks at); one
    sample at a time with such input neurons and a hidden layer, its own copy of the
    inputs (deferred.own_copy, own_inputs)."""
    m, v, g = net.moments.views()
    size = g.shape[0]
    for l in range(net.layers - 1):
        links = link_layer(net, l, 1)
        part = part_of(net, team, l, t)
        mine = part.row1 - part.row0
        if l == 0:
            inputs = inputs_for(net, rows.x, rows.order, rows.batch, part.row0,
                                mine if rows.identity else 0)
        if rows.batch > GROUP:
            size = max(size, mine * links.cols)
    moments = net.moments if t == 0 and rows.batch <= GROUP else Moments(m, v, zeros(size))
    own = Scratch(t, net.pack if t == 0 else zeros(net.pack.shape[0]), moments)
    own.inputs, own.kept, own.kept0, own.loaded = inputs, net.pack, net.pack, net.neurons
    if rows.batch == 1 and rows.identity and net.layers > 2:  # (learn_samples, own_inputs)
        own.kept0, own.loaded = own_copy(net, link_layer(net, 0, 1))
    return own
