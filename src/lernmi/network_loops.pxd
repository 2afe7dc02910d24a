# C declarations for network_loops.py: a whole network's numbers, and the loops over samples.

cimport cython

from lernmi.activations cimport compute_outputs, compute_sensitivities, load_layer, reset_sums
from lernmi.costs cimport is_correct, sample_cost
from lernmi.propagation cimport GROUP, Links, Part, packed_size, propagate_links
from lernmi.reals cimport real
from lernmi.steps cimport SETTINGS, STEPS, rule_at
from lernmi.stores cimport Moments, NeuronStore

cdef extern from "vector.h":
    void lernmi_prefetch(const real *x, Py_ssize_t n) noexcept nogil

@cython.final                           # a subclass could override what the loops trust
cdef class NetworkArrays:
    cdef NeuronStore neurons            # every neuron, layer after layer
    cdef real[::1] w                    # every link layer's weights, one matrix after another
    cdef Py_ssize_t[::1] first          # each layer's bias neuron, then one past the last neuron
    cdef Py_ssize_t[::1] w0             # where each link layer's matrix starts in w, then the end
    cdef double[::1] eta                # each link layer's training rate
    cdef double[::1] settings           # each link layer's optimiser settings (steps.py)
    cdef Moments moments                # what the optimiser keeps for each weight
    cdef real[::1] pack                 # room to pack a batch's outputs (propagation.py)
    cdef readonly int cost              # the cost (costs.py's code) learning minimises
    cdef readonly Py_ssize_t layers     # how many neuron layers

cdef Links link_layer(NetworkArrays net, Py_ssize_t l, Py_ssize_t samples) noexcept nogil
@cython.locals(stride=Py_ssize_t)
cdef Links links_at(NetworkArrays net, Py_ssize_t l, Py_ssize_t samples, double k,
                    double eta) noexcept nogil

@cython.locals(k=double, eta=double)
cdef Links sample_links(NetworkArrays net, const double[::1] rates, Py_ssize_t l,
                        Py_ssize_t r) noexcept nogil
@cython.locals(l=Py_ssize_t)
cdef void set_rates(NetworkArrays net, const double[::1] rates, Py_ssize_t step) noexcept nogil
@cython.locals(stride=Py_ssize_t, l=Py_ssize_t)
cdef void reset_sample(NetworkArrays net, NeuronStore n, Py_ssize_t b) noexcept nogil
cdef void load_sample(NetworkArrays net, NeuronStore n, Py_ssize_t b, const real[:, ::1] x,
                      Py_ssize_t k, bint identity) noexcept nogil
@cython.locals(last=Py_ssize_t, stride=Py_ssize_t, b=Py_ssize_t, l=Py_ssize_t)
cdef void forward(NetworkArrays net, NeuronStore n, Py_ssize_t samples,
                  real[::1] pack) noexcept nogil
cdef void prefetch_sample(const real[:, ::1] x, const real[:, ::1] t,
                          Py_ssize_t k) noexcept nogil
@cython.locals(stride=Py_ssize_t, l=Py_ssize_t, i=Py_ssize_t, col=Py_ssize_t)
cdef void drop(NetworkArrays net, NeuronStore n, Py_ssize_t b, const real[:, ::1] keep,
               Py_ssize_t r) noexcept nogil
@cython.locals(stride=Py_ssize_t, c0=Py_ssize_t, b=Py_ssize_t)
cdef void worked_out(NetworkArrays net, NeuronStore n, Py_ssize_t l, Part part, Py_ssize_t b0,
                     Py_ssize_t b1) noexcept nogil

@cython.final                           # a subclass could override what the loops trust
cdef class Room:
    cdef NeuronStore n                  # the neurons of `samples` samples
    cdef real[::1] pack                 # room to pack them for the tiles (propagation.py)
    cdef readonly Py_ssize_t samples    # how many rows inference takes at a time

@cython.locals(last=Py_ssize_t, stride=Py_ssize_t, block=Py_ssize_t, start=Py_ssize_t,
               samples=Py_ssize_t, b=Py_ssize_t, out=Py_ssize_t, j=Py_ssize_t)
cdef void infer_samples(NetworkArrays net, Room room, const real[:, ::1] x,
                        const real[:, ::1] t, real[:, ::1] outputs,
                        double[:, ::1] scores) noexcept nogil

cdef void infer_epoch(NetworkArrays net, Room room, const real[:, ::1] x,
                      const real[:, ::1] t, real[:, ::1] outputs, double[:, ::1] scores)
