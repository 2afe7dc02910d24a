# C declarations for learning_loops.py: the loops that learn, one sample or a batch at a time.

cimport cython

from lernmi.activations cimport (SOFTMAX, compute_outputs, compute_sensitivities, load_inputs,
                                 reset_sums)
from lernmi.costs cimport is_correct, sample_cost, submit_expected
from lernmi.network_loops cimport NetworkArrays, forward, link_layer, load_sample
from lernmi.propagation cimport (Links, Part, backpropagate_links, keep_step, learn_links,
                                 propagate_links, some_rows, step_kept, whole)
from lernmi.steps cimport SETTINGS, count_step
from lernmi.stores cimport NeuronStore
from lernmi.team cimport Team, wait

@cython.final
cdef class Rows:                        # what one learn_rows call learns from
    cdef const double[:, ::1] x         # inputs, a row per sample
    cdef const double[:, ::1] t         # expected outputs, a row per sample
    cdef const Py_ssize_t[::1] order    # the rows to learn from, in order
    cdef const double[:, ::1] keep      # dropout: keep[r] for the hidden neurons of order[r]
    cdef Py_ssize_t batch               # rows per step
    cdef bint plain                     # one row per plain gradient-descent step

@cython.locals(stride=Py_ssize_t, l=Py_ssize_t, i=Py_ssize_t, col=Py_ssize_t)
cdef void drop(NetworkArrays net, NeuronStore n, Py_ssize_t b, Rows rows,
               Py_ssize_t r) noexcept nogil
@cython.locals(i=Py_ssize_t)
cdef void keep_all(NeuronStore n) noexcept nogil

# --- one sample at a time, on a team of threads ---------------------------------------------------
@cython.locals(threads=Py_ssize_t, line=Py_ssize_t, skew=Py_ssize_t, l=Py_ssize_t,
               count=Py_ssize_t, at=Py_ssize_t, t=Py_ssize_t, j=Py_ssize_t, off=Py_ssize_t)
cdef void split_layers(NetworkArrays net, NeuronStore n, Team team)
cdef Py_ssize_t share(NetworkArrays net, Team team, Py_ssize_t l, Py_ssize_t t) noexcept nogil
cdef Part part_of(NetworkArrays net, Team team, Py_ssize_t l, Py_ssize_t t) noexcept nogil
@cython.locals(last=Py_ssize_t, col=Py_ssize_t, l=Py_ssize_t, size=Py_ssize_t, j0=Py_ssize_t,
               j1=Py_ssize_t, j=Py_ssize_t)
cdef void start_sample(NetworkArrays net, NeuronStore n, Rows rows, Py_ssize_t r, Team team,
                       Py_ssize_t t) noexcept nogil
@cython.locals(last=Py_ssize_t, r=Py_ssize_t, l=Py_ssize_t, k=Py_ssize_t,
               out=Py_ssize_t, fed=Py_ssize_t, c0=Py_ssize_t, alone=bint, links=Links,
               part=Part)
cdef void learn_samples(NetworkArrays net, NeuronStore n, Rows rows, double[::1] score,
                        Team team, Py_ssize_t t) noexcept nogil

# --- a batch at a time ------------------------------------------------------------------------------
@cython.locals(last=Py_ssize_t, stride=Py_ssize_t, batch=Py_ssize_t, start=Py_ssize_t,
               samples=Py_ssize_t, b=Py_ssize_t, k=Py_ssize_t, out=Py_ssize_t, l=Py_ssize_t)
cdef void learn_batches(NetworkArrays net, NeuronStore n, Rows rows,
                        double[::1] score) noexcept nogil

@cython.locals(i=Py_ssize_t)
cdef bint shareable(NetworkArrays net) noexcept nogil
cdef void take_part(NetworkArrays net, Rows rows, double[::1] score, Team team, Py_ssize_t t)
@cython.locals(team=Team)
cdef void learn_epoch(NetworkArrays net, NeuronStore n, Rows rows, double[::1] score,
                      Py_ssize_t threads)
