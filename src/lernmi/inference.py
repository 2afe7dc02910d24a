"""Inference on many rows at once, shared among threads: what predict and evaluate run.

The rows are split into consecutive parts, one per thread, and each thread runs the
compiled loop (network_loops.infer_rows) on its part without the GIL, in scratch arrays of
its own, so the network's own numbers are left alone and the parts run at once on as many
cores. Each row's numbers are exactly those `Network.run` gives for it alone.
"""

import math
import os
import threading

import numpy as np

from ._dtypes import loops_of

#: Rows are shared among up to this many threads, one per CPU core, giving each at least
#: PART_ROWS rows.
THREADS = max(1, min(8, os.cpu_count() or 1))
PART_ROWS = 1000


def predict(arrays, x):
    """The output layer's outputs for every row of x (checked by the caller), one row each,
    of the network's dtype."""
    infer_rows = loops_of(arrays, "network_loops").infer_rows
    outputs = np.empty((x.shape[0], arrays.layer_sizes()[-1]), loops_of(arrays, "reals").DTYPE)
    nothing = np.empty((0, outputs.shape[1]), outputs.dtype)
    in_parts(x.shape[0], lambda start, stop: infer_rows(
        arrays, x[start:stop], nothing, outputs[start:stop], np.empty((0, 2))))
    return outputs


def score(arrays, x, t):
    """(the summed cost, the number of rows right) of the rows of x against t, learning
    nothing.

    The sum is math.fsum's, exact whatever the order, so it does not depend on how many
    threads shared the rows.
    """
    infer_rows = loops_of(arrays, "network_loops").infer_rows
    scores = np.empty((x.shape[0], 2))
    nothing = np.empty((0, t.shape[1]), t.dtype)
    in_parts(x.shape[0], lambda start, stop: infer_rows(
        arrays, x[start:stop], t[start:stop], nothing, scores[start:stop]))
    return math.fsum(scores[:, 0]), int(scores[:, 1].sum())


def in_parts(rows, work):
    """work(start, stop) for consecutive parts of range(rows), the parts in parallel threads.

    Returns when every part is done; if any part raised, raises the first such error.
    """
    parts = max(1, min(THREADS, rows // PART_ROWS))
    bounds = [rows * p // parts for p in range(parts + 1)]
    errors = []

    def part(p):
        try:
            work(bounds[p], bounds[p + 1])
        except BaseException as error:  # re-raised below, in the calling thread
            errors.append(error)

    helpers = [threading.Thread(target=part, args=(p,)) for p in range(1, parts)]
    try:
        for helper in helpers:
            helper.start()
        part(0)
    finally:
        for helper in helpers:
            if helper.ident is not None:  # started
                helper.join()
    if errors:
        raise errors[0]
