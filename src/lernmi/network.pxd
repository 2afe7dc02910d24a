# C declarations for network.py. Network itself stays an ordinary Python class; compiling the
# module lets it call the C-only layer factories and the loops over samples.

from lernmi.layers cimport link_layer_over, neuron_layer_over
from lernmi.maths cimport CROSS_ENTROPY, NetworkArrays, infer_samples, learn_samples

cdef void learn_epoch(NetworkArrays arrays, const double[:, ::1] x, const double[:, ::1] t,
                      const Py_ssize_t[::1] order, double[::1] score) except *
cdef void infer_rows(NetworkArrays arrays, const double[:, ::1] x, const double[:, ::1] t,
                     double[:, ::1] outputs, double[::1] costs, double[::1] right,
                     const int[::1] kind, double[::1] z, double[::1] delta,
                     double[::1] a) except *
