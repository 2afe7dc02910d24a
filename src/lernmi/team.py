"""A team of threads that share the work of one network: how they split its layers, the
barrier where they meet, the turns they take, and starting and stopping them.

The threads of a team each take a part of every step of a sample (learning_loops.py):
some rows of a layer of links, some neurons of a layer (`split_layers`, `part_of`). Where
a step reads numbers that other threads wrote in the step before, every thread first
waits at the barrier until all have arrived (`wait`). Compiled, the barrier is team.h's:
a thread that arrives early spins for up to a fraction of a millisecond, then sleeps until
the last one wakes it, and no thread needs the GIL. Run as Python, it is a
threading.Barrier.

Where a step's sums must take the rows of every thread in order, the threads instead take
turns at it a chunk of columns at a time (`send_back_in_turn`), each waiting only for the
thread before it.
"""

import queue
import threading

import numpy as np

import cython

from ._checks import refuse_second_init

if not cython.compiled:
    # Compiled, these are C (see team.pxd).
    from .activations import SOFTMAX
    from .network_loops import link_layer
    from .propagation import Part, send_back_rows
    from .reals import DTYPE
    LINE = 64 // np.dtype(DTYPE).itemsize  # team.pxd's: reals in a 64-byte line


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
            self.turns, self.turned = [], threading.Condition()  # (see take_turns)
        self.first = np.zeros(0, dtype=np.intp)
        self.chunks = 0  # the most chunks a layer has when taking turns (take_turns)
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


