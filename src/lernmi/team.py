"""A team of threads that share the work of one network, and the barrier where they meet.

Which part each thread takes is up to whoever uses the team; it may keep the split in
`first` (learning_loops.split_layers does).

The threads of a team each take a part of every step of a sample (learning_loops.py):
some rows of a layer of links, some neurons of a layer. Where a step reads numbers that
other threads wrote in the step before, every thread first waits at the barrier until all
have arrived (`wait`). Compiled, the barrier is team.h's: a thread that arrives early spins
for a few tens of microseconds, then sleeps until the last one wakes it, and no thread needs
the GIL. Run as Python, it is a threading.Barrier.
"""

import threading

import numpy as np

import cython

from ._checks import refuse_second_init


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
