# C declarations for neuron.py.

cimport cython

from lernmi.activations cimport BIAS, neuron_output, neuron_sensitivity
from lernmi.stores cimport NeuronStore

cdef double as_number(double value) noexcept

cdef class Neuron:
    cdef readonly NeuronStore store     # where this neuron's numbers live
    cdef readonly Py_ssize_t index      # which of the store's neurons this is
    cpdef void input(self, double value)
    cpdef double output(self)
    cpdef double sensitivity(self)
    cpdef void submit_sensitivity(self, double value)
    cpdef void reset(self)
    cpdef void bias(self)

@cython.locals(neuron=Neuron)
cdef Neuron neuron_in(NeuronStore store, Py_ssize_t index)
