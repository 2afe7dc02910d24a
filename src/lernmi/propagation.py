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
  (`learn_links`, steps.py). Learning one sample at a time, a layer whose step nothing
  reads before the next sample's forward pass takes it then, with any rule (deferred.py).

A layer's numbers may be those of several samples at once, which lie `stride` apart in the
stores (see Links). The threads of a team (learning_loops.py) each take a Part of a layer's
links: some of its rows, or some of its columns, so that no two write the same number at
once (one sample a step, each sends back through its rows by turns: team.send_back_in_turn);
or, by the batch, some of its samples (`some_samples`).

The long runs of numbers one row takes are vector.h's C functions when compiled; run as
Python, the same operations in the same order (see vector.h). Compiled, a batch goes
through vector.h's tiles, several rows and samples at a time, from copies of the samples'
outputs packed side by side in `pack` (`packed_size`); the tiles add every sum in the same
order, so run as Python each row simply takes sample after sample. The tiles also leave
out the columns whose outputs are +0.0 in a whole GROUP of samples, such as the blank
margins of images: the sums they would add to are the same without them.
"""

import cython

if not cython.compiled:
    # Compiled, these are propagation.pxd's (LANES is vector.h's LERNMI_LANES).
    from .reals import DTYPE, rounded
    from .steps import Rule, step_weights
    LANES = 16
    TILE = 64 // DTYPE().itemsize  # vector.h's LERNMI_TILE: the reals in a 64-byte vector
    GROUP = 32  # vector.h's LERNMI_GROUP: samples packed at once for the tiles

    def lernmi_list_room(n):
        """vector.h's: the reals lernmi_list_columns's room takes for rows of n, its
        3 n + LANES + 2 slots of eight bytes."""
        return (3 * n + LANES + 2) * (8 // DTYPE().itemsize)
    Links = cython.struct(start=cython.Py_ssize_t, rows=cython.Py_ssize_t,
                          cols=cython.Py_ssize_t, source=cython.Py_ssize_t,
                          target=cython.Py_ssize_t, samples=cython.Py_ssize_t,
                          stride=cython.Py_ssize_t, send_back=cython.bint, rule=Rule)
    Part = cython.struct(row0=cython.Py_ssize_t, row1=cython.Py_ssize_t,
                         col0=cython.Py_ssize_t, col1=cython.Py_ssize_t)


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
        return added_up(lanes)


if not cython.compiled:  # (compiled, vector.h's LERNMI_ADD_LANES does it)
    def added_up(lanes):
        """A sum's LANES partial sums added up as vector.h's LERNMI_ADD_LANES adds them."""
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


def row_step(w, links, j, src, sj, part):
    """Row j's links in the columns of `part` take their gradient step:
    w[j, i] += -eta * s_j * a_i."""
    row = links.start + j * links.cols + part.col0
    at = links.source + part.col0
    alpha = -links.rule.rate * sj
    if cython.compiled:
        lernmi_axpy(alpha, cython.address(src.a[at]), cython.address(w[row]),
                    part.col1 - part.col0)
    else:
        for k in range(part.col1 - part.col0):
            w[row + k] += alpha * src.a[at + k]


def row_send_back_and_step(w, links, j, src, sj, part):
    """Row j's links in the columns of `part` send w[j, i] * s_j back to input neuron i, then
    take their step, in one pass over the row."""
    row = links.start + j * links.cols + part.col0
    at = links.source + part.col0
    beta = -links.rule.rate * sj
    if cython.compiled:
        lernmi_axpy_pair(sj, cython.address(w[row]), cython.address(src.delta[at]),
                         beta, cython.address(src.a[at]), part.col1 - part.col0)
    else:
        for k in range(part.col1 - part.col0):
            src.delta[at + k] += sj * w[row + k]
            w[row + k] += beta * src.a[at + k]


def row_send_back(w, links, j, src, dst, part):
    """Row j's links in the columns of `part` send w[j, i] * s_j back to input neuron i, for
    every sample."""
    row = links.start + j * links.cols + part.col0
    at = links.source + part.col0
    for b in range(links.samples):
        sj = dst.s[b * links.stride + links.target + 1 + j]
        if cython.compiled:
            lernmi_axpy(sj, cython.address(w[row]),
                        cython.address(src.delta[b * links.stride + at]), part.col1 - part.col0)
        else:
            for k in range(part.col1 - part.col0):
                src.delta[b * links.stride + at + k] += sj * w[row + k]


def four_rows_send_back(w, links, j, src, dst, part):
    """Rows j to j + 3 send back as row_send_back sends back each in turn, in one pass over
    each sample's sums (lernmi_axpy4 adds the four rows' terms in order: the same sums).
    (Compiled only.)"""
    row = links.start + j * links.cols + part.col0
    at = links.source + part.col0
    for b in range(links.samples):
        lernmi_axpy4(cython.address(dst.s[b * links.stride + links.target + 1 + j]),
                     cython.address(w[row]), links.cols,
                     cython.address(src.delta[b * links.stride + at]), part.col1 - part.col0)


def row_gradient(g, links, j, src, dst):
    """g[i] = the sum over the samples b of s_j * a_i, row j's gradient summed over the
    batch, taken sample after sample (four at a time compiled: the same sums)."""
    at = links.source
    stride = links.stride
    s0 = dst.s[links.target + 1 + j]
    scaled(g, s0, src.a[at:], links.cols)
    if cython.compiled:
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
        for b in range(1, links.samples):
            sj = dst.s[b * stride + links.target + 1 + j]
            for k in range(links.cols):
                g[k] += sj * src.a[b * stride + at + k]


def scaled(g, alpha, x, n):
    """g[i] = alpha * x[i] for i < n: a row's gradient from one sample, alpha being its
    sensitivity and x the outputs it carried forward."""
    if cython.compiled:
        lernmi_scale(alpha, cython.address(x[0]), cython.address(g[0]), n)
    else:
        for i in range(n):
            g[i] = alpha * x[i]


# --- one link, and a whole layer of links --------------------------------------------------

def updated_weight(w, eta, s, a_in):
    """One link's plain gradient step: the cost's gradient for its weight is s * a_in (and
    eta, a layer's training rate, is kept in double: a real here)."""
    return w - rounded(eta) * s * a_in


def whole(links):
    """Every row and column of the links."""
    return Part(row0=0, row1=links.rows, col0=0, col1=links.cols)


def packed_size(cols):
    """How many numbers `pack` needs for the tiles to take a layer of links whose rows are
    `cols` long: GROUP samples' outputs, rounded up to whole runs of TILE numbers (with the
    forward tile's four rows of weights, or then the gradient tile's six rows of sums), then
    the room where vector.h's lernmi_list_columns lists the columns the tiles take
    (`room_at`)."""
    return room_at(cols) + lernmi_list_room(cols)


def room_at(cols):
    """Where, in `pack`, vector.h's lernmi_list_columns lists the columns the tiles take."""
    return GROUP * (cols + TILE) + 6 * cols


def propagate_links(w, links, src, dst, pack):
    """Every link sends w * a forward: dst.z[j] += sum over i of w[j, i] * src.a[i].

    That for each of the links' samples: a batch (6 samples or more, and room in `pack` for
    packed_size(links.cols) numbers) by vector.h's tiles of four rows and eight samples
    (lernmi_forward_tiles, compiled only: the same sums, the columns of +0.0 in a whole GROUP
    left out), whatever they leave four samples a row at a time, so that each row of
    weights is read once for several samples. The outputs src.a must be worked out
    (activations.compute_outputs).
    """
    j = 0
    if cython.compiled and links.samples >= 6 and links.rows >= 4 \
            and pack.shape[0] >= packed_size(links.cols):
        lernmi_forward_tiles(cython.address(w[links.start]), links.rows, links.cols,
                             cython.address(src.a[links.source]), links.stride, links.samples,
                             cython.address(dst.z[links.target + 1]), cython.address(pack[0]),
                             cython.address(pack[room_at(links.cols)]))
        j = links.rows - links.rows % 4
    blocks = links.samples // 4
    while j < links.rows:
        for b in range(blocks):
            row_dot4_add(w, links, j, src, dst, 4 * b)
        for b in range(4 * blocks, links.samples):
            dst.z[b * links.stride + links.target + 1 + j] += row_dot(
                w, links, j, src.a, b * links.stride + links.source)
        j += 1


def backpropagate_links(w, links, src, dst, part):
    """The links of `part` (its rows and columns) send w * s back to their input neurons,
    then take their plain gradient step, for one sample.

    Row j's links all carry s_j, the sensitivity of the neuron they feed (dst.s, worked out
    already). Unless links.send_back (false for a network's input layer, whose sensitivities
    nothing reads) only the weights move. The outputs src.a must be worked out. Each input
    neuron's sum takes the rows in order. (learning_loops.learn_samples sends back through
    a hidden layer's links with send_back_rows and steps them with deferred.step_kept in the
    next sample's forward pass: the same numbers.)
    """
    if not links.send_back:
        step_links(w, links, src, dst, part)
        return
    for j in range(part.row0, part.row1):
        row_send_back_and_step(w, links, j, src, dst.s[links.target + 1 + j], part)


def step_links(w, links, src, dst, part):
    """The links of `part` (its rows and columns) take their plain gradient step for one
    sample, sending nothing back: backpropagate_links for links whose input neurons need
    no sensitivities."""
    for j in range(part.row0, part.row1):
        row_step(w, links, j, src, dst.s[links.target + 1 + j], part)


def send_back_rows(w, links, src, dst, part):
    """The links of `part` (its rows and columns) send w * s back to their input neurons,
    for every sample, without a step: what each thread of learning_loops sends back (by the
    batch every row and some columns; one sample a step, its rows a chunk of columns at a
    time), and the first step of learn_links's tiles.
    Each sum takes the rows in order (compiled, four at a time: the same sums)."""
    j = part.row0
    if cython.compiled:
        while j + 4 <= part.row1:
            four_rows_send_back(w, links, j, src, dst, part)
            j += 4
    while j < part.row1:
        row_send_back(w, links, j, src, dst, part)
        j += 1


def learn_links(w, moments, links, src, dst, pack):
    """Every link sends w * s back to its input neuron for each sample, then takes one step
    of the links' rule (links.rule) on its gradient summed over the samples.

    The rows send back first (send_back_rows), with their weights from before any step;
    then row by row, a row's gradient is summed in moments.g and the row steps, its
    velocity or moments in moments.m and moments.v. The outputs src.a and the sensitivities
    dst.s must be worked out. A batch (4 samples or more, 4 rows or more, room in moments.g
    for six rows and in `pack` as propagate_links asks) takes six rows or four at a time
    through vector.h's gradient tiles (`tiled_rows`: each of them sends back, then their
    gradients are summed, then each steps; the same numbers, as no row's step touches
    another row). A batch of more than GROUP samples, given room in moments.g for every
    row, takes every tile at once, so that each GROUP of its samples is packed once, not
    once a tile.
    """
    j = 0
    if cython.compiled and links.samples >= 4 and links.rows >= 4 \
            and moments.g.shape[0] >= 6 * links.cols and pack.shape[0] >= packed_size(links.cols):
        if links.samples <= GROUP:  # then one packing serves every row
            pack_runs(links, src, dst, 0, pack)
        tiled = tiled_end(links.rows)
        if links.samples > GROUP and moments.g.shape[0] >= tiled * links.cols:
            tiled_rows(w, moments, some_rows(links, 0, tiled), src, dst, pack)
            j = tiled
        while j < tiled:
            rows = tile_size(links.rows - j)
            tiled_rows(w, moments, some_rows(links, j, rows), src, dst, pack)
            j += rows
    if links.send_back:  # the rows no tile took
        send_back_rows(w, links, src, dst, Part(row0=j, row1=links.rows, col0=0,
                                                col1=links.cols))
    while j < links.rows:
        row_gradient(moments.g, links, j, src, dst)
        step_weights(w, moments.m, moments.v, moments.g[:links.cols], links.rule,
                     links.start + j * links.cols)
        j += 1


def tile_size(left):
    """The rows of the next gradient tile, `left` rows (4 or more) being left: six, but four
    where six would leave two or three rows to the row path."""
    return 4 if left < 6 or left - 6 in (2, 3) else 6


def tiled_end(rows):
    """Where the gradient tiles of `tile_size` end, in a layer of that many rows."""
    j = 0
    while j + 4 <= rows:
        j += tile_size(rows - j)
    return j


def some_rows(links, j, rows):
    """Rows j to j + rows - 1 of a layer of links, as a layer of their own."""
    return Links(start=links.start + j * links.cols, rows=rows, cols=links.cols,
                 source=links.source, target=links.target + j, samples=links.samples,
                 stride=links.stride, send_back=links.send_back, rule=links.rule)


def some_samples(links, b, samples):
    """Samples b to b + samples - 1 of a layer of links' samples, as links of their own."""
    return Links(start=links.start, rows=links.rows, cols=links.cols,
                 source=links.source + b * links.stride, target=links.target + b * links.stride,
                 samples=samples, stride=links.stride, send_back=links.send_back, rule=links.rule)


def pack_runs(links, src, dst, first, pack):
    """Pack the outputs of a GROUP of samples from sample `first` (or of the samples left)
    for the gradient tiles (lernmi_pack_runs), leaving out the columns that are +0.0 in each,
    listed at `room_at`: their gradients are sums of zeros, which lernmi_scatter_rows works
    out. But not if some sensitivity of the samples is not finite: 0 * inf is NaN."""
    n = links.cols
    stride = links.stride
    group = min(GROUP, links.samples - first)
    x = cython.address(src.a[first * stride + links.source])
    room = cython.address(pack[room_at(n)])
    finite = lernmi_all_finite(cython.address(dst.s[first * stride + links.target + 1]),
                               stride, group, links.rows)
    lernmi_list_columns(x, stride, group, n, 1, not finite, room)
    lernmi_pack_runs(x, stride, group, cython.address(pack[0]), room, n)


def tiled_rows(w, moments, links, src, dst, pack):
    """learn_links for rows taken by vector.h's gradient tiles (six or four rows each,
    `tile_size`): each row sends back, their gradients are summed into moments.g (the first
    GROUP of samples afresh, the next ones added on), and each row steps. If the samples
    are at most GROUP, pack holds their outputs packed (`pack_runs`); otherwise each GROUP
    of them is packed here in turn, once for all the tiles taken here. The tiles take the
    columns pack_runs listed, and work out the others' sums of zeros (vector.h's
    lernmi_gradient_listed). (Compiled only.)"""
    n = links.cols
    stride = links.stride
    if links.send_back:
        send_back_rows(w, links, src, dst, whole(links))
    room = cython.address(pack[room_at(n)])
    first = 0
    while first < links.samples:
        group = min(GROUP, links.samples - first)
        if links.samples > GROUP:
            pack_runs(links, src, dst, first, pack)
        j = 0
        while j < links.rows:
            rows = tile_size(links.rows - j)
            lernmi_gradient_listed(rows, first == 0,
                                   cython.address(dst.s[first * stride + links.target + 1 + j]),
                                   stride, cython.address(pack[0]), group,
                                   cython.address(moments.g[j * n]), n, room,
                                   cython.address(pack[GROUP * (n + TILE)]))
            j += rows
        first += group
    step_weights(w, moments.m, moments.v, moments.g[:links.rows * n], links.rule, links.start)
