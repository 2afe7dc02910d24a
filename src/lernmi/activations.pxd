# C declarations for activations.py: what a neuron computes, and a layer of neurons at once.
#
# A layer of neurons inside a NeuronStore is named by `first`, the index of its bias neuron,
# and `size`, its neurons counting the bias neuron: its learning neurons are first + 1 to
# first + size - 1.

cimport cython

from lernmi.reals cimport real, rounded
from lernmi.stores cimport NeuronStore

cdef extern from "vector.h":
    void lernmi_load_identity(const real *x, real *z, real *a, const real *keep,
                              Py_ssize_t n) noexcept nogil
    void lernmi_relu_sensitivities(real *s, const real *z, const real *delta,
                                   const real *direct, const real *keep,
                                   Py_ssize_t n) noexcept nogil
    real lernmi_sigmoid(real z) noexcept nogil
    void lernmi_run_outputs(int relu, real *a, const real *z, const real *keep,
                            Py_ssize_t n) noexcept nogil
    void lernmi_zero_sums(real *z, real *delta, real *direct, Py_ssize_t n) noexcept nogil

# The two codes other modules test for. Every code is set in activations.py, beside its
# entry in ACTIVATIONS.
cdef int BIAS                           # a = 1.0, whatever the neuron was sent
cdef int SOFTMAX                        # a = e^z / (sum of e^z over the layer)
cdef real LEAK, SQRT_HALF, INV_SQRT_2PI  # the formulas' constants (set in activations.py)

# --- one neuron ------------------------------------------------------------------------------
@cython.locals(e=real, a=real)
cdef real activate(int kind, real z) noexcept nogil
cdef real slope(int kind, real z, real a) noexcept nogil
cdef real sensitivity(int kind, real z, real a, real delta, real p) noexcept nogil

# --- softmax, the activation of a whole layer -------------------------------------------------
@cython.locals(i=Py_ssize_t, peak=real, found=bint)
cdef real softmax_peak(NeuronStore n, Py_ssize_t first, Py_ssize_t size) noexcept nogil
@cython.locals(i=Py_ssize_t, total=real)
cdef real softmax_total(NeuronStore n, Py_ssize_t first, Py_ssize_t size,
                          real peak) noexcept nogil
@cython.locals(i=Py_ssize_t, p=real)
cdef real softmax_pull(NeuronStore n, Py_ssize_t first, Py_ssize_t size) noexcept nogil

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
cdef void load_inputs(NeuronStore n, Py_ssize_t first, const real[:, ::1] x,
                      Py_ssize_t k) noexcept nogil
@cython.locals(i=Py_ssize_t, j=Py_ssize_t)
cdef void load_layer(NeuronStore n, Py_ssize_t first, const real[:, ::1] x, Py_ssize_t k,
                     bint identity, bint again) noexcept nogil
@cython.locals(i=Py_ssize_t, end=Py_ssize_t, softmax=bint, peak=real, total=real,
               kept=real)
cdef void compute_outputs(NeuronStore n, Py_ssize_t first, Py_ssize_t size) noexcept nogil
@cython.locals(i=Py_ssize_t, j=Py_ssize_t, end=Py_ssize_t, p=real, pulled=bint, kept=real)
cdef void compute_sensitivities(NeuronStore n, Py_ssize_t first, Py_ssize_t size) noexcept nogil

@cython.locals(a=real)
cdef real kept_sensitivity(NeuronStore n, Py_ssize_t i) noexcept nogil

# --- one neuron of a store, for Neuron's methods -------------------------------------------------
@cython.locals(peak=real)
cdef real neuron_output(NeuronStore n, Py_ssize_t i) noexcept nogil
@cython.locals(a=real, peak=real, total=real, p=real, k=Py_ssize_t)
cdef real neuron_sensitivity(NeuronStore n, Py_ssize_t i) noexcept nogil
