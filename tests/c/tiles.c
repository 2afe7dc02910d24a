/* Checks vector.h's batch tiles against its plain sums: for many shapes, every sum that
 * lernmi_dot_tile_add_W, lernmi_dot_tile_listed_W and lernmi_gradient_W work out must equal,
 * bit for bit, the one lernmi_dot (forward) or lernmi_scale then lernmi_axpy (gradient)
 * work out, in every width of vector that vector.h compiled the tiles in and this CPU can
 * run; so must those of the drivers propagation.py calls, lernmi_forward_tiles and
 * lernmi_gradient_listed, which leave out columns that are +0.0 in every sample (most
 * trials have some, and some of -0.0, which are taken), and take every column when a
 * weight or a sensitivity is not finite (some trials have an infinity or a NaN); and
 * lernmi_axpy_dot, a step and a sum in one pass, must equal lernmi_axpy then lernmi_dot
 * (over the whole row, the columns lernmi_axpy_dot leaves out being 0 in both samples).
 * tests/test_vector_h.py compiles it with and without the compiler's vector types
 * (LERNMI_NO_VECTORS, as MSVC builds it) and runs it. Prints the mismatches found, the tile
 * widths checked and how many groups had columns left out.
 *
 * Built with -DLERNMI_TEST_FLOATS, the same for the floats' tiles (lernmi_dot_tile_add_f32_W,
 * ..., W being 16, 8 or 4 floats; tiles of 16 samples) against vector.h's plain loops in
 * floats (lernmi_dot_f32, ...), which tests/c/loops.c checks against loops written there. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef ptrdiff_t Py_ssize_t;
#include "vector.h"

#ifdef LERNMI_TEST_FLOATS
typedef float real;
#define T(name) name##_f32  /* vector.h's name for floats */
#define TILE LERNMI_TILE_F32
#define WIDE 16             /* numbers in a vector of 512, 256 and 128 bits */
#define MIDDLE 8
#define NARROW 4
#else
typedef double real;
#define T(name) name
#define TILE LERNMI_TILE
#define WIDE 8
#define MIDDLE 4
#define NARROW 2
#endif
#define WIDTH(name, width) LERNMI_PASTE(T(name), width)  /* a tile's name in that width */
#define TILES(width)                                                                          \
    {width, WIDTH(lernmi_dot_tile_add, width), WIDTH(lernmi_dot_tile_listed, width),          \
     WIDTH(lernmi_gradient, width)}

typedef void dot_tile(const real *, const real *, const real *, Py_ssize_t, real *, Py_ssize_t,
                      Py_ssize_t);
typedef void gradient_tile(int, int, const real *, Py_ssize_t, const real *, Py_ssize_t, real *,
                           Py_ssize_t);
static const struct {
    int width;
    dot_tile *dot, *listed;  /* four rows packed, every column; in place, the columns listed */
    gradient_tile *gradient;
} widths[] = {
#if defined(LERNMI_PICKS_WIDTH)
    TILES(WIDE), TILES(MIDDLE), TILES(NARROW),
#elif defined(LERNMI_VECTORS)
    TILES(NARROW),
#else
    TILES(1),
#endif
};

static int can_run(int width)  /* whether this CPU has the registers for the width */
{
#if defined(LERNMI_PICKS_WIDTH)
    if (width == WIDE)
        return __builtin_cpu_supports("avx512f");
    if (width == MIDDLE)
        return __builtin_cpu_supports("avx2");
#endif
    return width > 0;
}

static unsigned long long seed = 12345;

static real uniform(void)  /* in [-1, 1), with all 53 bits (24): sums of them must round */
{
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;  /* xorshift64 */
    return (real)((double)(seed >> 11) / 4503599627370496.0 - 1.0);
}

static long same(real a, real b) { return memcmp(&a, &b, sizeof a) == 0 ? 0 : 1; }

static long mismatches = 0, sums = 0;

/* out[b * stride + j] against lernmi_dot of row j and sample b: the tiles' rows, 0 past. */
static void check_forward(const real *out, const real *w, const real *x, Py_ssize_t rows,
                          Py_ssize_t n, Py_ssize_t samples, Py_ssize_t stride)
{
    for (Py_ssize_t b = 0; b < samples; b++)
        for (Py_ssize_t j = 0; j < stride; j++, sums++)
            mismatches += same(out[b * stride + j], j < rows - rows % 4
                               ? T(lernmi_dot)(w + j * n, x + b * stride, n) : (real)0.0);
}

