# C declarations for activations.py: what a neuron computes, and a layer of neurons at once.
#
# A layer of neurons inside a NeuronStore is named by `first`, the index of its bias neuron,
# and `size`, its neurons counting the bias neuron: its learning neurons are first + 1 to
# first + size - 1.

cimport cython

from lernmi.stores cimport NeuronStore

cdef extern from "vector.h":
    void lernmi_load_identity(const double *x, double *z, double *a, const double *keep,
                              Py_ssize_t n) noexcept nogil
    void lernmi_relu_sensitivities(double *s, const double *z, const double *delta,
                                   const double *direct, const double *keep,
                                   Py_ssize_t n) noexcept nogil
    double lernmi_sigmoid(double z) noexcept nogil
    void lernmi_run_outputs(int relu, double *a, const double *z, const double *keep,
                            Py_ssize_t n) noexcept nogil
    void lernmi_zero_sums(double *z, double *delta, double *direct, Py_ssize_t n) noexcept nogil

# The two codes other modules test for. Every code is set in activations.py, beside its
# entry in ACTIVATIONS.
cdef int BIAS                           # a = 1.0, whatever the neuron was sent
cdef int SOFTMAX                        # a = e^z / (sum of e^z over the layer)

# --- one neuron ------------------------------------------------------------------------------
@cython.locals(e=double, a=double)
cdef double activate(int kind, double z) noexcept nogil
cdef double slope(int kind, double z, double a) noexcept nogil
cdef double sensitivity(int kind, double z, double a, double delta, double p) noexcept nogil

# --- softmax, the activation of a whole layer -------------------------------------------------
@cython.locals(i=Py_ssize_t, peak=double, found=bint)
cdef double softmax_peak(NeuronStore n, Py_ssize_t first, Py_ssize_t size) noexcept nogil
@cython.locals(i=Py_ssize_t, total=double)
cdef double softmax_total(NeuronStore n, Py_ssize_t first, Py_ssize_t size,
                          double peak) noexcept nogil
@cython.locals(i=Py_ssize_t, p=double)
cdef double softmax_pull(NeuronStore n, Py_ssize_t first, Py_ssize_t size) noexcept nogil

# --- a layer of neurons ------------------------------------------------------------------------
# The loops that run once a sample (these, and costs.pxd's) take a store's arrays by the
# address of a number or index them where they are, and a row of x or t by its number, never
# into a memoryview of their own: each view made counts itself in and out of its array with
# an atomic add, which threads sharing the array would take turns at, its cache line passed
# between the cores several times a sample (an epoch of 784-224-10 in batches of 128 on two
# threads took 5% longer so).
@cython.locals(i=Py_ssize_t)
cdef void reset_sums(NeuronStore n, Py_ssize_t first, Py_ssize_t size) noexcept nogil
@cython.locals(i=Py_ssize_t)
cdef void keep_all(NeuronStore n) noexcept nogil
@cython.locals(i=Py_ssize_t)
cdef void load_inputs(NeuronStore n, Py_ssize_t first, const double[:, ::1] x,
                      Py_ssize_t k) noexcept nogil
@cython.locals(i=Py_ssize_t, j=Py_ssize_t)
cdef void load_layer(NeuronStore n, Py_ssize_t first, const double[:, ::1] x, Py_ssize_t k,
                     bint identity, bint again) noexcept nogil
@cython.locals(i=Py_ssize_t, end=Py_ssize_t, softmax=bint, peak=double, total=double,
               kept=double)
cdef void compute_outputs(NeuronStore n, Py_ssize_t first, Py_ssize_t size) noexcept nogil
@cython.locals(i=Py_ssize_t, j=Py_ssize_t, end=Py_ssize_t, p=double, pulled=bint, kept=double)
cdef void compute_sensitivities(NeuronStore n, Py_ssize_t first, Py_ssize_t size) noexcept nogil

@cython.locals(a=double)
cdef double kept_sensitivity(NeuronStore n, Py_ssize_t i) noexcept nogil

# --- one neuron of a store, for Neuron's methods -------------------------------------------------
@cython.locals(peak=double)
cdef double neuron_output(NeuronStore n, Py_ssize_t i) noexcept nogil
@cython.locals(a=double, peak=double, total=double, p=double, k=Py_ssize_t)
cdef double neuron_sensitivity(NeuronStore n, Py_ssize_t i) noexcept nogil