def send_back_in_turn(net, n, team, t, l, r):
    """Thread t's rows of link layer l (`part_of`) send back through every column
    (propagation.send_back_rows, into the store n), in the team's r-th pass at the layer
    (from 0): a chunk of columns at a time (`turn_width`), each chunk once thread t - 1 has
    sent back through it. Every sum then takes the rows in order, as on one thread (and a
    sum's rows four at a time or one, any chunk of columns gives the same numbers), and no
    thread reads weights that another steps. A pass must end at a barrier (`wait`).

    (Split by columns instead, every thread would read every row: half the weights a
    thread reads, the other thread stepped. On two cores of an Intel Xeon, that passing of
    weights from core to core took up about a third of each sample of 784-300-100-10.)"""
    links = link_layer(net, l, 1)
    part = part_of(net, team, l, t)
    if team is None or team.threads == 1:
        part.col0, part.col1 = 0, links.cols
        send_back_rows(net.w, links, n, n, part)
        return
    width = turn_width(links.cols, team.threads)
    for c in range((links.cols + width - 1) // width):
        await_turn(team, t, l * team.chunks + c, r * team.threads + t)
        part.col0, part.col1 = c * width, min((c + 1) * width, links.cols)
        send_back_rows(net.w, links, n, n, part)
        pass_turn(team, t, l * team.chunks + c)


def turn_width(cols, threads):
    """How many of a layer's cols columns `send_back_in_turn` takes a chunk at a time: a
    multiple of a 64-byte line's numbers, as many chunks as threads. (More chunks keep the
    last thread waiting less for its first, but every thread waits more often: on two cores
    of an Intel Xeon, 784-300-100-10 learnt about 5% slower with twice as many.)"""
    lines = (cols + LINE - 1) // LINE
    return LINE * max(1, (lines + threads - 1) // threads)


def await_turn(team, t, c, due):
    """Thread t waits until the parts done of chunk c (of every layer's, `take_turns`)
    number `due` (team.h's lernmi_team_await)."""
    if cython.compiled:
        lernmi_team_await(cython.address(team.barrier), t, c, due)
    else:
        with team.turned:
            while team.turns[c] < due:
                if team.barrier.broken:  # another thread gave up (give_up)
                    raise threading.BrokenBarrierError
                team.turned.wait(0.1)  # (woken by pass_turn or give_up, or looks again)


def pass_turn(team, t, c):
    """Thread t has done its part of chunk c."""
    if cython.compiled:
        lernmi_team_pass(cython.address(team.barrier), t, c)
    else:
        with team.turned:
            team.turns[c] += 1
            team.turned.notify_all()


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
    layer l is its neurons team.first[l * (threads + 1) + t] to the next one - 1. Learning
    by the batch, a thread sends back to its share (the columns of `part_of`) and works out
    its sensitivities (not those of the layer below the output layer, which each thread
    works out for its own samples: see learning_loops.learn_batches); one sample a step,
    threads send back by rows instead (`send_back_in_turn`, for which this makes room).

    Shares as equal as can be, but that, compiled, a share is moved back to start on a
    64-byte line of the store n's sensitivity sums where that leaves it some neurons: the
    threads add to those row after row, and two threads writing one line would pass it to
    and fro between their cores. (Any split gives the same numbers.)"""
    threads = team.threads
    team.first = np.zeros(net.layers * (threads + 1), dtype=np.intp)
    take_turns(net, team)
    line = LINE
    skew = 0
    if cython.compiled:
        address = cython.cast(cython.Py_ssize_t, cython.address(n.delta[0]))
        skew = address // cython.sizeof(real) % line
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


def take_turns(net, team):
    """Room in the team for a count of each chunk of columns that `send_back_in_turn` takes
    in each layer of links, all 0: layer l's chunk c is l * team.chunks + c."""
    team.chunks = 0
    for l in range(net.layers - 1):
        cols = net.first[l + 1] - net.first[l]
        width = turn_width(cols, team.threads)
        team.chunks = max(team.chunks, (cols + width - 1) // width)
    if cython.compiled:
        if lernmi_team_turns(cython.address(team.barrier),
                             (net.layers - 1) * team.chunks) != 0:
            raise MemoryError("no room for a team's turns")
    else:
        team.turns = [0] * ((net.layers - 1) * team.chunks)


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

    Compiled, work cannot fail once the threads are let go (the loops raise nothing), and
    no thread may stop before the others. Nor can Ctrl-C stop this one: from letting the
    others go (each a `gate.put`, a call into C) until it joins them, it runs no Python for
    Ctrl-C to land in. Run as Python, work can fail: a learning step may raise, and Ctrl-C
    comes to this thread at any line. Then the threads not yet let go are told to stand
    down, the thread breaks the barrier for the others (`give_up`), so that none waits at
    it for ever, and the first thing raised is raised here once every thread has stopped."""
    gate = queue.SimpleQueue()  # a True for each thread to go, False to stand down
    raised = []  # what each thread raised, in the order they raised it
    workers = []
    alone = False
    try:
        for t in range(1, team.threads):
            worker = threading.Thread(target=_member, name=f"lernmi-{t}", daemon=True,
                                      args=(work, parts[t], team, gate, raised))
            workers.append(worker)
            worker.start()
    except RuntimeError:  # no more threads to be had
        alone = True
    except BaseException:
        stand_down(gate, workers)
        join_all(workers)
        raise
    try:
        for worker in workers:
            gate.put(not alone)
        _member(work, parts[0], None if alone else team, None, raised)
    except BaseException:  # run as Python: anything, Ctrl-C too, outside work
        stand_down(gate, workers)  # those not let go yet
        give_up(team)  # those let go: they stop at their next wait
        raise
    finally:
        join_all(workers)
    if raised:
        raise first_cause(raised)


def stand_down(gate, workers):
    """Tell every worker that has not yet been let go through the gate to return at once.
    (There is a False for each: those let go leave theirs in the gate.)"""
    for worker in workers:
        gate.put(False)


def _member(work, part, team, gate, raised):
    """work(part, team) on one thread of the team, once the gate lets it go, and unless it
    tells it to stand down (this thread's own call of run passes no gate); anything it
    raises is added to `raised`, and the barrier is broken for the others."""
    if gate is not None and not gate.get():
        return
    try:
        work(part, team)
    except BaseException as error:
        raised.append(error)
        give_up(team)


def give_up(team):
    """Break the team's barrier: every thread waiting at it or for its turn, and every
    thread that comes to either, raises threading.BrokenBarrierError instead of waiting.
    Run as Python only: compiled, no thread stops between waits, so none has to give up."""
    if not cython.compiled and team is not None:
        team.barrier.abort()
        with team.turned:  # and those awaiting their turn (await_turn)
            team.turned.notify_all()


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
        while True:
            try:
                if not worker.is_alive():  # (also a thread that could not be started)
                    break
                worker.join()
            except KeyboardInterrupt as error:
                interrupted = error
    if interrupted is not None:
        raise interrupted
