# C declarations for propagation.py: what a layer of links does, forward and back.

cimport cython

from lernmi.reals cimport real, rounded
from lernmi.steps cimport Rule, step_weights
from lernmi.stores cimport Moments, NeuronStore

cdef extern from "vector.h":
    const int LANES "LERNMI_LANES"
    real lernmi_dot(const real *x, const real *y, Py_ssize_t n) noexcept nogil
    void lernmi_dot4_add(const real *w, const real *x, real *out, Py_ssize_t stride,
                         Py_ssize_t n) noexcept nogil
    void lernmi_axpy(real alpha, const real *x, real *y, Py_ssize_t n) noexcept nogil
    void lernmi_axpy_pair(real alpha, real *w, real *y, real beta, const real *x,
                          Py_ssize_t n) noexcept nogil
    void lernmi_scale(real alpha, const real *x, real *y, Py_ssize_t n) noexcept nogil
    void lernmi_axpy4(const real *alpha, const real *x, Py_ssize_t stride, real *y,
                      Py_ssize_t n) noexcept nogil
    const int TILE "LERNMI_TILE"
    const int GROUP "LERNMI_GROUP"      # samples packed at once for the tiles
    void lernmi_forward_tiles(const real *w, Py_ssize_t rows, Py_ssize_t n, const real *x,
                              Py_ssize_t stride, Py_ssize_t samples, real *z, real *pack,
                              real *room) noexcept nogil
    Py_ssize_t lernmi_list_room(Py_ssize_t n) noexcept nogil
    Py_ssize_t lernmi_list_columns(const real *x, Py_ssize_t stride, Py_ssize_t samples,
                                   Py_ssize_t n, int lanes, int every,
                                   real *room) noexcept nogil
    bint lernmi_all_finite(const real *x, Py_ssize_t stride, Py_ssize_t count,
                           Py_ssize_t n) noexcept nogil
    void lernmi_pack_runs(const real *x, Py_ssize_t stride, Py_ssize_t samples, real *xp,
                          const real *room, Py_ssize_t n) noexcept nogil
    void lernmi_gradient_listed(int rows, int fresh, const real *s, Py_ssize_t stride,
                                const real *xp, Py_ssize_t samples, real *g, Py_ssize_t n,
                                const real *room, real *gc) noexcept nogil

cdef struct Links:                      # a layer of links: where its numbers lie
    Py_ssize_t start                    # w[start] is weights[0, 0]; the matrix is row-major
    Py_ssize_t rows                     # learning neurons of the layer fed: row j feeds j
    Py_ssize_t cols                     # neurons of the layer feeding it, its bias first
    Py_ssize_t source                   # the feeding layer's bias neuron, in its store
    Py_ssize_t target                   # the fed layer's bias neuron, in its store
    Py_ssize_t samples                  # how many samples' neurons the stores hold, at
    Py_ssize_t stride                   # source + b * stride and target + b * stride
    bint send_back                      # whether the feeding layer's delta is worked out
    Rule rule                           # how the links step (its rate is the training rate)

cdef struct Part:                       # the links one thread of a team takes:
    Py_ssize_t row0                     # rows row0 to row1 - 1
    Py_ssize_t row1
    Py_ssize_t col0                     # and columns col0 to col1 - 1
    Py_ssize_t col1

# --- one row of links, the runs of numbers that vector.h computes ----------------------------
@cython.locals(row=Py_ssize_t)
cdef real row_dot(const real[::1] w, Links links, Py_ssize_t j, const real[::1] x,
                    Py_ssize_t xi) noexcept nogil
@cython.locals(stride=Py_ssize_t)
cdef void row_dot4_add(const real[::1] w, Links links, Py_ssize_t j, NeuronStore src,
                       NeuronStore dst, Py_ssize_t first) noexcept nogil
@cython.locals(row=Py_ssize_t, at=Py_ssize_t, alpha=real, k=Py_ssize_t)
cdef void row_step(real[::1] w, Links links, Py_ssize_t j, NeuronStore src, real sj,
                   Part part) noexcept nogil
