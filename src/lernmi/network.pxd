# C declarations for network.py. Network itself stays an ordinary Python class; compiling the
# module lets it call the C-only layer factories and the epoch loop.

cimport cython

from lernmi.layers cimport link_layer_over, neuron_layer_over
from lernmi.maths cimport NetworkArrays, learn_samples

@cython.locals(last=Py_ssize_t, inputs=Py_ssize_t, outputs=Py_ssize_t)
cdef void learn_epoch(NetworkArrays arrays, const double[:, ::1] x, const double[:, ::1] t,
                      const Py_ssize_t[::1] order) except *
