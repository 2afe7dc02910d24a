# C declarations for learning_loops.py: the loops that learn, one sample or a batch at a time.

cimport cython

from lernmi.activations cimport (compute_outputs, compute_sensitivities, keep_all, load_layer,
                                 reset_sums)
from lernmi.costs cimport is_correct, sample_cost, submit_expected
from lernmi.network_loops cimport (NetworkArrays, drop, link_layer, prefetch_sample,
                                   reset_sample, sample_links, set_rates, worked_out)
from lernmi.deferred cimport keep_outputs, keep_step, kept_at, own_inputs, step_kept
from lernmi.propagation cimport (Links, Part, backpropagate_links, learn_links,
                                 propagate_links, send_back_rows, some_rows, some_samples,
                                 whole)
from lernmi.rooms cimport Rows, Scratch, scratch_for
from lernmi.steps cimport SETTINGS, count_step, plain_step
from lernmi.stores cimport NeuronStore
from lernmi.team cimport Team, part_of, send_back_in_turn, shareable, split_layers, wait
from lernmi.transposed cimport hold, learn_layer, let_go, propagate_layer

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
@cython.locals(team=Team)
cdef void learn_epoch(NetworkArrays net, NeuronStore n, Rows rows, double[::1] score,
                      Py_ssize_t threads)