@cython.locals(row=Py_ssize_t, at=Py_ssize_t, beta=real, k=Py_ssize_t)
cdef void row_send_back_and_step(real[::1] w, Links links, Py_ssize_t j, NeuronStore src,
                                 real sj, Part part) noexcept nogil
@cython.locals(row=Py_ssize_t, at=Py_ssize_t, b=Py_ssize_t, k=Py_ssize_t, sj=real)
cdef void row_send_back(const real[::1] w, Links links, Py_ssize_t j, NeuronStore src,
                        NeuronStore dst, Part part) noexcept nogil
@cython.locals(row=Py_ssize_t, at=Py_ssize_t, b=Py_ssize_t)
cdef void four_rows_send_back(const real[::1] w, Links links, Py_ssize_t j, NeuronStore src,
                              NeuronStore dst, Part part) noexcept nogil
@cython.locals(b=Py_ssize_t, k=Py_ssize_t, at=Py_ssize_t, stride=Py_ssize_t, s0=real, sj=real,
               alpha=real[4])
cdef void row_gradient(real[::1] g, Links links, Py_ssize_t j, NeuronStore src,
                       NeuronStore dst) noexcept nogil
@cython.locals(i=Py_ssize_t)
cdef void scaled(real[::1] g, real alpha, const real[::1] x, Py_ssize_t n) noexcept nogil

# --- one link, and a whole layer of links --------------------------------------------------------
cdef real updated_weight(real w, real eta, real s, real a_in) noexcept nogil
cdef Part whole(Links links) noexcept nogil
cdef Py_ssize_t packed_size(Py_ssize_t cols) noexcept nogil
cdef Py_ssize_t room_at(Py_ssize_t cols) noexcept nogil
@cython.locals(j=Py_ssize_t, b=Py_ssize_t, blocks=Py_ssize_t)
cdef void propagate_links(const real[::1] w, Links links, NeuronStore src, NeuronStore dst,
                          real[::1] pack) noexcept nogil
@cython.locals(j=Py_ssize_t)
cdef void backpropagate_links(real[::1] w, Links links, NeuronStore src, NeuronStore dst,
                              Part part) noexcept nogil
@cython.locals(j=Py_ssize_t)
cdef void step_links(real[::1] w, Links links, NeuronStore src, NeuronStore dst,
                     Part part) noexcept nogil
@cython.locals(j=Py_ssize_t)
cdef void send_back_rows(const real[::1] w, Links links, NeuronStore src, NeuronStore dst,
                         Part part) noexcept nogil
@cython.locals(j=Py_ssize_t, rows=Py_ssize_t, tiled=Py_ssize_t)
cdef void learn_links(real[::1] w, Moments moments, Links links, NeuronStore src,
                      NeuronStore dst, real[::1] pack) noexcept nogil
cdef Py_ssize_t tile_size(Py_ssize_t left) noexcept nogil
@cython.locals(j=Py_ssize_t)
cdef Py_ssize_t tiled_end(Py_ssize_t rows) noexcept nogil
cdef Links some_rows(Links links, Py_ssize_t j, Py_ssize_t rows) noexcept nogil
cdef Links some_samples(Links links, Py_ssize_t b, Py_ssize_t samples) noexcept nogil
@cython.locals(n=Py_ssize_t, stride=Py_ssize_t, group=Py_ssize_t, finite=bint)  # x, room: inferred
cdef void pack_runs(Links links, NeuronStore src, NeuronStore dst, Py_ssize_t first,
                    real[::1] pack) noexcept nogil
@cython.locals(n=Py_ssize_t, stride=Py_ssize_t, first=Py_ssize_t, j=Py_ssize_t, rows=Py_ssize_t,
               group=Py_ssize_t)  # room: a pointer, which Cython infers
cdef void tiled_rows(real[::1] w, Moments moments, Links links, NeuronStore src,
                     NeuronStore dst, real[::1] pack) noexcept nogil
