"""A layer's step deferred to the next sample's forward pass, learning one sample at a time.

The input layer's weights would be read for a sample's forward pass, then read and written
for its step; and the next sample's forward pass needs row j only after row j's step. So
learning_loops.learn_samples keeps what a layer's step needs (`keep_step`, `keep_outputs`,
in net.pack at `kept_at`) and takes it in the same pass over each row as the next sample's
sums (`step_kept`): each weight is read and written once a sample instead of read twice and
written once, and the numbers are those of stepping at once. Every layer of links but the
one into the output layer (unless it is the only one) waits so.
"""

import cython

if not cython.compiled:
    # Compiled, these are C functions (see deferred.pxd).
    from .network_loops import link_layer
    from .propagation import Part, row_dot, scaled
    from .steps import plain_step, step_row
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
    j's gradient s_j * a_i in moments.g, then steps.step_row with its velocity or moments.
    Given a store `after` (None: the step alone), the same pass over each row also adds to
    after.z the sums of the sample loaded in it, as propagation.propagate_links would for
    one sample after the step: each weight read and written once, the same numbers."""
    plain = plain_step(links.rule)
    for j in range(part.row0, part.row1):
        row = links.start + j * links.cols
        end = row + links.cols
        if not plain:
            if cython.compiled and after is not None:
                after.z[links.target + 1 + j] += lernmi_step_dot(
                    kept[links.cols + j], cython.address(kept[0]), cython.address(w[row]),
                    cython.address(moments.m[row]), cython.address(moments.v[row]),
                    cython.address(after.a[links.source]), cython.address(links.rule),
                    links.cols)
                continue
            scaled(moments.g, kept[links.cols + j], kept, links.cols)
            step_row(w[row:end], moments.m[row:end], moments.v[row:end],
                     moments.g[:links.cols], links.rule)
        else:
            alpha = -links.rule.rate * kept[links.cols + j]
            if cython.compiled and after is not None:
                after.z[links.target + 1 + j] += lernmi_axpy_dot(
                    alpha, cython.address(kept[0]), cython.address(w[row]),
                    cython.address(after.a[links.source]), links.cols)
                continue
            if cython.compiled:
                lernmi_axpy(alpha, cython.address(kept[0]), cython.address(w[row]), links.cols)
            else:
                for i in range(links.cols):
                    w[row + i] += alpha * kept[i]
        if after is not None:
            after.z[links.target + 1 + j] += row_dot(w, links, j, after.a, links.source)


def keep_outputs(net, n, team, t):
    """Once a sample's forward pass is over, thread t keeps, for the deferred step of each
    middle layer of links (learn_samples), the outputs of the neurons its rows worked out
    (thread 0 the bias neuron's too). (The loader keeps the inputs.)"""
    for l in range(1, net.layers - 2):
        part = part_of(net, team, l - 1, t)
        keep_step(link_layer(net, l, 1), n, n, net.pack[kept_at(net, l):],
                  Part(row0=0, row1=0, col0=0 if t == 0 else 1 + part.row0, col1=1 + part.row1))
