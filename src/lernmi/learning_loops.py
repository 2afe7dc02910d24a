"""The loops that learn: a network's samples one at a time, or a batch at a time.

`learn_rows`, which Python calls, checks everything it is given, then runs the loops with the
GIL released: one step per sample (`learn_samples`) or per batch (`learn_batches`), either
shared by a team of threads (team.py) that each take some rows of every layer of links
forward, and back the same rows in turn (by the batch, some columns, and some samples
through the output layer), meeting at a barrier between a step and the next one that reads
what it wrote or overwrites what it read. Every number is worked out by exactly the
operations one thread would use, in the same order: the same weights, bit for bit, on any
number of threads.
"""

import numpy as np

import cython

from ._checks import plain_array, positive_int
from .activations import activation_code
from .network_loops import network_sizes
from .reals import DTYPE
from .rooms import Rows
from .team import Team, run

#: The most threads learn_rows shares a network among.
MAX_THREADS = 256

if not cython.compiled:
    # Compiled, these are C functions and constants (see learning_loops.pxd).
    from .activations import compute_outputs, compute_sensitivities, keep_all, load_layer
    from .activations import reset_sums
    from .costs import is_correct, sample_cost, submit_expected
    from .deferred import keep_outputs, keep_step, kept_at, own_inputs, step_kept
    from .network_loops import drop, link_layer, prefetch_sample, reset_sample, sample_links
    from .network_loops import set_rates, worked_out
    from .propagation import Part, backpropagate_links, learn_links, propagate_links
    from .propagation import send_back_rows, some_rows, some_samples, whole
    from .rooms import scratch_for
    from .steps import SETTINGS, count_step, plain_step
    from .team import part_of, send_back_in_turn, shareable, split_layers, wait
    from .transposed import hold, learn_layer, let_go, propagate_layer


# --- one sample at a time, on a team of threads ------------------------------------------------

def ready_rows(net, n, rows, r, team, t):
    """Thread t's part of readying the store n for the row order[r], the input layer aside:
    in each hidden layer, the neurons its rows of links feed (team.part_of) have their sums
    reset and their dropout keep factors set, rows.keep[r]; thread 0 resets the output
    layer."""
    last = net.layers - 1
    col = 0
    for l in range(1, last):
        part = part_of(net, team, l - 1, t)
        reset_sums(n, net.first[l] + part.row0, part.row1 - part.row0 + 1)
        if rows.keep.shape[1] > 0:
            for j in range(part.row0, part.row1):
                n.keep[net.first[l] + 1 + j] = rows.keep[r, col + j]
        col += net.first[l + 1] - net.first[l] - 1
    if t == 0:
        reset_sums(n, net.first[last], net.first[last + 1] - net.first[last])


def load_row(net, n, rows, r):
    """The input layer of n loaded with the row order[r] (activations.load_layer); if its
    neurons are identity ones, its delta and direct, which learn_samples never writes, are
    zeroed for the first row only. Past the last row, nothing."""
    if r < rows.order.shape[0]:
        load_layer(n, net.first[0], rows.x, rows.order[r], rows.identity, r > 0)
    if r + 1 < rows.order.shape[0]:  # (shuffled, the rows lie anywhere in memory)
        prefetch_sample(rows.x, rows.t, rows.order[r + 1])


