"""What a layer of links does: carry outputs forward, sensitivities back, and learn.

Row j of a layer's weights holds the links into learning neuron j of the layer it feeds,
one from each neuron i of the layer feeding it (the bias neuron first), so that:

- forward, neuron j gets the input sum z_j += sum over i of w[j, i] * a_i;
- back, neuron i gets the sensitivity sum delta_i += sum over j of w[j, i] * s_j (using
  each weight from before its step, as one Link does);
- and each link learns from its gradient: the gradient of the cost with respect to a
  weight is the sensitivity it carries back times what it carried forward, s_j * a_i. Plain
  gradient descent steps each weight as the sensitivities are sent back,
  w[j, i] -= eta * s_j * a_i (`backpropagate_links`); any other optimiser, or a batch of
  samples, sums row j's gradient over the batch first and then steps the row by its rule
  (`learn_links`, steps.py).

A layer's numbers may be those of several samples at once, which lie `stride` apart in the
stores (see Links).

The long runs of numbers one row takes are vector.h's C functions when compiled; run as
Python, the same operations in the same order (see vector.h).
"""

import cython

if not cython.compiled:
    # Compiled, these are propagation.pxd's (LANES is vector.h's LERNMI_LANES).
    LANES = 16
    from .steps import Rule, step_row
    Links = cython.struct(start=cython.Py_ssize_t, rows=cython.Py_ssize_t,
                          cols=cython.Py_ssize_t, source=cython.Py_ssize_t,
                          target=cython.Py_ssize_t, samples=cython.Py_ssize_t,
                          stride=cython.Py_ssize_t, send_back=cython.bint, rule=Rule)


# --- one row of links ----------------------------------------------------------------------

def row_dot(w, links, j, x, xi):
    """The sum over i of w[j, i] * x[xi + i], taken in vector.h's fixed order."""
    row = links.start + j * links.cols
    if cython.compiled:
        return lernmi_dot(cython.address(w[row]), cython.address(x[xi]), links.cols)
    else:
        lanes = [0.0] * LANES
        for k in range(links.cols):
            lanes[k % LANES] += w[row + k] * x[xi + k]
        width = LANES // 2
        while width > 0:
            for k in range(width):
                lanes[k] += lanes[k + width]
            width //= 2
        return lanes[0]


def row_dot4_add(w, links, j, src, dst, first):
    """Row j's sums for four samples at once, first, first + 1, ..., first + 3:
    dst.z[b * stride + target + 1 + j] += row_dot(..., src.a, b * stride + source) for
    each of them, reading the row once for all four."""
    stride = links.stride
    if cython.compiled:
        lernmi_dot4_add(cython.address(w[links.start + j * links.cols]),
                        cython.address(src.a[first * stride + links.source]),
                        cython.address(dst.z[first * stride + links.target + 1 + j]), stride,
                        links.cols)
    else:
        for b in range(first, first + 4):
            dst.z[b * stride + links.target + 1 + j] += row_dot(w, links, j, src.a,
                                                                b * stride + links.source)


def row_step(w, links, j, src, sj):
    """Row j's links take their gradient step: w[j, i] += -eta * s_j * a_i."""
    row = links.start + j * links.cols
    alpha = -links.rule.rate * sj
    if cython.compiled:
        lernmi_axpy(alpha, cython.address(src.a[links.source]), cython.address(w[row]),
                    links.cols)
    else:
        for k in range(links.cols):
            w[row + k] += alpha * src.a[links.source + k]


def row_send_back_and_step(w, links, j, src, sj):
    """Row j's links send w[j, i] * s_j back to input neuron i, then take their step, in one
    pass over the row."""
    row = links.start + j * links.cols
    beta = -links.rule.rate * sj
    if cython.compiled:
        lernmi_axpy_pair(sj, cython.address(w[row]), cython.address(src.delta[links.source]),
                         beta, cython.address(src.a[links.source]), links.cols)
    else:
        for k in range(links.cols):
            src.delta[links.source + k] += sj * w[row + k]
            w[row + k] += beta * src.a[links.source + k]


def row_send_back(w, links, j, src, dst):
    """Row j's links send w[j, i] * s_j back to input neuron i, for every sample."""
    row = links.start + j * links.cols
    for b in range(links.samples):
        sj = dst.s[b * links.stride + links.target + 1 + j]
        if cython.compiled:
            lernmi_axpy(sj, cython.address(w[row]),
                        cython.address(src.delta[b * links.stride + links.source]), links.cols)
        else:
            for k in range(links.cols):
                src.delta[b * links.stride + links.source + k] += sj * w[row + k]


