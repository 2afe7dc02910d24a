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

cdef extern from "vector.h":
    const int LANES "LERNMI_LANES"
    double lernmi_dot(const double *x, const double *y, Py_ssize_t n) noexcept nogil
    void lernmi_dot4_add(const double *w, const double *x, double *out, Py_ssize_t stride,
                         Py_ssize_t n) noexcept nogil
    void lernmi_axpy(double alpha, const double *x, double *y, Py_ssize_t n) noexcept nogil
    void lernmi_axpy_pair(double alpha, double *w, double *y, double beta, const double *x,
                          Py_ssize_t n) noexcept nogil

cdef enum Activation:
    IDENTITY = 0                 # a = z
    SIGMOID = 1                  # a = 1 / (1 + exp(-z))
    BIAS = 2                     # a = 1.0 whatever the neuron was sent
    TANH = 3                     # a = tanh(z)
    RELU = 4                     # a = max(z, 0)
    SOFTMAX = 5                  # a = exp(z) / (sum of exp(z_k) over the layer's softmax neurons)

cdef enum Cost:
    QUADRATIC = 0                # 0.5 * sum (a - t)^2
    CROSS_ENTROPY = 1            # - sum t ln a (+ (1 - t) ln (1 - a) for sigmoid outputs)

cdef double TINY
cdef enum:
    BLOCK = 4                    # samples predict and evaluate take through the weights at once
                                 # (as many as vector.h's lernmi_dot4_add)

# --- runs of numbers -------------------------------------------------------------------------
cdef double dot(const double[::1] x, Py_ssize_t xi, const double[::1] y, Py_ssize_t yi,
                Py_ssize_t n) noexcept nogil
@cython.locals(b=Py_ssize_t)
cdef void dot4_add(const double[::1] w, Py_ssize_t wi, const double[::1] x, Py_ssize_t xi,
                   double[::1] out, Py_ssize_t oi, Py_ssize_t stride, Py_ssize_t n) noexcept nogil
cdef void axpy(double alpha, const double[::1] x, Py_ssize_t xi, double[::1] y, Py_ssize_t yi,
               Py_ssize_t n) noexcept nogil
cdef void axpy_pair(double alpha, double[::1] w, Py_ssize_t wi, double[::1] y, Py_ssize_t yi,
                    double beta, const double[::1] x, Py_ssize_t xi, Py_ssize_t n) noexcept nogil

# --- one neuron, one link ------------------------------------------------------------------
cdef double neuron_output(int kind, double z) noexcept nogil
cdef double output_slope(int kind, double a) noexcept nogil
cdef double link_sensitivity(double delta, int kind, double a) noexcept nogil
cdef double updated_weight(double w, double eta, double s, double a_in) noexcept nogil
cpdef double as_number(double value)

# --- softmax -----------------------------------------------------------------------------------
@cython.locals(i=Py_ssize_t, peak=double, found=bint)
cdef double softmax_peak(const int[::1] kind, const double[::1] z, Py_ssize_t first,
                         Py_ssize_t size) noexcept nogil

@cython.locals(i=Py_ssize_t, total=double)
cdef double softmax_total(const int[::1] kind, const double[::1] z, Py_ssize_t first,
                          Py_ssize_t size, double peak) noexcept nogil

@cython.locals(peak=double)
cdef double softmax_output(const int[::1] kind, const double[::1] z, Py_ssize_t size,
                           Py_ssize_t i) noexcept nogil

@cython.locals(k=Py_ssize_t, p=double)
cdef double softmax_pull(const int[::1] kind, const double[::1] a, const double[::1] delta,
                         Py_ssize_t first, Py_ssize_t count) noexcept nogil

@cython.locals(k=Py_ssize_t, peak=double, total=double, p=double)
cdef double neuron_sensitivity(const int[::1] kind, const double[::1] z,
                               const double[::1] delta, Py_ssize_t size, Py_ssize_t i,
                               bint error_is_sensitivity) noexcept nogil

# --- costs ------------------------------------------------------------------------------------
@cython.locals(j=Py_ssize_t, c=double, aj=double, tj=double)
cpdef double sample_cost(int cost, const int[::1] kind, const double[::1] a, Py_ssize_t first,
                         const double[::1] t) noexcept nogil

@cython.locals(j=Py_ssize_t, count=Py_ssize_t, guess=Py_ssize_t, answer=Py_ssize_t)
cdef bint is_correct(const double[::1] a, Py_ssize_t first, const double[::1] t) noexcept nogil

# --- a whole layer ---------------------------------------------------------------------------
@cython.locals(i=Py_ssize_t, softmax=bint, peak=double, total=double)
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

@cython.locals(j=Py_ssize_t, b=Py_ssize_t)
cdef void propagate_links(const double[::1] w, Py_ssize_t w0, Py_ssize_t rows, Py_ssize_t cols,
                          const double[::1] a_in, Py_ssize_t in_first,
                          double[::1] z_out, Py_ssize_t out_first,
                          Py_ssize_t samples, Py_ssize_t stride) noexcept nogil

@cython.locals(j=Py_ssize_t, p=double)
cdef void compute_sensitivities(const int[::1] kind, const double[::1] a, const double[::1] delta,
                                double[::1] s, Py_ssize_t first, Py_ssize_t count,
                                bint error_is_sensitivity) noexcept nogil

@cython.locals(j=Py_ssize_t, sj=double)
cdef void backpropagate_links(double[::1] w, Py_ssize_t w0, Py_ssize_t rows, Py_ssize_t cols,
                              double eta, const double[::1] a_in, double[::1] delta_in,
                              Py_ssize_t in_first, const double[::1] s_out,
                              Py_ssize_t out_first, bint send_back) noexcept nogil

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
    cdef readonly int cost              # the cost (maths.Cost) the output errors come from
    cdef readonly Py_ssize_t layers     # how many neuron layers

@cython.locals(first="const Py_ssize_t[::1]", w="const double[::1]",
               w0="const Py_ssize_t[::1]", l=Py_ssize_t, last=Py_ssize_t, b=Py_ssize_t,
               stride=Py_ssize_t, rows=Py_ssize_t, cols=Py_ssize_t)
cdef void forward(NetworkArrays net, const int[::1] kind, double[::1] z, double[::1] delta,
                  double[::1] a, const double[:, ::1] x, Py_ssize_t start,
                  Py_ssize_t samples) noexcept nogil

@cython.locals(kind="const int[::1]", delta="double[::1]", a="double[::1]",
               s="double[::1]", first="const Py_ssize_t[::1]", w="double[::1]",
               w0="const Py_ssize_t[::1]", eta="const double[::1]",
               n=Py_ssize_t, k=Py_ssize_t, l=Py_ssize_t, last=Py_ssize_t,
               rows=Py_ssize_t, cols=Py_ssize_t)
cdef void learn_samples(NetworkArrays net, const double[:, ::1] x, const double[:, ::1] t,
                        const Py_ssize_t[::1] order, double[::1] score) noexcept nogil

@cython.locals(first="const Py_ssize_t[::1]", last=Py_ssize_t, stride=Py_ssize_t,
               block=Py_ssize_t, start=Py_ssize_t, samples=Py_ssize_t, b=Py_ssize_t,
               out=Py_ssize_t, j=Py_ssize_t)
cdef void infer_samples(NetworkArrays net, const double[:, ::1] x, const double[:, ::1] t,
                        double[:, ::1] outputs, double[::1] costs, double[::1] right,
                        const int[::1] kind, double[::1] z, double[::1] delta,
                        double[::1] a) noexcept nogil
