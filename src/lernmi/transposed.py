"""The input layer's links held transposed while batches learn, when its inputs are mostly 0.

A batch's tiles (propagation.py) take each row of weights for eight samples at once, and
leave out only the inputs that are +0.0 in a whole GROUP of 32 samples: on MNIST, 450 of
784 columns are taken although each image has 150 pixels that are not 0. Held column by
column instead (transposed.h), the weights out of input i are a run of every row, and a
sample adds the columns of only its own inputs that are not 0 to every row's sums at once;
back, a column's gradient sums only the samples whose input there is not +0.0. Each
number is still the one the rows' loops give, in the same order, bit for bit
(transposed.h says why for the terms left out). On MNIST in a C harness, 784 x 100 and
groups of 32, a group's forward pass and gradient took 0.060 ms instead of 0.10.

learning_loops.learn_batches uses it (`inputs_for`) for the links out of the input layer
of a network learning alone on one thread from inputs at least half +0.0, on a CPU with
AVX-512: it copies the weights, with the rule's velocity and moments, in (`hold`) at the
start, and out (`let_go`) at the end, so that between two calls nothing else sees the
difference. Anywhere else the rows' tiles take the layer.
"""

import numpy as np

import cython

from .stores import zeros

if not cython.compiled:
    # Compiled, these are C functions (see transposed.pxd).
    from .network_loops import link_layer
    from .propagation import propagate_links
    from .steps import step_weights
    # (and vector.h's lernmi_mean_step, which the source never calls)

#: Inputs of +0.0 worth holding a layer transposed for: this share of them or more.
BLANK = 0.5

#: Whether this build and CPU have the kernels (compiled, x86-64 Linux, AVX-512).
READY = bool(lernmi_t_ready()) if cython.compiled else False


class Transposed:
    """A layer of `rows` x `cols` weights held column by column (transposed.h), beside its
    rule's numbers m and v and room for its gradient g, in the same layout, and the
    scratch the kernels need: room, and masks (64-bit masks, held as doubles). `listed` is
    what the last forward pass returned while its masks are still there, else -1; `finite`,
    whether every weight is finite (1, 0; -1: not known), as the last step found."""

    def __init__(self, rows, cols):
        size = lernmi_t_size(rows, cols)
        self.w, self.m, self.v, self.g = zeros(size), zeros(size), zeros(size), zeros(size)
        self.room = zeros(lernmi_t_doubles(rows))
        self.masks = zeros(lernmi_t_masks(cols))
        self.rows, self.cols, self.listed, self.finite = rows, cols, -1, -1


def inputs_for(net, x, order, batch):
    """A Transposed for net's links out of its input layer, if learning from the rows
    `order` of x in batches of `batch` on one thread is better done so (see the module's
    docstring: the first 256 rows of order tell whether their inputs are mostly +0.0);
    else None."""
    links = link_layer(net, 0, 1)
    if not READY or batch < 2:
        return None
    some = np.ascontiguousarray(np.asarray(x)[np.asarray(order)[:256]])
    if some.size == 0 or np.count_nonzero(some.view(np.uint64)) > (1.0 - BLANK) * some.size:
        return None
    return Transposed(links.rows, links.cols)


def hold(t, net, moments):
    """Copy the weights of net's links out of its input layer, and their rule's m and v
    (moments.m and moments.v), into t, column by column; nothing if t is None."""
    if t is not None:
        copy(t, net, moments, 0)
        t.finite = -1


def let_go(t, net, moments):
    """Copy t's weights, m and v back where hold copied them from: hold undone."""
    if t is not None:
        copy(t, net, moments, 1)


def copy(t, net, moments, back):
    """hold's copies (let_go's, `back`)."""
    links = link_layer(net, 0, 1)
    copy_array(net.w, t.w, links, back)
    copy_array(moments.m, t.m, links, back)
    copy_array(moments.v, t.v, links, back)


def copy_array(w, held, links, back):
    """The links' rows of w into held, column by column (or back)."""
    lernmi_t_copy(cython.address(w[links.start]), links.rows, links.cols,
                  cython.address(held[0]), back)


def propagate_layer(t, l, w, links, n, pack):
    """propagation.propagate_links for layer l's links in the store n (source and target);
    for the links out of the input layer (l = 0), by their weights held transposed in t
    if t is not None."""
    if l > 0 or t is None:
        propagate_links(w, links, n, n, pack)
        return
    t.listed = lernmi_t_forward(
        cython.address(t.w[0]), links.rows, links.cols, cython.address(n.a[links.source]),
        links.stride, links.samples, cython.address(n.z[links.target + 1]),
        cython.address(t.room[0]),
        cython.cast(cython.pointer(uint64_t), cython.address(t.masks[0])), t.finite)


def learn_inputs(t, links, n):
    """propagation.learn_links for the links (which send nothing back), in the store n, by
    their weights held transposed in t: each weight's gradient summed over the samples,
    then one step of their rule."""
    lernmi_t_gradient(
        cython.address(t.g[0]), links.rows, links.cols, cython.address(n.a[links.source]),
        links.stride, cython.address(n.s[links.target + 1]), links.samples, t.listed,
        cython.address(t.room[0]),
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
