"""A layer's step deferred to the next sample's forward pass, learning one sample at a time.

The input layer's weights would be read for a sample's forward pass, then read and written
for its step; and the next sample's forward pass needs row j only after row j's step. So
learning_loops.learn_samples keeps what a layer's step needs (`keep_step`, `keep_outputs`,
in net.pack at `kept_at`, or, for the input layer's links, in each thread's own room:
`own_copy`, `own_inputs`) and takes it in the same pass over each row as the next sample's
sums (`step_kept`): each weight is read and written once a sample instead of read twice and
written once, and the numbers are those of stepping at once. Every layer of links but the
one into the output layer (unless it is the only one) waits so.

A plain step taken in the next sample's pass also leaves out the columns where that
sample's inputs to the layer and the last one's are both 0, which would add only zeros:
those before the first and after the last column where either is not 0, past the first 16
(`live_columns`). In the input layer that is an image's blank border, on MNIST about a
quarter of each row; blank runs in between are taken. The last sample's step, at the end,
takes every column.
"""

import cython

from .stores import NeuronStore, zeros

if not cython.compiled:
    # Compiled, these are C functions (see deferred.pxd).
    from .network_loops import link_layer
    from .propagation import LANES, Part, added_up, row_dot, scaled
    from .steps import plain_step, step_weights
    from .team import part_of


def kept_at(net, l):
    """Where, in net.pack, link layer l keeps what its deferred step needs (keep_step,
    step_kept): the outputs of its cols input neurons, then the sensitivities of its rows.
    (Each layer's numbers start after the last one's; NetworkArrays makes room for all.)"""
    return net.first[l] + net.first[l + 1] - net.first[1]


def keep_step(links, src, dst, kept, part):
    """Keep what one sample's step of the links needs, for step_kept to take it later:
    kept[i] the output src.a of input neuron i, for the columns i of `part`, and
    kept[cols + j] the sensitivity dst.s that row j carries back, for its rows."""
    for i in range(part.col0, part.col1):
        kept[i] = src.a[links.source + i]
    for j in range(part.row0, part.row1):
        kept[links.cols + j] = dst.s[links.target + 1 + j]


def step_kept(w, moments, links, kept, after, part):
    """The step keep_step kept, for the rows of `part`, by the links' rule (for a batch of
    one): plain gradient descent without weight decay as propagation.row_step takes it,
    w[j, i] += -eta * s_j * a_i; any other rule as propagation.learn_links takes it, row
    j's gradient s_j * a_i in moments.g, then steps.step_weights with its velocity or moments.
    Given a store `after` (None: the step alone), the same pass over each row also adds to
    after.z the sums of the sample loaded in it, as propagation.propagate_links would for
    one sample after the step: each weight read and written once, the same numbers; a
    plain step then leaves out the columns where both samples' numbers are 0 (step_and_sum,
    such as an image's blank border), where it would add zeros."""
    plain = plain_step(links.rule)
    if plain and after is not None:
        live = live_columns(links, kept, after)
    for j in range(part.row0, part.row1):
        if plain and after is not None:
            after.z[links.target + 1 + j] += step_and_sum(w, links, j, kept, after.a, live)
            continue
        row = links.start + j * links.cols
        if not plain:
            if cython.compiled and after is not None:
                after.z[links.target + 1 + j] += lernmi_step_dot(
                    kept[links.cols + j], cython.address(kept[0]), cython.address(w[row]),
                    cython.address(moments.m[row]), cython.address(moments.v[row]),
                    cython.address(after.a[links.source]), cython.address(links.rule),
                    links.cols)
                continue
            scaled(moments.g, kept[links.cols + j], kept, links.cols)
            step_weights(w, moments.m, moments.v, moments.g[:links.cols], links.rule, row)
        else:
            alpha = -links.rule.rate * kept[links.cols + j]
            if cython.compiled:
                lernmi_axpy(alpha, cython.address(kept[0]), cython.address(w[row]), links.cols)
            else:
                for i in range(links.cols):
                    w[row + i] += alpha * kept[i]
        if after is not None:
            after.z[links.target + 1 + j] += row_dot(w, links, j, after.a, links.source)