/* g's first `tile` rows against lernmi_scale then lernmi_axpy over the samples; the rest -7. */
static void check_gradient(const real *g, const real *s, const real *x, int tile,
                           Py_ssize_t n, Py_ssize_t samples, Py_ssize_t stride, real *want)
{
    for (Py_ssize_t r = 0; r < tile; r++) {
        T(lernmi_scale)(s[r], x, want, n);
        for (Py_ssize_t b = 1; b < samples; b++)
            T(lernmi_axpy)(s[b * stride + r], x + b * stride, want, n);
        for (Py_ssize_t i = 0; i < n; i++, sums++)
            mismatches += same(g[r * n + i], want[i]);
    }
    for (Py_ssize_t i = tile * n; i < 6 * n; i++)
        mismatches += same(g[i], -7.0);
}

int main(void)
{
    long left_out = 0;
    char widths_checked[32] = "", *checked = widths_checked;
    for (int trial = 0; trial < 300; trial++) {
        Py_ssize_t rows = 4 + trial % 9, n = 1 + (trial * 37) % 70;
        Py_ssize_t samples = 1 + (trial * 11) % 40, stride = n + 16;  /* >= rows */
        Py_ssize_t group = trial % 3 ? 1 + trial % 13 : 32;  /* the gradient's groups */
        int tile = trial % 2 ? 6 : 4;
        Py_ssize_t room_x = sizeof(real) * (samples > 1 ? samples : 2) * stride;  /* two */
        real *w = malloc(sizeof(real) * rows * n), *x = malloc(room_x);  /* for axpy_dot */
        real *s = malloc(room_x), *out = malloc(sizeof(real) * samples * stride);
        real *xp = malloc(sizeof(real) * LERNMI_GROUP * (n + TILE));
        real *g = malloc(sizeof(real) * 6 * n), *want = malloc(sizeof(real) * n);
        real *wp = malloc(sizeof(real) * 4 * n), *gc = malloc(sizeof(real) * 6 * n);
        real *room = malloc(sizeof(real) * T(lernmi_list_room)(n));
        real *pack = malloc(sizeof(real) * (LERNMI_GROUP + 4) * n);
        for (Py_ssize_t i = 0; i < rows * n; i++) w[i] = uniform();
        for (Py_ssize_t i = 0; i < room_x / (Py_ssize_t)sizeof(real); i++) {
            x[i] = uniform();
            s[i] = uniform();
        }

        /* columns of +0.0 in every sample, left out; others in every sample of a tile, a
         * different set from tile to tile; of +0.0 in some samples only; and of -0.0 in
         * every sample, all taken */
        for (Py_ssize_t i = 0; i < n && trial % 4; i++)
            for (Py_ssize_t b = 0; b < samples; b++)
                if (i % 6 == 0 || (i * 7 + trial + b / TILE) % 5 < 1 + trial % 2)
                    x[b * stride + i] = 0.0;
                else if (trial % 4 == 2 && (i + b) % 3 == 0)
                    x[b * stride + i] = 0.0;
                else if (trial % 4 == 1 && i % 11 == 3)
                    x[b * stride + i] = -0.0;
        /* row 0's sensitivities all negative (their blank columns' gradients -0.0), one of
         * them -0.0, and row 1's all positive */
        for (Py_ssize_t b = 0; b < samples; b++) {
            s[b * stride] = -(real)fabs(s[b * stride]);
            s[b * stride + 1] = (real)fabs(s[b * stride + 1]);
        }
        if (trial % 3 == 0)
            s[0] = -0.0;
        /* now and then an infinity or a NaN: a weight in a column left out (column 0), in
         * the last row the tiles take or (with rows after it) in their first four rows, or
         * a sensitivity of a middle sample, in a tile's last row */
        int infinite = trial % 10 == 9 && trial % 4;
        if (infinite)
            w[((trial / 10) % 3 == 2 && rows >= 8 ? 1 : rows - rows % 4 - 1) * n] =
                trial % 20 == 19 ? NAN : INFINITY;
        if (trial % 10 == 7)
            s[samples / 2 * stride + tile - 1] = -INFINITY;

        for (size_t v = 0; v < sizeof widths / sizeof widths[0]; v++) {
            if (!can_run(widths[v].width))
                continue;
            if (trial == 0)
                checked += sprintf(checked, " %d", widths[v].width);

            /* forward: four rows and up to eight samples a tile; in odd trials the
             * columns listed for those samples (every one if a weight is infinite), in
             * even ones every column; the rows packed if every column is taken, but in
             * every fourth trial read in place as when some are left out */
            memset(out, 0, sizeof(real) * samples * stride);
            for (Py_ssize_t b = 0; b < samples; b += TILE) {
                Py_ssize_t count = samples - b < TILE ? samples - b : TILE;
                Py_ssize_t m = T(lernmi_list_columns)(x + b * stride, stride, count, n,
                                                      LERNMI_LANES, infinite || trial % 2 == 0,
                                                      room);
                T(lernmi_pack_lanes)(x + b * stride, stride, count, xp, room, n);
                for (Py_ssize_t j = 0; j + 4 <= rows; j += 4) {
                    if (m == n && trial % 4 != 2) {
                        T(lernmi_pack_rows)(w + j * n, n, wp);
                        widths[v].dot(wp, xp, room, n, out + b * stride + j, stride, count);
                    } else
                        widths[v].listed(w + j * n, xp, room, n, out + b * stride + j, stride,
                                         count);
                }
            }
            check_forward(out, w, x, rows, n, samples, stride);

            /* gradient: six rows or four, in groups of at most `group` samples, every
             * column taken */
            for (Py_ssize_t i = 0; i < 6 * n; i++) g[i] = -7.0;  /* past the tile: kept */
            for (Py_ssize_t first = 0; first < samples; first += group) {
                Py_ssize_t count = samples - first < group ? samples - first : group;
                T(lernmi_list_columns)(x + first * stride, stride, count, n, 1, 1, room);
                T(lernmi_pack_runs)(x + first * stride, stride, count, xp, room, n);
                widths[v].gradient(tile, first == 0, s + first * stride, stride, xp, count,
                                   g, n);
            }
            check_gradient(g, s, x, tile, n, samples, stride, want);
        }

        /* the drivers, in the width this CPU runs, leaving out columns as propagation.py
         * has them do: forward, GROUP samples at a time, every column if a weight is not
         * finite; gradient, every column if a sensitivity is not finite */
        memset(out, 0, sizeof(real) * samples * stride);
        T(lernmi_forward_tiles)(w, rows, n, x, stride, samples, out, pack, room);
        check_forward(out, w, x, rows, n, samples, stride);
        for (Py_ssize_t i = 0; i < 6 * n; i++) g[i] = -7.0;
        for (Py_ssize_t first = 0; first < samples; first += group) {
            Py_ssize_t count = samples - first < group ? samples - first : group;
            int finite = T(lernmi_all_finite)(s + first * stride, stride, count, tile);
            left_out += T(lernmi_list_columns)(x + first * stride, stride, count, n, 1, !finite,
                                               room) < n;
            T(lernmi_pack_runs)(x + first * stride, stride, count, xp, room, n);
            for (Py_ssize_t i = 0; i < 6 * n; i++)
                gc[i] = NAN;  /* whatever the last group left there must not be used */
            T(lernmi_gradient_listed)(tile, first == 0, s + first * stride, stride, xp, count, g,
                                      n, room, gc);
        }
        check_gradient(g, s, x, tile, n, samples, stride, want);

        /* the input layer's step and the next sample's sum in one pass: lernmi_axpy_dot
         * against lernmi_axpy then lernmi_dot, on a copy of each row of weights, every
         * column of both samples taken or (odd trials) only some, the others 0 in both */
        for (Py_ssize_t i = 0; i < rows * n; i++)
            if (!isfinite(w[i]))
                w[i] = 0.5;
        Py_ssize_t start = n > 32 && trial % 2 ? (n > 48 && trial % 4 == 3 ? 48 : 32) : 0;
        Py_ssize_t end = trial % 2 && n - trial % 5 > start ? n - trial % 5 : n;
        Py_ssize_t head = start ? LERNMI_LANES : 0;
        if (start && trial % 8 == 7)
            end = start;  /* nothing past the first 16 */
        for (Py_ssize_t i = 0; i < n; i++)
            if ((i >= head && i < start) || i >= end)
                x[i] = x[stride + i] = 0.0;
        for (Py_ssize_t j = 0; j < rows; j++) {
            real *stepped = g, *apart = want, alpha = isfinite(s[j]) ? s[j] : (real)0.25;
            memcpy(stepped, w + j * n, sizeof(real) * n);
            memcpy(apart, w + j * n, sizeof(real) * n);
            real sum = T(lernmi_axpy_dot)(alpha, x, stepped, x + stride, head, start, end);
            T(lernmi_axpy)(alpha, x, apart, n);
            mismatches += same(sum, T(lernmi_dot)(apart, x + stride, n)), sums++;
            for (Py_ssize_t i = 0; i < n; i++, sums++)
                mismatches += same(stepped[i], apart[i]);
        }
        free(w); free(x); free(s); free(out); free(xp); free(g); free(want); free(wp);
        free(gc); free(room); free(pack);
    }
    printf("%ld mismatches in %ld sums; tile widths:%s; columns left out in %ld groups\n",
           mismatches, sums, widths_checked, left_out);
    return mismatches != 0;
}
