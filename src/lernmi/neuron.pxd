# C declarations for neuron.py.

cimport cython

from lernmi.maths cimport (BIAS, SOFTMAX, as_number, neuron_output, neuron_sensitivity,
                           softmax_output)

cdef class NeuronStore:
    cdef int[::1] kind                  # activation code of each neuron (maths.Activation)
    cdef double[::1] z                  # input sums
    cdef double[::1] delta              # sensitivity sums
    cdef double[::1] a                  # outputs, as the last layer loop computed them
    cdef double[::1] s                  # sensitivities, as the last layer loop computed them
    cdef readonly Py_ssize_t size       # how many neurons
    cdef readonly bint error_is_sensitivity  # errors came from cross-entropy: s = delta

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
