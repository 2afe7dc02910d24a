# C declarations for neuron.py.

cimport cython

from lernmi.activations cimport BIAS, neuron_output, neuron_sensitivity
from lernmi.reals cimport real
from lernmi.stores cimport NeuronStore

cdef real as_number(real value) noexcept

cdef class Neuron:
    cdef readonly NeuronStore store     # where this neuron's numbers live
    cdef readonly Py_ssize_t index      # which of the store's neurons this is
    cpdef void input(self, real value)
    cpdef real output(self)
    cpdef real sensitivity(self)
    cpdef void submit_sensitivity(self, real value)
    cpdef void reset(self)
    cpdef void bias(self)

@cython.locals(neuron=Neuron)
cdef Neuron neuron_in(NeuronStore store, Py_ssize_t index)
