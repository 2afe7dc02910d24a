# C declarations for rooms.py: what the loops that learn are given.

cimport cython

from lernmi.deferred cimport own_copy
from lernmi.network_loops cimport NetworkArrays, link_layer
from lernmi.propagation cimport GROUP, Links, Part
from lernmi.reals cimport real
from lernmi.stores cimport Moments, NeuronStore
from lernmi.team cimport Team, part_of
from lernmi.transposed cimport Transposed, inputs_for

@cython.final
cdef class Rows:                        # what one learn_rows call learns from
    cdef const real[:, ::1] x           # inputs, a row per sample
    cdef const real[:, ::1] t           # expected outputs, a row per sample
    cdef const Py_ssize_t[::1] order    # the rows to learn from, in order
    cdef const real[:, ::1] keep        # dropout: keep[r] for the hidden neurons of order[r]
    cdef Py_ssize_t batch               # rows per step
    cdef bint identity                  # the input layer's learning neurons: all identity
    cdef const double[::1] rates        # each step's training rate (none: the network's)
    cdef double[:, ::1] scored          # a batch's costs and rightness, a row per sample

@cython.final
cdef class Scratch:                     # what one thread of a team learns in
    cdef Py_ssize_t t                   # the thread's number in its team
    cdef real[::1] pack                 # room to pack a batch's outputs (propagation.py)
    cdef Moments moments                # the network's m and v, and its own g
    cdef Transposed inputs              # the input layer's links held transposed, or None
    cdef real[::1] kept                 # net.pack, through a view of the thread's own
    cdef real[::1] kept0                # what the input links' deferred step keeps: kept, or
                                        # the thread's own (learn_samples)
    cdef NeuronStore loaded             # the store it reads their inputs from: the network's
                                        # own, or one with the thread's own outputs a

@cython.locals(size=Py_ssize_t, l=Py_ssize_t, mine=Py_ssize_t, links=Links, part=Part,
               own=Scratch, inputs=Transposed, moments=Moments)
cdef Scratch scratch_for(NetworkArrays net, Team team, Py_ssize_t t, Rows rows)
