# C declarations for link.py.

cimport cython

from lernmi.maths cimport as_number, updated_weight
from lernmi.neuron cimport Neuron

cdef class LinkStore:
    cdef double[::1] w                  # weights: a rows x cols matrix, stored row after row
    cdef double[::1] eta                # the one training rate these links share (length 1)
    cdef readonly Py_ssize_t rows       # output neurons: row j feeds learning neuron j
    cdef readonly Py_ssize_t cols       # input neurons: column i comes from neuron i, bias first

cdef class Link:
    cdef readonly LinkStore store       # where this link's weight and training rate live
    cdef readonly Py_ssize_t index      # where its weight is in store.w
    cdef Neuron _input                  # the neuron it reads from
    cdef Neuron _output                 # the neuron it sends to
    cdef bint _in_layer                 # part of a LinkLayer, whose shape fixes the wiring
    cdef void _rewire(self) except *
    cdef void _check_wired(self) except *
    cpdef void propagate(self) except *

    @cython.locals(source=Neuron, s=double, w=double)
    cpdef void backpropagate(self) except *

@cython.locals(link=Link)
cdef Link link_in(LinkStore store, Py_ssize_t index, Neuron input_neuron, Neuron output_neuron)