def live_columns(links, kept, after):
    """The columns that step_and_sum takes for these links besides the first LANES: col0 to
    col1 - 1 of the Part returned, col0 a multiple of LANES. Past the first LANES, outside
    them, both the kept outputs (the last sample's) and after.a (this sample's) are 0, as in
    an image's blank border: there a plain step adds -eta * s_j * 0 to each weight, and
    the sum w * 0."""
    first = min(LANES, links.cols)
    while first < links.cols and kept[first] == 0.0 and after.a[links.source + first] == 0.0:
        first += 1
    end = links.cols
    while end > first and kept[end - 1] == 0.0 and after.a[links.source + end - 1] == 0.0:
        end -= 1
    return Part(row0=0, row1=0, col0=first - first % LANES, col1=end)


def step_and_sum(w, links, j, kept, x, live):
    """Row j's plain step, w[j, i] += -eta * s_j * kept[i] (s_j is kept[cols + j]), and then
    its sum of w[j, i] * x[source + i], as row_step and row_dot take them, in one pass over
    the row. It takes only the first LANES columns and those of `live` (live_columns): in
    the others both kept and x are 0, so the steps would add -eta * s_j * 0, which is 0
    when the step is finite (otherwise every column is taken), and the terms w * 0, which
    are 0 when w is finite. The weights are as if every column were taken (to a zero weight's
    sign), and so is the sum, unless a weight left out was infinite or NaN."""
    row = links.start + j * links.cols
    alpha = -links.rule.rate * kept[links.cols + j]
    lo, hi = live.col0, live.col1
    if not alpha - alpha == 0.0:  # infinite or NaN
        lo, hi = 0, links.cols
    head = LANES  # the first LANES, then the live columns
    if lo <= LANES:  # or all in one run
        head, lo = 0, 0
    if cython.compiled:
        return lernmi_axpy_dot(alpha, cython.address(kept[0]), cython.address(w[row]),
                               cython.address(x[links.source]), head, lo, hi)
    else:
        lanes = [0.0] * LANES
        for i in [*range(head), *range(lo, hi)]:
            wk = w[row + i] + alpha * kept[i]
            w[row + i] = wk
            lanes[i % LANES] += wk * x[links.source + i]
        return added_up(lanes)


def own_copy(net, links):
    """What own_inputs needs for a thread of net learning one sample at a time: room of its
    own for what the deferred step of the input layer's links (`links`) keeps, as keep_step
    lays it out, and a store whose outputs a are its own and whose other arrays are the
    network's (net.neurons), for step_kept to read the inputs from and add the sums to."""
    views = net.neurons.views()
    return zeros(links.cols + links.rows), NeuronStore(
        views.kind, views.z, views.delta, views.direct, zeros(views.z.shape[0]), views.s,
        views.keep)


def own_inputs(n, x, order, r, kept, loaded):
    """Learning one sample at a time, a thread's own copy of the input layer's outputs, in
    place of the store n's that one thread loads for all (learning_loops.learn_samples):
    kept[i] takes sample r's, loaded.a[i], for the input links' deferred step, then loaded.a
    those of the next row, order[r + 1] of x, if there is one, the numbers
    activations.load_layer gives the store (the bias's output, then (0.0 + x) * keep for
    each identity neuron). No thread then writes, each sample, what another one reads."""
    cols = x.shape[1] + 1
    for i in range(cols):
        kept[i] = loaded.a[i]
    if r + 1 >= order.shape[0]:
        return
    k = order[r + 1]
    loaded.a[0] = n.a[0]
    for i in range(1, cols):
        loaded.a[i] = (0.0 + x[k, i - 1]) * n.keep[i]
    if cython.compiled and r + 2 < order.shape[0]:  # the one after asked for
        lernmi_prefetch(cython.address(x[order[r + 2], 0]), x.shape[1])


def keep_outputs(net, n, kept, team, t):
    """Once a sample's forward pass is over, thread t keeps in `kept` (net.pack), for the
    deferred step of each middle layer of links (learn_samples), the outputs of the neurons
    its rows worked out (thread 0 the bias neuron's too). (own_inputs, or the loader, keeps
    the inputs.)"""
    for l in range(1, net.layers - 2):
        part = part_of(net, team, l - 1, t)
        keep_step(link_layer(net, l, 1), n, n, kept[kept_at(net, l):],
                  Part(row0=0, row1=0, col0=0 if t == 0 else 1 + part.row0, col1=1 + part.row1))
