# C declarations for team.py: the barrier where the threads sharing one network's work meet.

cimport cython

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