def row_gradient(g, links, j, src, dst):
    """g[i] = the sum over the samples b of s_j * a_i, row j's gradient summed over the
    batch, taken sample after sample (four at a time compiled: the same sums)."""
    at = links.source
    stride = links.stride
    s0 = dst.s[links.target + 1 + j]
    if cython.compiled:
        lernmi_scale(s0, cython.address(src.a[at]), cython.address(g[0]), links.cols)
        b = 1
        while b + 4 <= links.samples:
            for k in range(4):
                alpha[k] = dst.s[(b + k) * stride + links.target + 1 + j]
            lernmi_axpy4(alpha, cython.address(src.a[b * stride + at]), stride,
                         cython.address(g[0]), links.cols)
            b += 4
        while b < links.samples:
            lernmi_axpy(dst.s[b * stride + links.target + 1 + j],
                        cython.address(src.a[b * stride + at]), cython.address(g[0]),
                        links.cols)
            b += 1
    else:
        for k in range(links.cols):
            g[k] = s0 * src.a[at + k]
        for b in range(1, links.samples):
            sj = dst.s[b * stride + links.target + 1 + j]
            for k in range(links.cols):
                g[k] += sj * src.a[b * stride + at + k]


# --- one link, and a whole layer of links --------------------------------------------------

def updated_weight(w, eta, s, a_in):
    """One link's plain gradient step: the cost's gradient for its weight is s * a_in."""
    return w - eta * s * a_in


def propagate_links(w, links, src, dst):
    """Every link sends w * a forward: dst.z[j] += sum over i of w[j, i] * src.a[i].

    That for each of the links' samples, taking each row of weights for every sample while
    it is in the CPU's cache, four samples at a time. The outputs src.a must be worked out
    (activations.compute_outputs).
    """
    j = 0
    if cython.compiled and links.samples >= 6:
        # A batch: two rows and three samples at a time (vector.h's tile: the same sums;
        # measured, no faster than four samples a row for the four inference takes).
        while j + 2 <= links.rows:
            tiles_2x3(w, links, j, src, dst)
            j += 2
    blocks = links.samples // 4
    while j < links.rows:
        for b in range(blocks):
            row_dot4_add(w, links, j, src, dst, 4 * b)
        for b in range(4 * blocks, links.samples):
            dst.z[b * links.stride + links.target + 1 + j] += row_dot(
                w, links, j, src.a, b * links.stride + links.source)
        j += 1


def tiles_2x3(w, links, j, src, dst):
    """Rows j and j + 1 for every sample: three samples at a time by vector.h's 2 x 3 tile,
    the samples left over one by one. (Compiled only: run as Python, propagate_links takes
    each row and sample by itself, which gives the same sums.)"""
    b = 0
    stride = links.stride
    while b + 3 <= links.samples:
        lernmi_dot_2x3_add(cython.address(w[links.start + j * links.cols]), links.cols,
                           cython.address(src.a[b * stride + links.source]), stride,
                           cython.address(dst.z[b * stride + links.target + 1 + j]),
                           links.cols)
        b += 3
    while b < links.samples:
        for r in range(2):
            dst.z[b * stride + links.target + 1 + j + r] += row_dot(
                w, links, j + r, src.a, b * stride + links.source)
        b += 1


def backpropagate_links(w, links, src, dst):
    """Every link sends w * s back to its input neuron, then takes its plain gradient step,
    for one sample.

    Row j's links all carry s_j, the sensitivity of the neuron they feed (dst.s, worked out
    already). Unless links.send_back (false for a network's input layer, whose sensitivities
    nothing reads) only the weights move. The outputs src.a must be worked out.
    """
    for j in range(links.rows):
        sj = dst.s[links.target + 1 + j]
        if links.send_back:
            row_send_back_and_step(w, links, j, src, sj)
        else:
            row_step(w, links, j, src, sj)


def learn_links(w, moments, links, src, dst):
    """Every link sends w * s back to its input neuron for each sample, then takes one step
    of the links' rule (links.rule) on its gradient summed over the samples.

    Row after row: row j sends back with its weights from before the step, its gradient is
    summed in moments.g, and the row steps, its velocity or moments in moments.m and
    moments.v. The outputs src.a and the sensitivities dst.s must be worked out.
    """
    j = 0
    if cython.compiled and links.samples >= 4 and moments.g.shape[0] >= 4 * links.cols:
        # A batch: four rows at a time, whose gradients are summed in one pass over the
        # samples' outputs (vector.h: the same sums as row_gradient's).
        while j + 4 <= links.rows:
            for r in range(4):
                if links.send_back:
                    row_send_back(w, links, j + r, src, dst)
            lernmi_gradient4(cython.address(dst.s[links.target + 1 + j]),
                             cython.address(src.a[links.source]), links.stride,
                             cython.address(moments.g[0]), links.samples, links.cols)
            for r in range(4):
                row = links.start + (j + r) * links.cols
                end = row + links.cols
                step_row(w[row:end], moments.m[row:end], moments.v[row:end],
                         moments.g[r * links.cols:(r + 1) * links.cols], links.rule)
            j += 4
    while j < links.rows:
        row = links.start + j * links.cols
        end = row + links.cols
        if links.send_back:
            row_send_back(w, links, j, src, dst)
        row_gradient(moments.g, links, j, src, dst)
        step_row(w[row:end], moments.m[row:end], moments.v[row:end], moments.g[:links.cols],
                 links.rule)
        j += 1
