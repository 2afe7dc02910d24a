# C declarations for costs.py: what learning minimises, and how the output layer learns it.

cimport cython

from lernmi.activations cimport BIAS, SOFTMAX
from lernmi.reals cimport real, rounded, TINY
from lernmi.stores cimport NeuronStore

# --- one output neuron: the C formulas -------------------------------------------------------
@cython.locals(c=real)
cdef real cost_term(int cost, int kind, real a, real t) noexcept nogil
cdef real output_error(int cost, int kind, real a, real t, real total) noexcept nogil
cdef bint gives_sensitivity(int cost) noexcept nogil

# --- the output layer of one sample --------------------------------------------------------------
@cython.locals(j=Py_ssize_t, c=real)
cdef real sample_cost(int cost, NeuronStore n, Py_ssize_t first, const real[:, ::1] t,
                        Py_ssize_t k) noexcept nogil
@cython.locals(j=Py_ssize_t, i=Py_ssize_t, straight=bint, total=real)
cdef void submit_expected(int cost, NeuronStore n, Py_ssize_t first, const real[:, ::1] t,
                          Py_ssize_t k) noexcept nogil
@cython.locals(j=Py_ssize_t, count=Py_ssize_t, guess=Py_ssize_t, answer=Py_ssize_t)
cdef bint is_correct(NeuronStore n, Py_ssize_t first, const real[:, ::1] t,
                     Py_ssize_t k) noexcept nogil