def learn_samples(net, n, rows, score, team, own):
    """Thread own.t's part, in `team` (None: a team of one, own.t = 0), of one optimiser
    step on each input x[k] with expected output t[k], for k in rows.order (rows.x, rows.t).

    The same steps as Network.learn: forward; the output layer gets its errors from the
    cost; then each link layer, the last first, has the layer it feeds work out its
    sensitivities and sends them back, stepping its weights by their rule. Each sample's
    cost, and whether the output was right before the step, is added to score[0] and
    score[1]. n is the network's own store, net.neurons. Every layer of links but the one
    into the output layer (unless it is the only one) takes its step in the next sample's
    forward pass, in one pass over each row with that sample's sums (deferred.py).

    Shared among threads, a layer of links that feeds a hidden layer is split by rows.
    Forward, each thread steps its rows, works out their sums and outputs, and readies their
    neurons for the next sample (`ready_rows`); back, it sends back through them, taking
    turns at each chunk of columns so that each sum takes the rows in order as on one
    thread (team.send_back_in_turn), then works out the sensitivities its rows of the next
    links back read. The links into the output layer, the cost and the output layer are
    thread 0's alone: they are few. Meanwhile each thread copies the next sample's inputs
    into its own room for its rows (deferred.own_inputs, identity input neurons), or else
    another thread (the `loader`) loads them into n. The threads meet at a barrier after
    each hidden layer's outputs and after its sensitivity sums, the steps that read what
    other threads wrote.
    """
    t = own.t
    last = net.layers - 1
    loader = 0 if team is None else 1
    inputs = link_layer(net, 0, 1)
    if rows.order.shape[0] > 0:
        if t == loader:
            load_row(net, n, rows, 0)
        ready_rows(net, n, rows, 0, team, t)
        wait(team, t)
        if own.loaded is not n:  # the first row into this thread's own copy too
            own_inputs(n, rows.x, rows.order, -1, own.kept0, own.loaded)
    for r in range(rows.order.shape[0]):
        for l in range(last):
            alone = l == last - 1  # the links into the output layer: thread 0's
            if alone and t > 0:
                break
            links = sample_links(net, rows.rates, l, r - 1)
            part = whole(links) if alone else part_of(net, team, l, t)
            if r > 0 and l == 0:  # the last sample's step, then its sums
                step_kept(net.w, own.moments, links, own.kept0, own.loaded, part)
            elif r > 0 and not alone:
                step_kept(net.w, own.moments, links, own.kept[kept_at(net, l):], n, part)
            else:
                propagate_links(net.w, some_rows(links, part.row0, part.row1 - part.row0),
                                n, n, net.pack)
            fed = net.first[l + 1] + (0 if t == 0 else 1 + part.row0)  # bias: thread 0's
            compute_outputs(n, fed, net.first[l + 1] + 1 + part.row1 - fed)
            if not alone:
                wait(team, t)
        keep_outputs(net, n, own.kept, team, t)
        if own.loaded is not n:  # each thread its own inputs: kept, and the next ones
            own_inputs(n, rows.x, rows.order, r, own.kept0, own.loaded)
        elif t == loader:  # the inputs kept for the input layer's step, the next ones loaded
            keep_step(inputs, n, n, net.pack, Part(row0=0, row1=0, col0=0, col1=inputs.cols))
            load_row(net, n, rows, r + 1)
        if t == 0:
            out = net.first[last]
            k = rows.order[r]
            score[0] += sample_cost(net.cost, n, out, rows.t, k)
            score[1] += is_correct(n, out, rows.t, k)
            submit_expected(net.cost, n, out, rows.t, k)
        for l in range(last - 1, -1, -1):
            links = sample_links(net, rows.rates, l, r)
            if l == last - 1:  # thread 0's alone
                if t == 0:
                    out = net.first[last]
                    compute_sensitivities(n, out, net.first[last + 1] - out)
                    if l == 0:  # its sensitivities (the loader kept its inputs)
                        keep_step(links, n, n, net.pack,
                                  Part(row0=0, row1=links.rows, col0=0, col1=0))
                    elif plain_step(links.rule):
                        backpropagate_links(net.w, links, n, n, whole(links))
                    else:  # (no room to pack: net.pack holds what the steps kept)
                        learn_links(net.w, own.moments, links, n, n, net.pack[:0])
                    if l > 0:
                        compute_sensitivities(n, net.first[l], net.first[l + 1] - net.first[l])
                wait(team, t)
                continue
            part = part_of(net, team, l, t)
            keep_step(links, n, n, own.kept0 if l == 0 else own.kept[kept_at(net, l):],
                      Part(row0=part.row0, row1=part.row1, col0=0, col1=0))
            if l > 0:
                send_back_in_turn(net, n, team, t, l, r)
                wait(team, t)
                # The sensitivities its rows of the next links back read, and only it.
                part = part_of(net, team, l - 1, t)
                part.col0, part.col1 = 1 + part.row0, 1 + part.row1
                worked_out(net, n, l, part, 0, 1)
        if r + 1 < rows.order.shape[0]:
            ready_rows(net, n, rows, r + 1, team, t)
    if rows.order.shape[0] > 0:
        wait(team, t)  # every layer's kept numbers written
        for l in range(max(last - 1, 1)):
            links = sample_links(net, rows.rates, l, rows.order.shape[0] - 1)
            step_kept(net.w, own.moments, links,
                      own.kept0 if l == 0 else own.kept[kept_at(net, l):], None,
                      part_of(net, team, l, t))
        # Every layer's steps counted, and the last step's rate set, once no thread reads
        # the settings any more.
        wait(team, t)
        if t == 0:
            for l in range(last):
                for r in range(rows.order.shape[0]):
                    count_step(net.settings, l * SETTINGS)
            set_rates(net, rows.rates, rows.order.shape[0] - 1)
            if own.loaded is not n:  # the store left as the loader would leave it
                load_row(net, n, rows, rows.order.shape[0] - 1)


def take_part(net, n, rows, score, team, own):
    """Thread own.t's part of learn_samples (batches of one) or learn_batches, without the GIL."""
    with cython.nogil:
        if rows.batch == 1:
            learn_samples(net, n, rows, score, team, own)
        else:
            learn_batches(net, n, rows, score, team, own)


