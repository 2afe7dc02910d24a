# C declarations for learning_loops.py: the loops that learn, one sample or a batch at a time.

cimport cython

from lernmi.activations cimport (compute_outputs, compute_sensitivities, keep_all, load_layer,
                                 reset_sums)
from lernmi.costs cimport is_correct, sample_cost, submit_expected
from lernmi.network_loops cimport (NetworkArrays, drop, link_layer, prefetch_sample,
                                   reset_sample, sample_links, set_rates, worked_out)
from lernmi.deferred cimport keep_outputs, keep_step, kept_at, step_kept
from lernmi.propagation cimport (GROUP, Links, Part, backpropagate_links, learn_links,
                                 propagate_links, send_back_rows, some_rows, some_samples,
                                 whole)
from lernmi.steps cimport SETTINGS, count_step, plain_step
from lernmi.stores cimport Moments, NeuronStore
from lernmi.team cimport Team, part_of, send_back_in_turn, shareable, split_layers, wait
from lernmi.transposed cimport Transposed, hold, inputs_for, learn_layer, let_go, propagate_layer

@cython.final
cdef class Rows:                        # what one learn_rows call learns from
    cdef const double[:, ::1] x         # inputs, a row per sample
    cdef const double[:, ::1] t         # expected outputs, a row per sample
    cdef const Py_ssize_t[::1] order    # the rows to learn from, in order
    cdef const double[:, ::1] keep      # dropout: keep[r] for the hidden neurons of order[r]
    cdef Py_ssize_t batch               # rows per step
    cdef bint identity                  # the input layer's learning neurons: all identity
    cdef const double[::1] rates        # each step's training rate (none: the network's)
    cdef double[:, ::1] scored          # a batch's costs and rightness, a row per sample

@cython.final
cdef class Scratch:                     # what one thread of a team learns in
    cdef Py_ssize_t t                   # the thread's number in its team
    cdef double[::1] pack               # room to pack a batch's outputs (propagation.py)
    cdef Moments moments                # the network's m and v, and its own g
    cdef Transposed inputs              # the input layer's links held transposed, or None
    cdef double[::1] kept               # net.pack, through a view of the thread's own

# --- one sample at a time, on a team of threads ------------------------------------------------
@cython.locals(last=Py_ssize_t, col=Py_ssize_t, l=Py_ssize_t, j=Py_ssize_t, part=Part)
cdef void ready_rows(NetworkArrays net, NeuronStore n, Rows rows, Py_ssize_t r, Team team,
                     Py_ssize_t t) noexcept nogil
cdef void load_row(NetworkArrays net, NeuronStore n, Rows rows, Py_ssize_t r) noexcept nogil
@cython.locals(t=Py_ssize_t, last=Py_ssize_t, loader=Py_ssize_t, r=Py_ssize_t, l=Py_ssize_t,
               k=Py_ssize_t, out=Py_ssize_t, fed=Py_ssize_t, alone=bint,
               links=Links, inputs=Links, part=Part)
cdef void learn_samples(NetworkArrays net, NeuronStore n, Rows rows, double[::1] score,
                        Team team, Scratch own) noexcept nogil

# --- a batch at a time -------------------------------------------------------------------------
@cython.locals(t=Py_ssize_t, threads=Py_ssize_t, last=Py_ssize_t, stride=Py_ssize_t,
               start=Py_ssize_t, samples=Py_ssize_t, b0=Py_ssize_t, b1=Py_ssize_t, b=Py_ssize_t,
               k=Py_ssize_t, out=Py_ssize_t, l=Py_ssize_t, fed=Py_ssize_t, links=Links,
               part=Part, mine=Links, direct=bint)
cdef void learn_batches(NetworkArrays net, NeuronStore n, Rows rows, double[::1] score,
                        Team team, Scratch own) noexcept nogil

cdef void take_part(NetworkArrays net, NeuronStore n, Rows rows, double[::1] score, Team team,
                    Scratch own)
@cython.locals(size=Py_ssize_t, l=Py_ssize_t, mine=Py_ssize_t, links=Links, part=Part,
               own=Scratch, inputs=Transposed, moments=Moments)
cdef Scratch scratch_for(NetworkArrays net, Team team, Py_ssize_t t, Rows rows)
@cython.locals(team=Team)
cdef void learn_epoch(NetworkArrays net, NeuronStore n, Rows rows, double[::1] score,
                      Py_ssize_t threads)
