# C declarations for maths.py: the types of the arithmetic that neurons and links do.
#
# Symbols follow the maths:  z  a neuron's input sum          a    its output, f(z)
#                            delta  its sensitivity sum       s    delta * f'(z), one per neuron
#                            w  a link's weight               eta  a link's training rate
#
# A neuron layer inside an array is named by `first`, the index of its bias neuron, and its
# size or `count` of learning neurons (first + 1 .. first + count). A link layer's weights are
# the rows x cols matrix that starts at w[w0], row-major: row j feeds learning neuron j of the
# output layer, column i comes from neuron i (bias first) of the input layer.

cimport cython

cdef enum Activation:
    IDENTITY = 0                 # a = z
    SIGMOID = 1                  # a = 1 / (1 + exp(-z))
    BIAS = 2                     # a = 1.0 whatever the neuron was sent

# --- one neuron, one link ------------------------------------------------------------------
cdef double neuron_output(int kind, double z) noexcept nogil
cdef double output_slope(int kind, double a) noexcept nogil
cdef double link_sensitivity(double delta, int kind, double a) noexcept nogil
cdef double updated_weight(double w, double eta, double s, double a_in) noexcept nogil
cpdef double as_number(double value)

# --- a whole layer ---------------------------------------------------------------------------
@cython.locals(i=Py_ssize_t)
cdef void compute_outputs(const int[::1] kind, const double[::1] z, double[::1] a,
                          Py_ssize_t first, Py_ssize_t size) noexcept nogil

@cython.locals(i=Py_ssize_t)
cdef void reset_learning(double[::1] z, double[::1] delta,
                         Py_ssize_t first, Py_ssize_t count) noexcept nogil

@cython.locals(i=Py_ssize_t)
cdef void load_inputs(double[::1] z, Py_ssize_t first, const double[::1] x) noexcept nogil

@cython.locals(j=Py_ssize_t)
cdef void submit_errors(const double[::1] a, double[::1] delta, Py_ssize_t first,
                        const double[::1] t) noexcept nogil

@cython.locals(i=Py_ssize_t, j=Py_ssize_t, row=Py_ssize_t, zj=double)
cdef void propagate_links(const double[::1] w, Py_ssize_t w0, Py_ssize_t rows, Py_ssize_t cols,
                          const double[::1] a_in, Py_ssize_t in_first,
                          double[::1] z_out, Py_ssize_t out_first) noexcept nogil

@cython.locals(j=Py_ssize_t)
cdef void compute_sensitivities(const int[::1] kind, const double[::1] a, const double[::1] delta,
                                double[::1] s, Py_ssize_t first, Py_ssize_t count) noexcept nogil

@cython.locals(i=Py_ssize_t, j=Py_ssize_t, row=Py_ssize_t, sj=double, wji=double)
cdef void backpropagate_links(double[::1] w, Py_ssize_t w0, Py_ssize_t rows, Py_ssize_t cols,
                              double eta, const double[::1] a_in, double[::1] delta_in,
                              Py_ssize_t in_first, const double[::1] s_out,
                              Py_ssize_t out_first) noexcept nogil

# --- a whole network, sample after sample ---------------------------------------------------
@cython.final                           # a subclass could override what the loop trusts
cdef class NetworkArrays:
    cdef int[::1] kind                  # activation of every neuron, layer after layer
    cdef double[::1] z                  # input sums
    cdef double[::1] delta              # sensitivity sums
    cdef double[::1] a                  # outputs, as the last loop computed them
    cdef double[::1] s                  # sensitivities, as the last loop computed them
    cdef Py_ssize_t[::1] first          # each layer's bias neuron, then one past the last neuron
    cdef double[::1] w                  # every link layer's weights, one matrix after another
    cdef Py_ssize_t[::1] w0             # where each link layer's matrix starts in w, then the end
    cdef double[::1] eta                # each link layer's training rate
    cdef readonly Py_ssize_t layers     # how many neuron layers

@cython.locals(kind="const int[::1]", z="double[::1]", delta="double[::1]", a="double[::1]",
               s="double[::1]", first="const Py_ssize_t[::1]", w="double[::1]",
               w0="const Py_ssize_t[::1]", eta="const double[::1]",
               n=Py_ssize_t, k=Py_ssize_t, l=Py_ssize_t, last=Py_ssize_t,
               rows=Py_ssize_t, cols=Py_ssize_t)
cdef void learn_samples(NetworkArrays net, const double[:, ::1] x, const double[:, ::1] t,
                        const Py_ssize_t[::1] order) noexcept nogil
