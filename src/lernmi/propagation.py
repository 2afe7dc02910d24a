"""What a layer of links does: carry outputs forward, sensitivities back, and learn.

Row j of a layer's weights holds the links into learning neuron j of the layer it feeds,
one from each neuron i of the layer feeding it (the bias neuron first), so that:

- forward, neuron j gets the input sum z_j += sum over i of w[j, i] * a_i;
- back, neuron i gets the sensitivity sum delta_i += sum over j of w[j, i] * s_j (using
  each weight from before its step, as one Link does);
- and each link takes its gradient step, w[j, i] -= eta * s_j * a_i: the gradient of the
  cost with respect to a weight is the sensitivity it carries back times what it carried
  forward.

The long runs of numbers one row takes are vector.h's C functions when compiled; run as
Python, the same operations in the same order (see vector.h).
"""

import cython

if not cython.compiled:
    # Compiled, these are propagation.pxd's (LANES is vector.h's LERNMI_LANES).
    LANES = 16
    Links = cython.struct(start=cython.Py_ssize_t, rows=cython.Py_ssize_t,
                          cols=cython.Py_ssize_t, source=cython.Py_ssize_t,
                          target=cython.Py_ssize_t, eta=cython.double)


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


def row_dot4_add(w, links, j, src, dst, stride):
    """Row j's sums for four samples at once, whose neurons lie `stride` apart in both
    stores: dst.z[b * stride + target + 1 + j] += row_dot(..., src.a, b * stride + source)
    for b < 4, reading the row once for all four."""
    if cython.compiled:
        lernmi_dot4_add(cython.address(w[links.start + j * links.cols]),
                        cython.address(src.a[links.source]),
                        cython.address(dst.z[links.target + 1 + j]), stride, links.cols)
    else:
        for b in range(4):
            dst.z[b * stride + links.target + 1 + j] += row_dot(w, links, j, src.a,
                                                                b * stride + links.source)


def row_step(w, links, j, src, sj):
    """Row j's links take their gradient step: w[j, i] += -eta * s_j * a_i."""
    row = links.start + j * links.cols
    alpha = -links.eta * sj
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
    beta = -links.eta * sj
    if cython.compiled:
        lernmi_axpy_pair(sj, cython.address(w[row]), cython.address(src.delta[links.source]),
                         beta, cython.address(src.a[links.source]), links.cols)
    else:
        for k in range(links.cols):
            src.delta[links.source + k] += sj * w[row + k]
            w[row + k] += beta * src.a[links.source + k]


# --- one link, and a whole layer of links --------------------------------------------------

def updated_weight(w, eta, s, a_in):
    """One link's gradient step: the cost's gradient for its weight is s * a_in."""
    return w - eta * s * a_in


def propagate_links(w, links, src, dst, samples, stride):
    """Every link sends w * a forward: dst.z[j] += sum over i of w[j, i] * src.a[i].

    That for each of `samples` samples, whose neurons lie `stride` apart in both stores,
    taking each row of weights for every sample while it is in the CPU's cache. The
    outputs src.a must be worked out (activations.compute_outputs).
    """
    for j in range(links.rows):
        if samples == 4:
            row_dot4_add(w, links, j, src, dst, stride)
        else:
            for b in range(samples):
                dst.z[b * stride + links.target + 1 + j] += row_dot(
                    w, links, j, src.a, b * stride + links.source)


def backpropagate_links(w, links, src, dst, send_back):
    """Every link sends w * s back to its input neuron, then takes its gradient step.

    Row j's links all carry s_j, the sensitivity of the neuron they feed (dst.s, worked out
    already). With `send_back` false (a network's input layer, whose sensitivities nothing
    reads) only the weights move. The outputs src.a must be worked out.
    """
    for j in range(links.rows):
        sj = dst.s[links.target + 1 + j]
        if send_back:
            row_send_back_and_step(w, links, j, src, sj)
        else:
            row_step(w, links, j, src, sj)
