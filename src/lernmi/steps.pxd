# C declarations for steps.py: an optimiser's step, as the loops take it.

cimport cython

cdef extern from "vector.h":
    ctypedef struct Rule "lernmi_rule":  # one step's numbers for a layer of links
        int kind                        # PLAIN, MOMENTUM, NESTEROV or ADAM
        double rate                     # the training rate
        double momentum                 # SGD's momentum
        double beta1                    # Adam's decay rates of its moments
        double beta2
        double epsilon                  # Adam's
        double decay                    # weight decay
        double batch                    # how many samples the summed gradient is over
        double size                     # Adam's rate / (1 - beta1^k) after k steps
        double root                     # Adam's sqrt(1 - beta2^k)
    void lernmi_axpy(double alpha, const double *x, double *y, Py_ssize_t n) noexcept nogil
    int lernmi_mean_step(double *w, double *m, double *v, double *g, const Rule *r,
                         Py_ssize_t n) noexcept nogil
    void lernmi_momentum(double *w, double *m, const double *g, const Rule *r, int nesterov,
                         Py_ssize_t n) noexcept nogil
    void lernmi_adam(double *w, double *m, double *v, const double *g, const Rule *r,
                     Py_ssize_t n) noexcept nogil

# The codes of the rules, and where a layer's settings keep each number (steps.py).
cdef int PLAIN, MOMENTUM, NESTEROV, ADAM
cdef Py_ssize_t KIND, MU, BETA1, BETA2, EPSILON, DECAY, STEPS, SETTINGS
cdef double SMALLEST

cdef Rule rule_of(const double[::1] settings, Py_ssize_t at, double eta,
                  double batch) noexcept nogil
@cython.locals(kind=int, size=double, root=double)
cdef Rule rule_at(const double[::1] settings, Py_ssize_t at, double eta, double batch,
                  double k) noexcept nogil
cdef bint plain(const double[::1] settings, Py_ssize_t at) noexcept nogil
cdef bint plain_step(Rule rule) noexcept nogil
cdef void count_step(double[::1] settings, Py_ssize_t at) noexcept nogil
@cython.locals(n=Py_ssize_t, i=Py_ssize_t, one1=double, one2=double, vi=double)
cdef void step_weights(double[::1] w, double[::1] m, double[::1] v, double[::1] g,
                       Rule rule, Py_ssize_t at) noexcept nogil
cdef double flushed(double x) noexcept nogil
