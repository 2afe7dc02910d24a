# C declarations for network.py. Network itself stays an ordinary Python class; compiling the
# module lets it call the C-only layer factories and the epoch loop.

from lernmi.layers cimport link_layer_over, neuron_layer_over
from lernmi.maths cimport NetworkArrays, learn_samples

cdef void learn_epoch(NetworkArrays arrays, const double[:, ::1] x, const double[:, ::1] t,
                      const Py_ssize_t[::1] order) except *