def _take(part, team):
    """take_part for team.run: part is (net, n, rows, score, own)."""
    net, n, rows, score, own = part
    take_part(net, n, rows, score, team, own)


# --- a batch at a time ---------------------------------------------------------------------------

def learn_batches(net, n, rows, score, team, own):
    """Thread own.t's part, in `team` (None: a team of one), of one optimiser step per batch
    of rows.order, on the gradient averaged over its samples: the rows order[0:batch],
    order[batch:2 batch], ..., the last batch perhaps smaller, batch being rows.batch; the
    store n holds that many samples' neurons (an input layer of identity neurons has its
    delta and direct, never written here, zeroed by the first batch only: load_layer; or
    is not loaded at all, `direct` below).

    Each batch: every sample forward; the output layer's errors from the cost; then each
    link layer, the last first, has the layer it feeds work out every sample's
    sensitivities, and learns (propagation.learn_links): sends them back, sums each row's
    gradient over the samples, and steps the row by its rule. The cost and rightness of each
    sample before the step go to score as in learn_samples. The links out of the input layer
    may be held transposed meanwhile (own.inputs, transposed.py: the same numbers).

    Shared among threads: each starts its share of the batch's samples, and takes them
    through the links into the output layer, the cost, and back to the layer below, whose
    sensitivities it then works out; forward, each takes its rows (team.part_of) of the
    links into a hidden layer, for every sample, as in learn_samples; back, each first
    sends every row's sensitivities back through the columns from its share of the neurons
    feeding, and once all have (the steps change the weights sent back through), sums the
    gradients of, and steps, its rows, packing and summing in its own scratch room (`own`).
    Thread 0 counts every layer's step (and sets its rate, rows.rates) first, and adds up
    the samples' costs in order.
    """
    t = own.t
    threads = 1 if team is None else team.threads
    last = net.layers - 1
    stride = net.first[last + 1]
    start = 0
    hold(own.inputs, net, own.moments, team)
    # Held, the kernels read the inputs where they lie: none is loaded. Every thread of a
    # team with rows holds them, or none does; a thread alone only if it has every row.
    # (Without a hidden layer the links out of the input layer would take each thread's
    # samples forward apart, only the first at sample 0: no team shares such a network.)
    direct = last > 1 and own.inputs is not None and own.inputs.held
    wait(team, t)  # (hold reads the settings, which thread 0 counts in below)
    while start < rows.order.shape[0]:
        samples = min(rows.batch, rows.order.shape[0] - start)
        b0, b1 = samples * t // threads, samples * (t + 1) // threads  # the thread's samples
        if own.inputs is not None:
            own.inputs.first = start
        for b in range(b0, b1):
            if b + 1 < b1:  # (shuffled, the rows lie anywhere in memory)
                prefetch_sample(rows.x, rows.t, rows.order[start + b + 1])
            reset_sample(net, n, b)  # then its input layer, first in the store (first[0] = 0)
            if not direct:
                load_layer(n, b * stride, rows.x, rows.order[start + b], rows.identity, start > 0)
            drop(net, n, b, rows.keep, start + b)
        if t == 0:  # (while no other thread reads the settings or rates)
            for l in range(last):
                count_step(net.settings, l * SETTINGS)
            set_rates(net, rows.rates, start // rows.batch)
        wait(team, t)
        for l in range(last - 1):  # the links into a hidden layer: each thread its rows
            links = link_layer(net, l, samples)
            part = part_of(net, team, l, t)
            propagate_layer(own.inputs, net.w,
                            some_rows(links, part.row0, part.row1 - part.row0), n, own.pack)
            for b in range(samples):
                fed = b * stride + net.first[l + 1] + (0 if t == 0 else 1 + part.row0)
                compute_outputs(n, fed, b * stride + net.first[l + 1] + 1 + part.row1 - fed)
            wait(team, t)
        # The links into the output layer forward, the cost, and back: each thread its
        # samples, each sample's cost and rightness kept for thread 0 to add in order.
        links = some_samples(link_layer(net, last - 1, samples), b0, b1 - b0)
        if b1 > b0:
            propagate_layer(own.inputs, net.w, links, n, own.pack)
        for b in range(b0, b1):
            k = rows.order[start + b]
            out = b * stride + net.first[last]
            compute_outputs(n, out, net.first[last + 1] - net.first[last])
            rows.scored[b, 0] = sample_cost(net.cost, n, out, rows.t, k)
            rows.scored[b, 1] = is_correct(n, out, rows.t, k)
            submit_expected(net.cost, n, out, rows.t, k)
            compute_sensitivities(n, out, net.first[last + 1] - net.first[last])
        if last > 1 and b1 > b0:
            send_back_rows(net.w, links, n, n, whole(links))
            worked_out(net, n, last - 1, whole(links), b0, b1)
        wait(team, t)
        if t == 0:
            for b in range(samples):
                score[0] += rows.scored[b, 0]
                score[1] += rows.scored[b, 1]
        for l in range(last - 1, -1, -1):
            links = link_layer(net, l, samples)
            part = part_of(net, team, l, t)
            mine = some_rows(links, part.row0, part.row1 - part.row0)
            if 0 < l < last - 1:  # (the links into the output layer sent back above)
                part.row0, part.row1 = 0, links.rows  # every row, some columns
                send_back_rows(net.w, links, n, n, part)
                worked_out(net, n, l, part, 0, samples)
                wait(team, t)  # every row sent back before any row steps
            mine.send_back = False
            learn_layer(own.inputs, net.w, own.moments, mine, n, own.pack)
        wait(team, t)  # before the next batch loads over these samples
        start += samples
    let_go(own.inputs, net, own.moments)


# --- what Python may call: checked, then run without the GIL ------------------------------------

@cython.boundscheck(True)  # reached from Python: every index checked
def learn_rows(net, x, t, order, score, batch=1, keep=None, threads=1, rates=None):
    """Learn from the rows `order` of x and t, with the GIL released, in batches of `batch`
    rows (the last perhaps smaller), adding each row's cost and whether it was right,
    measured just before learning from it, to score[0] and score[1].

    With dropout, keep[r] holds the keep factors of the hidden neurons (the hidden layers'
    learning neurons in order) for the row order[r]; None: every neuron kept whole. Batches
    of one are learn_samples, larger ones learn_batches, on `threads` threads if the
    network is `shareable` (else on one: the same numbers). rates[i], if given, is every
    link layer's training rate for the i-th step, which the layers keep after the last
    (the Network's optimizer is train's to set).
    x and t must be C-contiguous matrices of reals, one row per sample, that fit `net`;
    `order` an array of numpy.intp whose every number is one of their rows; score a
    writable array of two float64 numbers; batch and threads positive ints; rates, float64
    numbers 0 or more, one per step.
    """
    sizes = network_sizes(net)
    x = plain_array(x, DTYPE, 2, "x", columns=sizes[0])
    t = plain_array(t, DTYPE, 2, "t", rows=x.shape[0], columns=sizes[-1])
    order = plain_array(order, np.intp, 1, "order")
    score = plain_array(score, np.float64, 1, "score", rows=2, writable=True)
    if order.shape[0] and not (0 <= order.min() and order.max() < x.shape[0]):
        raise ValueError(f"order must hold row numbers from 0 to {x.shape[0] - 1}")
    batch, threads = positive_int(batch, "batch"), positive_int(threads, "threads")
    # A batch larger than the rows is all of them, however large (or a C size could not
    # hold it); but at least 2, since batches of 1 are learn_samples's, not learn_batches's.
    if batch > 2:
        batch = min(batch, max(order.shape[0], 2))
    if threads > MAX_THREADS:
        raise ValueError(f"threads must be at most {MAX_THREADS}, not {threads}")
    keep = np.ones((0, 0), DTYPE) if keep is None else \
        plain_array(keep, DTYPE, 2, "keep", rows=order.shape[0], columns=sum(sizes[1:-1]))
    rates = np.zeros(0, np.float64) if rates is None else plain_array(
        rates, np.float64, 1, "rates", rows=-(-order.shape[0] // int(batch)))
    if not np.all(np.isfinite(rates) & (rates >= 0.0)):
        raise ValueError("rates must be finite numbers, 0 or more")
    kinds = net.layer_store(0).views().kind[1:]  # the input layer's learning neurons
    rows = Rows(x, t, order, keep, int(batch), bool(np.all(kinds == activation_code("identity"))),
                rates)
    # One row a step in the network's own store, as Network.learn leaves it; a batch in a
    # scratch store of a batch's samples.
    learn_epoch(net, None if batch == 1 else net.scratch(min(int(batch), order.shape[0] or 1)),
                rows, score, int(threads))


def learn_epoch(net, n, rows, score, threads):
    """learn_samples or learn_batches, as rows.batch says, in the store n (None: the
    network's own), on `threads` threads if the network is `shareable`, with the GIL
    released (other Python threads run meanwhile); then every neuron of n is kept whole."""
    if n is None:
        n = net.neurons
    try:
        if threads > 1 and shareable(net):
            team = Team(threads)
            split_layers(net, n, team)
            run(team, _take, [(net, n, rows, score, scratch_for(net, team, t, rows))
                              for t in range(threads)])
        else:
            take_part(net, n, rows, score, None, scratch_for(net, None, 0, rows))
    finally:
        if rows.keep.shape[1] > 0:
            keep_all(n)
