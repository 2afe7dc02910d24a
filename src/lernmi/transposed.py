"""The input layer's links held transposed while batches learn, when its inputs are mostly 0.

A batch's tiles (propagation.py) take each row of weights for eight samples at once, and
leave out only the inputs that are +0.0 in a whole GROUP of 32 samples: on MNIST, 450 of
784 columns are taken although each image has 150 pixels that are not 0. Held column by
column instead (transposed.h), the weights out of input i are a run of every row, and a
sample adds the columns of only its own inputs that are not 0 to every row's sums at once;
back, a column's gradient sums only the samples whose input there is not +0.0. Each
number is still the one the rows' loops give, in the same order, bit for bit
(transposed.h says why for the terms left out). On MNIST in a C harness, 784 x 100 and
groups of 32, a group's forward pass and gradient took 0.063 ms instead of 0.10.

learning_loops.learn_batches uses it (`inputs_for`) for the links out of the input layer
of a network learning in batches from inputs at least half +0.0, its input neurons
identity ones, on a CPU with AVX-512: each thread of a team (or a thread alone) copies its
rows' weights, with the rule's velocity or moments, in (`hold`) at the start, and out
(`let_go`) at the end, so that between two calls nothing else sees the difference.
Anywhere else the rows' tiles take the layer. The kernels read each sample's inputs where
they lie, its row of x, as the input layer would hold them once loaded; where nothing else
reads that layer (a hidden layer follows it), learn_batches loads none.
"""

import numpy as np

import cython

from .stores import zeros

if not cython.compiled:
    # Compiled, these are C functions (see transposed.pxd).
    from .network_loops import link_layer
    from .propagation import learn_links, propagate_links, some_rows
    from .steps import ADAM, PLAIN, step_weights
    # (and vector.h's lernmi_mean_step, which the source never calls)

#: Inputs of +0.0 worth holding a layer transposed for: this share of them or more.
BLANK = 0.5

#: Whether this build and CPU have the kernels (compiled, x86-64 Linux, AVX-512).
READY = bool(lernmi_t_ready()) if cython.compiled else False


class Transposed:
    """Rows row0 to row0 + rows - 1 of a layer of links with `cols` columns, held column by
    column (transposed.h): their weights w, beside their rule's numbers m and v and room for
    their gradient g, in the same layout, and the scratch the kernels need for batches of
    up to `batch` samples: room, and masks (64-bit masks, held as doubles). The kernels
    read the samples' inputs where they lie, the rows `order` of x (transposed.h's
    lernmi_t_rows), the batch's from order[first] on: nothing loads them. `listed` is
    what the last forward pass returned while its masks are still there, else -1;
    `finite`, whether every weight is finite (1, 0; -1: not known), as the last step
    found; `held`, whether hold has copied the rows in; `start`, where the rows start in
    the network's weights."""

    def __init__(self, row0, rows, cols, batch, x, order):
        size = lernmi_t_size(rows, cols)
        self.x, self.order, self.first = x, order, 0
        self.w, self.m, self.v, self.g = zeros(size), zeros(size), zeros(size), zeros(size)
        self.room = zeros(lernmi_t_room(rows))
        self.masks = zeros(lernmi_t_masks(cols, batch), np.float64)  # 64-bit words
        self.row0, self.rows, self.cols, self.start = row0, rows, cols, 0
        self.listed, self.finite, self.held = -1, -1, False


def inputs_for(net, x, order, batch, row0, rows):
    """A Transposed for rows row0 to row0 + rows - 1 of net's links out of its input layer
    (the rows one thread of a team takes), if learning from the rows `order` of x in
    batches of `batch` is better done so (see the module's docstring: the first 256 rows of
    order tell whether their inputs are mostly +0.0); else None."""
    batch = min(batch, np.asarray(order).shape[0])  # (room for the samples there are)
    if not READY or batch < 2 or rows < 1:
        return None
    some = np.ascontiguousarray(np.asarray(x)[np.asarray(order)[:256]])
    bits = some.view(f"u{some.itemsize}")  # 0 only for +0.0
    if some.size == 0 or np.count_nonzero(bits) > (1.0 - BLANK) * some.size:
        return None
    links = some_rows(link_layer(net, 0, 1), row0, rows)
    held = Transposed(row0, rows, links.cols, batch, x, order)
    held.start = links.start
    return held


def hold(t, net, moments, team):
    """Copy t's rows of net's links out of its input layer, their weights and their rule's
    m and v (moments.m and moments.v), into t, column by column, if t is not None: unless
    t has only some rows and `team` is None (a thread alone takes every row: team.run's
    thread 0 when the others did not start)."""
    if t is not None and (team is not None or t.rows == link_layer(net, 0, 1).rows):
        copy(t, net, moments, 0)
        t.held, t.finite = True, -1


def let_go(t, net, moments):
    """Copy t's weights, m and v back where hold copied them from: hold undone."""
    if t is not None and t.held:
        copy(t, net, moments, 1)
        t.held = False


def copy(t, net, moments, back):
    """hold's copies (let_go's, `back`): of m and v only if the links' rule keeps them."""
    links = some_rows(link_layer(net, 0, 1), t.row0, t.rows)
    copy_array(net.w, t.w, links, back)
    if links.rule.kind != PLAIN:
        copy_array(moments.m, t.m, links, back)
    if links.rule.kind == ADAM:
        copy_array(moments.v, t.v, links, back)


def copy_array(w, held, links, back):
    """The links' rows of w into held, column by column (or back)."""
    lernmi_t_copy(cython.address(w[links.start]), links.rows, links.cols,
                  cython.address(held[0]), back)


def takes(t, links):
    """Whether t holds these links: rows of the links out of the input layer (the layer
    whose outputs start a sample's store), held."""
    return t is not None and t.held and links.source == 0 and links.rows == t.rows \
        and links.start == t.start


def propagate_layer(t, w, links, n, pack):
    """propagation.propagate_links for the links in the store n (source and target); by
    their weights held transposed, if t holds them (`takes`)."""
    if not takes(t, links):
        propagate_links(w, links, n, n, pack)
        return
    t.listed = lernmi_t_forward(
        cython.address(t.w[0]), links.rows, links.cols, cython.address(t.x[0, 0]),
        cython.address(t.order[t.first]), links.samples, cython.address(n.z[links.target + 1]),
        links.stride, cython.address(t.room[0]),
        cython.cast(cython.pointer(uint64_t), cython.address(t.masks[0])), t.finite)


def learn_layer(t, w, moments, links, n, pack):
    """propagation.learn_links for the links in the store n (source and target); if t holds
    them (`takes`: they send nothing back), by their weights held transposed: each weight's
    gradient summed over the samples, then one step of their rule."""
    if not takes(t, links):
        learn_links(w, moments, links, n, n, pack)
        return
    lernmi_t_gradient(
        cython.address(t.g[0]), links.rows, links.cols, cython.address(t.x[0, 0]),
        cython.address(t.order[t.first]), cython.address(n.s[links.target + 1]), links.stride,
        links.samples, t.listed, cython.address(t.room[0]),
        cython.cast(cython.pointer(uint64_t), cython.address(t.masks[0])))
    t.listed = -1
    rule = links.rule
    if rule.batch != 1.0 or rule.decay != 0.0:
        # step_weights's step, which also says whether every weight is finite after it
        t.finite = lernmi_mean_step(cython.address(t.w[0]), cython.address(t.m[0]),
                                    cython.address(t.v[0]), cython.address(t.g[0]),
                                    cython.address(rule), t.g.shape[0])
    else:
        step_weights(t.w, t.m, t.v, t.g, rule, 0)
        t.finite = -1
