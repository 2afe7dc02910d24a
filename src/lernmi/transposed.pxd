# C declarations for transposed.py: the input layer's links held transposed while batches learn.

cimport cython
from libc.stdint cimport uint64_t

from lernmi.propagation cimport Links, learn_links, propagate_links, some_rows
from lernmi.reals cimport real
from lernmi.steps cimport ADAM, PLAIN, Rule, lernmi_mean_step, step_weights
from lernmi.network_loops cimport NetworkArrays, link_layer
from lernmi.stores cimport Moments, NeuronStore
from lernmi.team cimport Team

cdef extern from "transposed.h":
    Py_ssize_t lernmi_t_size(Py_ssize_t rows, Py_ssize_t n) noexcept nogil
    Py_ssize_t lernmi_t_room(Py_ssize_t rows) noexcept nogil
    Py_ssize_t lernmi_t_masks(Py_ssize_t n, Py_ssize_t samples) noexcept nogil
    bint lernmi_t_ready() noexcept nogil
    void lernmi_t_copy(real *w, Py_ssize_t rows, Py_ssize_t n, real *t,
                       int back) noexcept nogil
    int lernmi_t_forward(const real *t, Py_ssize_t rows, Py_ssize_t n, const real *x,
                         const Py_ssize_t *order, Py_ssize_t samples, real *z,
                         Py_ssize_t stride, real *room, uint64_t *masks,
                         int finite) noexcept nogil
    void lernmi_t_gradient(real *g, Py_ssize_t rows, Py_ssize_t n, const real *x,
                           const Py_ssize_t *order, const real *s, Py_ssize_t stride,
                           Py_ssize_t samples, int listed, real *room,
                           uint64_t *masks) noexcept nogil

@cython.final
cdef class Transposed:                  # rows of a layer of links held column by column
    cdef real[::1] w                    # their weights, in transposed.h's layout
    cdef real[::1] m                    # their rule's velocity or first moments, so laid out
    cdef real[::1] v                    # its second moments, so laid out
    cdef real[::1] g                    # a batch's gradient, so laid out
    cdef real[::1] room                 # the kernels' scratch
    cdef double[::1] masks              # and their masks (64-bit, held as doubles)
    cdef const real[:, ::1] x           # the inputs, a row per sample
    cdef const Py_ssize_t[::1] order    # the rows of x that the batches take, in turn
    cdef Py_ssize_t first               # where in order the batch starts
    cdef Py_ssize_t row0, rows, cols    # which rows, and the layer's columns
    cdef Py_ssize_t start               # where the rows start in the network's weights
    cdef int listed                     # what the last forward pass returned, or -1
    cdef int finite                     # whether every weight is finite: 1, 0, -1 unknown
    cdef bint held                      # whether hold has copied the rows in

@cython.locals(some=object, links=Links, held=Transposed)
cpdef Transposed inputs_for(NetworkArrays net, x, order, Py_ssize_t batch, Py_ssize_t row0,
                            Py_ssize_t rows)
cdef void hold(Transposed t, NetworkArrays net, Moments moments, Team team) noexcept nogil
cdef void let_go(Transposed t, NetworkArrays net, Moments moments) noexcept nogil
@cython.locals(links=Links)
cdef void copy(Transposed t, NetworkArrays net, Moments moments, int back) noexcept nogil
cdef void copy_array(real[::1] w, real[::1] held, Links links, int back) noexcept nogil
cdef bint takes(Transposed t, Links links) noexcept nogil
cdef void propagate_layer(Transposed t, const real[::1] w, Links links, NeuronStore n,
                          real[::1] pack) noexcept nogil
@cython.locals(rule=Rule)
cdef void learn_layer(Transposed t, real[::1] w, Moments moments, Links links, NeuronStore n,
                      real[::1] pack) noexcept nogil
