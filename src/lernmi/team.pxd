# C declarations for team.py: the threads that share one network's work, and their barrier.

cimport cython

from lernmi.activations cimport SOFTMAX
from lernmi.network_loops cimport NetworkArrays
from lernmi.propagation cimport Part
from lernmi.stores cimport NeuronStore

cdef enum:
    LINE = 8                            # numbers (doubles) in a 64-byte line of memory

cdef extern from "team.h":
    ctypedef struct lernmi_team:        # the barrier's counters and locks (team.h)
        long threads
    int lernmi_team_init(lernmi_team *team, long threads) nogil
    void lernmi_team_free(lernmi_team *team) nogil
    void lernmi_team_wait(lernmi_team *team, long t) nogil

@cython.final                           # the loops trust its barrier
cdef class Team:
    cdef lernmi_team barrier            # team.h's barrier, ready once threads is set
    cdef readonly Py_ssize_t threads    # how many threads meet at it
    cdef Py_ssize_t[::1] first          # how they split their work (see its user)

cdef void wait(Team team, Py_ssize_t t) noexcept nogil

# --- how a team splits a network ----------------------------------------------------------------
@cython.locals(i=Py_ssize_t)
cdef bint shareable(NetworkArrays net) noexcept nogil
@cython.locals(threads=Py_ssize_t, line=Py_ssize_t, skew=Py_ssize_t, l=Py_ssize_t,
               count=Py_ssize_t, at=Py_ssize_t, t=Py_ssize_t, j=Py_ssize_t, off=Py_ssize_t)
cdef void split_layers(NetworkArrays net, NeuronStore n, Team team)
cdef Py_ssize_t share(NetworkArrays net, Team team, Py_ssize_t l, Py_ssize_t t) noexcept nogil
@cython.locals(threads=Py_ssize_t, rows=Py_ssize_t)
cdef Part part_of(NetworkArrays net, Team team, Py_ssize_t l, Py_ssize_t t) noexcept nogil
