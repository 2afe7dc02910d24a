"""A team of threads that share the work of one network: how they split its layers, the
barrier where they meet, and starting and stopping them.

The threads of a team each take a part of every step of a sample (learning_loops.py):
some rows of a layer of links, some neurons of a layer (`split_layers`, `part_of`). Where
a step reads numbers that other threads wrote in the step before, every thread first
waits at the barrier until all have arrived (`wait`). Compiled, the barrier is team.h's:
a thread that arrives early spins for up to a fraction of a millisecond, then sleeps until
the last one wakes it, and no thread needs the GIL. Run as Python, it is a
threading.Barrier.
"""

import threading

import numpy as np

import cython

from ._checks import refuse_second_init

if not cython.compiled:
    # Compiled, these are C (see team.pxd).
    from .activations import SOFTMAX
    from .propagation import Part
    LINE = 8  # team.pxd's: numbers in a 64-byte line


class Team:
    """The barrier of `threads` threads, numbered 0 to threads - 1.

    Parameters
    ----------
    threads : int
        How many threads meet at it, 1 or more.
    """

    def __init__(self, threads):
        if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
            raise ValueError(f"a team needs a positive int of threads, not {threads!r}")
        refuse_second_init(self, "threads")
        if cython.compiled:
            if lernmi_team_init(cython.address(self.barrier), threads) != 0:
                raise MemoryError("no room for a team's locks")
        else:
            self.barrier = threading.Barrier(threads)
        self.first = np.zeros(0, dtype=np.intp)
        self.threads = threads

    def __dealloc__(self):
        if cython.compiled:
            lernmi_team_free(cython.address(self.barrier))

    def __reduce__(self):
        raise TypeError("a Team holds its threads' locks for one call: it cannot be pickled")

    def __repr__(self):
        return f"Team({self.threads})"


def wait(team, t):
    """Thread t of the team waits until all its threads have arrived here. (A team of one
    thread, or none, never waits.)"""
    if team is None or team.threads == 1:
        return
    if cython.compiled:
        lernmi_team_wait(cython.address(team.barrier), t)
    else:
        team.barrier.wait()


# --- how a team splits a network -------------------------------------------------------------

def shareable(net):
    """Whether a team can share the network's learning: it has a hidden layer, and no
    softmax neuron but in the output layer (a softmax output needs its whole layer)."""
    if net.layers < 3:
        return False
    for i in range(net.first[1], net.first[net.layers - 1]):
        if net.neurons.kind[i] == SOFTMAX:
            return False
    return True


def split_layers(net, n, team):
    """Split every layer's learning neurons among the team's threads: thread t's share of
    layer l is its neurons team.first[l * (threads + 1) + t] to the next one - 1. A thread
    sends back to its share (the columns of `part_of`) and works out its sensitivities (not,
    learning by the batch, those of the layer below the output layer, which each thread
    works out for its own samples: see learning_loops.learn_batches).

    Shares as equal as can be, but that, compiled, a share is moved back to start on a
    64-byte line of the store n's sensitivity sums where that leaves it some neurons: the
    threads add to those row after row, and two threads writing one line would pass it to
    and fro between their cores. (Any split gives the same numbers.)"""
    threads = team.threads
    team.first = np.zeros(net.layers * (threads + 1), dtype=np.intp)
    line = LINE
    skew = 0
    if cython.compiled:
        skew = cython.cast(cython.Py_ssize_t, cython.address(n.delta[0])) // 8 % line
    for l in range(net.layers):
        count = net.first[l + 1] - net.first[l] - 1
        at = l * (threads + 1)
        team.first[at] = 0
        for t in range(1, threads + 1):
            j = count * t // threads
            off = (skew + net.first[l] + 1 + j) % line  # where neuron j sits in its line
            if t < threads and j - off >= team.first[at + t - 1]:
                j -= off
            team.first[at + t] = min(j, count)


