# C declarations for team.py: the threads that share one network's work, and their barrier.

cimport cython

from lernmi.activations cimport SOFTMAX
from lernmi.network_loops cimport NetworkArrays, link_layer
from lernmi.propagation cimport Links, Part, send_back_rows
from lernmi.reals cimport real
from lernmi.stores cimport NeuronStore

cdef extern from "vector.h":
    const Py_ssize_t LINE "LERNMI_LINE"  # numbers (reals) in a 64-byte line of memory

cdef extern from "team.h":
    ctypedef struct lernmi_team:        # the barrier's counters and locks (team.h)
        long threads
    int lernmi_team_init(lernmi_team *team, long threads) nogil
    void lernmi_team_free(lernmi_team *team) nogil
    void lernmi_team_wait(lernmi_team *team, long t) nogil
    int lernmi_team_turns(lernmi_team *team, long chunks) nogil
    void lernmi_team_await(lernmi_team *team, long t, long c, long due) nogil
    void lernmi_team_pass(lernmi_team *team, long t, long c) nogil

@cython.final                           # the loops trust its barrier
cdef class Team:
    cdef lernmi_team barrier            # team.h's barrier, ready once threads is set
    cdef readonly Py_ssize_t threads    # how many threads meet at it
    cdef Py_ssize_t[::1] first          # how they split their work (see its user)
    cdef Py_ssize_t chunks              # the most chunks of a layer they take turns at

cdef void wait(Team team, Py_ssize_t t) noexcept nogil
@cython.locals(links=Links, part=Part, width=Py_ssize_t, c=Py_ssize_t)
cdef void send_back_in_turn(NetworkArrays net, NeuronStore n, Team team, Py_ssize_t t,
                            Py_ssize_t l, Py_ssize_t r) noexcept nogil
@cython.locals(lines=Py_ssize_t)
cdef Py_ssize_t turn_width(Py_ssize_t cols, Py_ssize_t threads) noexcept nogil
cdef void await_turn(Team team, Py_ssize_t t, Py_ssize_t c, Py_ssize_t due) noexcept nogil
cdef void pass_turn(Team team, Py_ssize_t t, Py_ssize_t c) noexcept nogil

# --- how a team splits a network ----------------------------------------------------------------
@cython.locals(i=Py_ssize_t)
cdef bint shareable(NetworkArrays net) noexcept nogil
@cython.locals(threads=Py_ssize_t, line=Py_ssize_t, skew=Py_ssize_t, address=Py_ssize_t,
               l=Py_ssize_t, count=Py_ssize_t, at=Py_ssize_t, t=Py_ssize_t, j=Py_ssize_t,
               off=Py_ssize_t)
cdef void split_layers(NetworkArrays net, NeuronStore n, Team team)
@cython.locals(l=Py_ssize_t, cols=Py_ssize_t, width=Py_ssize_t)
cdef void take_turns(NetworkArrays net, Team team)
cdef Py_ssize_t share(NetworkArrays net, Team team, Py_ssize_t l, Py_ssize_t t) noexcept nogil
@cython.locals(threads=Py_ssize_t, rows=Py_ssize_t)
cdef Part part_of(NetworkArrays net, Team team, Py_ssize_t l, Py_ssize_t t) noexcept nogil
