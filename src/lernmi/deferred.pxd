# C declarations for deferred.py: a layer's step deferred to the next sample's forward pass.

cimport cython

from lernmi.network_loops cimport NetworkArrays, link_layer
from lernmi.propagation cimport LANES, Links, Part, row_dot, scaled
from lernmi.reals cimport real
from lernmi.steps cimport Rule, plain_step, step_weights
from lernmi.stores cimport Moments, NeuronStore
from lernmi.team cimport Team, part_of

cdef extern from "vector.h":
    void lernmi_prefetch(const real *x, Py_ssize_t n) noexcept nogil
    void lernmi_axpy(real alpha, const real *x, real *y, Py_ssize_t n) noexcept nogil
    real lernmi_axpy_dot(real alpha, const real *kept, real *w, const real *x,
                           Py_ssize_t head, Py_ssize_t start, Py_ssize_t end) noexcept nogil
    real lernmi_step_dot(real s, const real *kept, real *w, real *m, real *v,
                           const real *x, const Rule *r, Py_ssize_t n) noexcept nogil

cdef Py_ssize_t kept_at(NetworkArrays net, Py_ssize_t l) noexcept nogil
@cython.locals(j=Py_ssize_t, i=Py_ssize_t)
cdef void keep_step(Links links, NeuronStore src, NeuronStore dst, real[::1] kept,
                    Part part) noexcept nogil
@cython.locals(j=Py_ssize_t, i=Py_ssize_t, row=Py_ssize_t, alpha=real, plain=bint,
               live=Part)
cdef void step_kept(real[::1] w, Moments moments, Links links, const real[::1] kept,
                    NeuronStore after, Part part) noexcept nogil
@cython.locals(first=Py_ssize_t, end=Py_ssize_t)
cdef Part live_columns(Links links, const real[::1] kept, NeuronStore after) noexcept nogil
@cython.locals(row=Py_ssize_t, alpha=real, head=Py_ssize_t, lo=Py_ssize_t, hi=Py_ssize_t)
cdef real step_and_sum(real[::1] w, Links links, Py_ssize_t j, const real[::1] kept,
                         const real[::1] x, Part live) noexcept nogil
cdef tuple own_copy(NetworkArrays net, Links links)
@cython.locals(cols=Py_ssize_t, i=Py_ssize_t, k=Py_ssize_t)
cdef void own_inputs(NeuronStore n, const real[:, ::1] x, const Py_ssize_t[::1] order,
                     Py_ssize_t r, real[::1] kept, NeuronStore loaded) noexcept nogil
@cython.locals(l=Py_ssize_t, part=Part)
cdef void keep_outputs(NetworkArrays net, NeuronStore n, real[::1] kept, Team team,
                       Py_ssize_t t) noexcept nogil