def share(net, team, l, t):
    """Where thread t's share of layer l's learning neurons starts (`split_layers`); a team
    of one (None) has them all: for t = 1, where they end."""
    if team is None:
        return 0 if t == 0 else net.first[l + 1] - net.first[l] - 1
    return team.first[l * (team.threads + 1) + t]


def part_of(net, team, l, t):
    """Thread t's part of link layer l: an even share of its rows (the links into layer
    l + 1's learning neurons) and the columns from its share of layer l (`share`: column
    1 + j comes from learning neuron j; the bias column goes with thread 0). Callers widen
    either to every row or column as a step needs.

    The rows need no lines of their own: a thread writes one sum per row forward, and steps
    a row's weights only once every thread has sent back through them. So they are split
    evenly, every row being as much work, while the columns keep `split_layers`'s lines."""
    threads = 1 if team is None else team.threads
    rows = net.first[l + 2] - net.first[l + 1] - 1
    return Part(row0=rows * t // threads, row1=rows * (t + 1) // threads,
                col0=0 if t == 0 else 1 + share(net, team, l, t),
                col1=1 + share(net, team, l, t + 1))


# --- starting and stopping the threads -------------------------------------------------------

@cython.boundscheck(True)  # reached from Python: every index checked
def run(team, work, parts):
    """Call work(parts[t], team) on thread t of the team, for every t: parts[0] on this
    thread, the others on threads started for it (named "lernmi-t").

    Everything that can fail happens before the threads are let go: if a thread cannot be
    started, those started return without calling work and this thread calls
    work(parts[0], None) alone; anything else is raised once they have stopped. Every thread
    is waited for before this returns or raises, even if Ctrl-C comes meanwhile.

    Compiled, work cannot fail once the threads are let go (the loops raise nothing). Run
    as Python it can: a learning step may raise, and Ctrl-C comes to this thread. Then the
    thread breaks the barrier (`give_up`), so that no other waits at it for ever, and the
    first thing raised is raised here once every thread has stopped."""
    go, cancelled = threading.Event(), threading.Event()
    raised = []  # what each thread raised, in the order they raised it
    workers = []
    alone = False
    try:
        for t in range(1, team.threads):
            worker = threading.Thread(target=_member, name=f"lernmi-{t}", daemon=True,
                                      args=(work, parts[t], team, go, cancelled, raised))
            workers.append(worker)
            worker.start()
    except RuntimeError:  # no more threads to be had
        alone = True
    except BaseException:
        cancelled.set()
        go.set()
        join_all(workers)
        raise
    if alone:
        cancelled.set()
    go.set()
    try:
        _member(work, parts[0], None if alone else team, None, None, raised)
    finally:
        join_all(workers)
    if raised:
        raise first_cause(raised)


def _member(work, part, team, go, cancelled, raised):
    """work(part, team) on one thread of the team, once `go` is set and unless `cancelled`
    is (this thread's own call of run passes neither); anything it raises is added to
    `raised`, and the barrier is broken for the others."""
    if go is not None:
        go.wait()
        if cancelled.is_set():
            return
    try:
        work(part, team)
    except BaseException as error:
        raised.append(error)
        give_up(team)


def give_up(team):
    """Break the team's barrier: every thread waiting at it, and every thread that comes to
    it, raises threading.BrokenBarrierError instead of waiting for the others. Run as
    Python only: compiled, no thread stops between waits, so none has to give up."""
    if not cython.compiled and team is not None:
        team.barrier.abort()


def first_cause(raised):
    """What made the team stop: the first thing raised that was not a broken barrier (the
    others only found it broken), or else the first."""
    for error in raised:
        if not isinstance(error, threading.BrokenBarrierError):
            return error
    return raised[0]


def join_all(workers):
    """Wait for every worker to stop, even if Ctrl-C interrupts a wait (it is raised once
    they all have: until then they may still be changing the network)."""
    interrupted = None
    for worker in workers:
        while worker.is_alive():
            try:
                worker.join()
            except KeyboardInterrupt as error:
                interrupted = error
    if interrupted is not None:
        raise interrupted
