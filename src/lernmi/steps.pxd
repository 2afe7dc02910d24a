# C declarations for steps.py: an optimiser's step, as the loops take it.

cimport cython

from lernmi.reals cimport real, rounded, SMALLEST

cdef extern from "vector.h":
    ctypedef struct Rule "lernmi_rule":  # one step's numbers for a layer of links
        int kind                        # PLAIN, MOMENTUM, NESTEROV or ADAM
        real rate                       # the training rate
        real momentum                   # SGD's momentum
        real beta1                      # Adam's decay rates of its moments
        real beta2
        real epsilon                    # Adam's
        real decay                      # weight decay
        real batch                      # how many samples the summed gradient is over
        real size                       # Adam's rate / (1 - beta1^k) after k steps
        real root                       # Adam's sqrt(1 - beta2^k)
    void lernmi_axpy(real alpha, const real *x, real *y, Py_ssize_t n) noexcept nogil
    int lernmi_mean_step(real *w, real *m, real *v, real *g, const Rule *r,
                         Py_ssize_t n) noexcept nogil
    void lernmi_momentum(real *w, real *m, const real *g, const Rule *r, int nesterov,
                         Py_ssize_t n) noexcept nogil
    void lernmi_adam(real *w, real *m, real *v, const real *g, const Rule *r,
                     Py_ssize_t n) noexcept nogil

# The codes of the rules, and where a layer's settings keep each number (steps.py).
cdef int PLAIN, MOMENTUM, NESTEROV, ADAM
cdef Py_ssize_t KIND, MU, BETA1, BETA2, EPSILON, DECAY, STEPS, SETTINGS

cdef Rule rule_of(const double[::1] settings, Py_ssize_t at, double eta,
                  double batch) noexcept nogil
@cython.locals(kind=int, size=double, root=double)
cdef Rule rule_at(const double[::1] settings, Py_ssize_t at, double eta, double batch,
                  double k) noexcept nogil
cdef bint plain(const double[::1] settings, Py_ssize_t at) noexcept nogil
cdef bint plain_step(Rule rule) noexcept nogil
cdef void count_step(double[::1] settings, Py_ssize_t at) noexcept nogil
@cython.locals(n=Py_ssize_t, i=Py_ssize_t, one1=real, one2=real, vi=real)
cdef void step_weights(real[::1] w, real[::1] m, real[::1] v, real[::1] g,
                       Rule rule, Py_ssize_t at) noexcept nogil
cdef real flushed(real x) noexcept nogil
