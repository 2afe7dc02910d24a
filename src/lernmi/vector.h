/* The vector arithmetic under lernmi's layer loops, in C so that compilers vectorise it.
 *
 * propagation.py, the loops of a layer of links, and steps.py, an optimiser's step on a row
 * of weights, call these primitives for the long runs of numbers a row of links works on
 * (and activations.py one to load an input layer), and run a Python copy of each (beside
 * its call) when they run uncompiled.
 *
 * Two rules keep every result the same on every machine:
 *   - A sum is taken in a fixed order that does not depend on the CPU: LANES running
 *     partial sums (element i goes to partial sum i % LANES), added up in a fixed tree.
 *     Such independent sums are what vector registers compute, so the compiler can
 *     vectorise them without reordering anything (it must not reorder a plain sum).
 *   - setup.py builds the loops with -ffp-contract=off, so no CPU fuses a multiply and an
 *     add into one rounding that another CPU would do in two.
 *
 * On x86-64 Linux with GCC each function is compiled three times, for the baseline (SSE2),
 * for AVX2 and for AVX-512, and the dynamic loader picks the widest the CPU has (GCC's
 * target_clones). The batch tiles are written on vectors as wide as those registers and
 * picked as they run (LERNMI_PICK). Every version gives identical results; only speed
 * differs.
 */
#ifndef LERNMI_VECTOR_H
#define LERNMI_VECTOR_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>  /* these define __GLIBC__ where there is one; target_clones needs it */

/* Every module that cimports activations, propagation or steps includes this header, but
 * each calls only some of these functions: it would warn that the others are unused.
 * (Clang, at least to version 14, refuses target_clones beside `unused`: it builds for the
 * baseline CPU, but for the batch tiles, which it too compiles in every width below.) */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__) \
    && defined(__GLIBC__)
#define LERNMI_CLONES __attribute__((unused, target_clones("default", "avx2", "avx512f")))
#elif defined(__GNUC__)
#define LERNMI_CLONES __attribute__((unused))
#else
#define LERNMI_CLONES
#endif

#if defined(_MSC_VER)
#define LERNMI_RESTRICT __restrict
#else
#define LERNMI_RESTRICT __restrict__
#endif

#define LERNMI_LANES 16

/* Adds up the LERNMI_LANES partial sums of one sum, lane[0] to lane[15] (doubles, or vectors
 * of several sums' lanes side by side), in the fixed tree every sum here uses: each half
 * onto the half before it, 8 + 8, then 4 + 4, 2 + 2, 1 + 1. The total is left in lane[0]. */
#define LERNMI_ADD_LANES(lane)                                                                \
    for (int width_ = LERNMI_LANES / 2; width_ > 0; width_ /= 2)                              \
        for (int k_ = 0; k_ < width_; k_++)                                                   \
            (lane)[k_] += (lane)[k_ + width_]

/* sum of x[i] * y[i] for i < n, in the fixed order described above. */
LERNMI_CLONES static double lernmi_dot(const double *LERNMI_RESTRICT x,
                                       const double *LERNMI_RESTRICT y, Py_ssize_t n)
{
    double lane[LERNMI_LANES] = {0.0};
    Py_ssize_t i = 0;
    for (; i + LERNMI_LANES <= n; i += LERNMI_LANES)
        for (int k = 0; k < LERNMI_LANES; k++)
            lane[k] += x[i + k] * y[i + k];
    for (int k = 0; i + k < n; k++)
        lane[k] += x[i + k] * y[i + k];
    LERNMI_ADD_LANES(lane);
    return lane[0];
}

/* The same sum for four rows x, x + stride, x + 2 stride, x + 3 stride at once, each taken
 * exactly as lernmi_dot takes it, added to out[0], out[stride], out[2 stride] and
 * out[3 stride]: w is read once for all four, and the four sums overlap in the CPU. */
LERNMI_CLONES static void lernmi_dot4_add(const double *LERNMI_RESTRICT w,
                                          const double *LERNMI_RESTRICT x,
                                          double *LERNMI_RESTRICT out, Py_ssize_t stride,
                                          Py_ssize_t n)
{
    double lane[4][LERNMI_LANES] = {{0.0}};
    Py_ssize_t i = 0;
    for (; i + LERNMI_LANES <= n; i += LERNMI_LANES)
        for (int k = 0; k < LERNMI_LANES; k++) {
            double wk = w[i + k];
            lane[0][k] += wk * x[i + k];
            lane[1][k] += wk * x[stride + i + k];
            lane[2][k] += wk * x[2 * stride + i + k];
            lane[3][k] += wk * x[3 * stride + i + k];
        }
    for (int b = 0; b < 4; b++) {
        for (int k = 0; i + k < n; k++)
            lane[b][k] += w[i + k] * x[b * stride + i + k];
        LERNMI_ADD_LANES(lane[b]);
        out[b * stride] += lane[b][0];
    }
}

/* GCC and Clang's vector types: two, four or eight doubles that the compiler keeps in one
 * register (SSE2 or NEON, AVX, AVX-512), doing each operation lane by lane with IEEE
 * rounding, exactly as the plain C loops below do them one double at a time (MSVC compiles
 * those). aligned(8): they may be loaded from any double. */
#if defined(__GNUC__) && !defined(LERNMI_NO_VECTORS)  /* (a test builds it as MSVC would) */
#define LERNMI_VECTORS 1
typedef double lernmi_v2 __attribute__((vector_size(16), aligned(8)));
typedef double lernmi_v4 __attribute__((vector_size(32), aligned(8)));
typedef double lernmi_v8 __attribute__((vector_size(64), aligned(8)));
/* Lanes i, j, k and l of the eight of a and b side by side (a's 0 to 3, then b's): Clang's
 * __builtin_shufflevector, which GCC has only from version 12, or GCC's __builtin_shuffle. */
#if defined(__clang__)
#define LERNMI_SHUFFLE(a, b, i, j, k, l) __builtin_shufflevector(a, b, i, j, k, l)
#else
typedef long long lernmi_i4 __attribute__((vector_size(32)));
#define LERNMI_SHUFFLE(a, b, i, j, k, l) __builtin_shuffle(a, b, (lernmi_i4){i, j, k, l})
#endif
#endif

/* A helper inlined into each clone that calls it, so compiled for each one's CPU. */
#if defined(__GNUC__)
#define LERNMI_INLINE static inline __attribute__((always_inline, unused))
#elif defined(_MSC_VER)
#define LERNMI_INLINE static __forceinline
#else
#define LERNMI_INLINE static inline
#endif

/* The kernels below take a batch's numbers in small tiles, as matrix products do: a tile of
 * rows of weights and of samples (or of numbers) whose partial sums all stay in the CPU's
 * registers while it runs through the row or the batch. To read its operands one after the
 * other a tile wants them packed first: lernmi_pack_lanes puts eight samples side by side
 * for each number of a row, lernmi_pack_rows four rows of weights side by side in the same
 * order, lernmi_pack_runs each sample's runs of eight numbers one after another. A tile
 * changes no sum: each adds its terms in the order the plain loops do. */
#define LERNMI_TILE 8  /* samples in a forward tile, and numbers in a gradient tile's run */
#define LERNMI_GROUP 32  /* samples packed at once: propagation.pxd's GROUP */

/* The columns a batch's tiles take: lernmi_list_columns lists them in `room`, room for
 * 3 n + LANES + 2 numbers beside rows of n: order[c] for c < m, the columns taken; live[i],
 * 0 for a column left out; runs, the lengths of the runs of
 * columns taken and left out in turn, from column 0, the first one taken (maybe 0 long);
 * count[k], how many are taken in lane k (of `lanes`), and count[LANES], m. Py_ssize_t
 * and uint64_t are no wider than a double, and `room` (numbers the caller allocated) is
 * only ever read as the type last written there, as C allows.
 *
 * Why leaving a column of +0.0 out changes no number: forward, its terms w * 0 are +0.0 or
 * -0.0 (w finite), and a sum of lanes that start at +0.0 is never -0.0 (in round to
 * nearest, x + y is -0.0 only if both are; this assumes no flush of subnormals to zero,
 * which no lernmi build asks for), so adding them leaves every lane as it was. Back, see
 * lernmi_scatter_rows. */
#define LERNMI_ORDER(room) ((Py_ssize_t *)(room))
#define LERNMI_LIVE(room, n) ((uint64_t *)((room) + (n)))
#define LERNMI_RUNS(room, n) ((Py_ssize_t *)((room) + 2 * (n)))
#define LERNMI_COUNT(room, n) ((Py_ssize_t *)((room) + 3 * (n) + 1))

/* Lists in room the columns i < n that are not +0.0 in all of `samples` samples (x[b *
 * stride + i]), or with `every`, or if fewer than an eighth of them are +0.0 (leaving out
 * so few would save less than listing costs), all of them; in order of lane (LANES lanes:
 * column i in lane i % LANES, as lernmi_dot adds them) or, with one lane, of column. A
 * column of +0.0 adds 0 to every forward sum, and its gradient is a sum of zeros: the tiles
 * leave it out. Returns m, how many are listed. */
LERNMI_CLONES static Py_ssize_t lernmi_list_columns(const double *LERNMI_RESTRICT x,
                                                    Py_ssize_t stride, Py_ssize_t samples,
                                                    Py_ssize_t n, int lanes, int every,
                                                    double *LERNMI_RESTRICT room)
{
    Py_ssize_t *order = LERNMI_ORDER(room), *count = LERNMI_COUNT(room, n), m = 0;
    Py_ssize_t *runs = LERNMI_RUNS(room, n), run = 0;
    uint64_t *live = LERNMI_LIVE(room, n);
    for (Py_ssize_t i = 0; i < n; i++)
        live[i] = every ? 1 : 0;
    for (Py_ssize_t b = 0; b < samples && !every; b++)
        for (Py_ssize_t i = 0; i < n; i++) {
            uint64_t bits;  /* 0 only for +0.0 */
            memcpy(&bits, x + b * stride + i, sizeof bits);
            live[i] |= bits;
        }
    Py_ssize_t blank = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        blank += live[i] == 0;
    for (Py_ssize_t i = 0; i < n && blank < (n + 7) / 8; i++)
        live[i] = 1;
    for (int k = 0; k < lanes; k++) {
        count[k] = 0;
        for (Py_ssize_t i = k; i < n; i += lanes) {  /* (no branch: a column left out */
            const Py_ssize_t taken = live[i] != 0;     /* is written over by the next) */
            order[m] = i;
            m += taken;
            count[k] += taken;
        }
    }
    count[LERNMI_LANES] = m;
    runs[0] = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if ((live[i] != 0) != (run % 2 == 0))  /* runs taken are even, left out odd */
            runs[++run] = 0;
        runs[run]++;
    }
    return m;
}

/* How many columns room lists (lernmi_list_columns), in rows of n. */
LERNMI_INLINE Py_ssize_t lernmi_listed(const double *room, Py_ssize_t n)
{
    return LERNMI_COUNT(room, n)[LERNMI_LANES];
}

/* Whether x[b * stride + i] is finite for every b < count and i < n. */
LERNMI_CLONES static int lernmi_all_finite(const double *LERNMI_RESTRICT x, Py_ssize_t stride,
                                           Py_ssize_t count, Py_ssize_t n)
{
    int finite = 1;
    for (Py_ssize_t b = 0; b < count; b++)
        for (Py_ssize_t i = 0; i < n; i++)
            finite &= x[b * stride + i] - x[b * stride + i] == 0.0;  /* NaN for inf, NaN */
    return finite;
}

/* Packs up to eight samples for lernmi_dot_4x8_add: sample b's numbers are x[b * stride + i]
 * for the columns i listed in room (lernmi_list_columns, lane by lane), and for each of
 * them the eight samples side by side, zero past the last sample: 8 m numbers. */
LERNMI_CLONES static void lernmi_pack_lanes(const double *LERNMI_RESTRICT x, Py_ssize_t stride,
                                            Py_ssize_t samples, double *LERNMI_RESTRICT xp,
                                            const double *room, Py_ssize_t n)
{
    const Py_ssize_t *order = LERNMI_ORDER(room), m = LERNMI_COUNT(room, n)[LERNMI_LANES];
    for (Py_ssize_t c = 0; c < m; c++) {
        for (Py_ssize_t b = 0; b < LERNMI_TILE; b++)
            xp[b] = b < samples ? x[b * stride + order[c]] : 0.0;
        xp += LERNMI_TILE;
    }
}

/* Packs four rows of weights (w, w + n, w + 2 n, w + 3 n) for lernmi_dot_4x8_add, in the
 * order it reads them: element by element in lernmi_pack_lanes's order for every column,
 * and for each element i the four rows' weights side by side: 4 n numbers. Read in place,
 * a tile would take each row's lane k from every sixteenth number, a cache line for each
 * weight: when every column is taken, that is slower than packing (when some are left
 * out, packing the ones listed is the slower, see lernmi_dot_4x8_on). */
LERNMI_CLONES static void lernmi_pack_rows(const double *LERNMI_RESTRICT w, Py_ssize_t n,
                                           double *LERNMI_RESTRICT wp)
{
    /* where lane k's elements start in wp, in fours: lane k has (n - k + 15) / 16 */
    Py_ssize_t at[LERNMI_LANES], whole = n - n % 4;
    at[0] = 0;
    for (int k = 1; k < LERNMI_LANES; k++)
        at[k] = at[k - 1] + 4 * ((n - k + LERNMI_LANES) / LERNMI_LANES);
#ifdef LERNMI_VECTORS
    /* four elements of the four rows at a time, turned from rows into elements (a 4 x 4
     * transpose in registers), each element's four then stored where its lane goes on */
    for (Py_ssize_t i = 0; i < whole; i += 4) {
        lernmi_v4 r0 = *(const lernmi_v4 *)(w + i), r1 = *(const lernmi_v4 *)(w + n + i);
        lernmi_v4 r2 = *(const lernmi_v4 *)(w + 2 * n + i);
        lernmi_v4 r3 = *(const lernmi_v4 *)(w + 3 * n + i);
        lernmi_v4 t0 = LERNMI_SHUFFLE(r0, r1, 0, 4, 2, 6);
        lernmi_v4 t1 = LERNMI_SHUFFLE(r0, r1, 1, 5, 3, 7);
        lernmi_v4 t2 = LERNMI_SHUFFLE(r2, r3, 0, 4, 2, 6);
        lernmi_v4 t3 = LERNMI_SHUFFLE(r2, r3, 1, 5, 3, 7);
        Py_ssize_t k = i % LERNMI_LANES, q = 4 * (i / LERNMI_LANES);
        *(lernmi_v4 *)(wp + at[k] + q) = LERNMI_SHUFFLE(t0, t2, 0, 1, 4, 5);
        *(lernmi_v4 *)(wp + at[k + 1] + q) = LERNMI_SHUFFLE(t1, t3, 0, 1, 4, 5);
        *(lernmi_v4 *)(wp + at[k + 2] + q) = LERNMI_SHUFFLE(t0, t2, 2, 3, 6, 7);
        *(lernmi_v4 *)(wp + at[k + 3] + q) = LERNMI_SHUFFLE(t1, t3, 2, 3, 6, 7);
    }
#else
    whole = 0;
#endif
    for (Py_ssize_t i = whole; i < n; i++)
        for (int r = 0; r < 4; r++)
            wp[at[i % LERNMI_LANES] + 4 * (i / LERNMI_LANES) + r] = w[r * n + i];
}

/* The batch tiles' arithmetic on vectors of W doubles (type V), a tile's eight samples or
 * eight numbers being TILE / W vectors. A vector wider than the CPU's registers is compiled
 * in pieces, which GCC keeps in memory rather than in registers (7 to 11 times slower in a
 * C harness: eight doubles on AVX2, four on SSE2), and one narrower than them leaves half
 * of each register unused (AVX-512 took 1.3 to 1.6 times as long on four), so each CPU
 * gets the tiles in the width of its registers (LERNMI_PICK, below). */
#define LERNMI_PIECES(W) (LERNMI_TILE / (W))

/* lernmi_dot_4x8_add's loops: lane[r][q][k] is lane k of the sums of row r for samples q W
 * to q W + W - 1 side by side, so that the tree adds W samples' lanes at once. WEIGHT is
 * row r's weight of the column the loop is on, and NEXT moves on to the next column. */
#define LERNMI_DOT_4X8_ON(V, W, WEIGHT, NEXT)                                                 \
    {                                                                                         \
        V lane[4][LERNMI_PIECES(W)][LERNMI_LANES];                                            \
        for (int k = 0; k < LERNMI_LANES; k++) {                                              \
            V acc[4][LERNMI_PIECES(W)];                                                       \
            for (int r = 0; r < 4; r++)                                                       \
                for (int q = 0; q < LERNMI_PIECES(W); q++)                                    \
                    acc[r][q] = (V){0.0};                                                     \
            for (Py_ssize_t c = count[k]; c > 0; c--, xp += LERNMI_TILE, NEXT) {              \
                V x[LERNMI_PIECES(W)];                                                        \
                for (int q = 0; q < LERNMI_PIECES(W); q++)                                    \
                    x[q] = *(const V *)(xp + q * (W));                                        \
                for (int r = 0; r < 4; r++) {                                                 \
                    double wr = WEIGHT;                                                       \
                    for (int q = 0; q < LERNMI_PIECES(W); q++)                                \
                        acc[r][q] += wr * x[q];                                               \
                }                                                                             \
            }                                                                                 \
            for (int r = 0; r < 4; r++)                                                       \
                for (int q = 0; q < LERNMI_PIECES(W); q++)                                    \
                    lane[r][q][k] = acc[r][q];                                                \
        }                                                                                     \
        for (int r = 0; r < 4; r++)                                                           \
            for (int q = 0; q < LERNMI_PIECES(W); q++) {                                      \
                V *sum = lane[r][q];                                                          \
                LERNMI_ADD_LANES(sum);                                                        \
                for (Py_ssize_t b = q * (W); b < (q + 1) * (W) && b < samples; b++)           \
                    out[r + b * stride] += sum[0][b - q * (W)];                               \
            }                                                                                 \
    }

/* Four rows of weights and up to eight samples (packed into xp by lernmi_pack_lanes), for the
 * columns listed in room: out[r + b * stride] += lernmi_dot(row r, sample b, n) for r < 4
 * and b < samples, each sum taken exactly as lernmi_dot takes it, but for the terms of
 * columns left out, each +0.0 or -0.0 (the weights being finite), which change no sum of
 * lanes that start at +0.0. Lane by lane: lane k of all 32 sums in registers at once, each
 * weight read once for eight samples and each sample's number once for four rows; then
 * lernmi_dot's tree adds each sum's lanes. On vectors of W doubles (1: plain C). The rows
 * are w, w + n, w + 2 n and w + 3 n, read where they are (`listed`: a C harness on MNIST
 * groups took 10% less time so than packing the columns listed), or packed into w by
 * lernmi_pack_rows when every column is taken (a dense harness: 11% less than in place). */
LERNMI_INLINE void lernmi_dot_4x8_on(const int W, const int listed,
                                     const double *LERNMI_RESTRICT w,
                                     const double *LERNMI_RESTRICT xp, const double *room,
                                     Py_ssize_t n, double *LERNMI_RESTRICT out,
                                     Py_ssize_t stride, Py_ssize_t samples)
{
    const Py_ssize_t *count = LERNMI_COUNT(room, n), *order = LERNMI_ORDER(room);
#ifdef LERNMI_VECTORS
    if (W == 8 && listed)
        LERNMI_DOT_4X8_ON(lernmi_v8, 8, w[r * n + *order], order++)
    else if (W == 8)
        LERNMI_DOT_4X8_ON(lernmi_v8, 8, w[r], w += 4)
    else if (W == 4 && listed)
        LERNMI_DOT_4X8_ON(lernmi_v4, 4, w[r * n + *order], order++)
    else if (W == 4)
        LERNMI_DOT_4X8_ON(lernmi_v4, 4, w[r], w += 4)
    else if (W == 2 && listed)
        LERNMI_DOT_4X8_ON(lernmi_v2, 2, w[r * n + *order], order++)
    else if (W == 2)
        LERNMI_DOT_4X8_ON(lernmi_v2, 2, w[r], w += 4)
    if (W > 1)
        return;
#endif
    double lane[4][LERNMI_TILE][LERNMI_LANES];
    for (int k = 0; k < LERNMI_LANES; k++) {
        double acc[4][LERNMI_TILE] = {{0.0}};
        for (Py_ssize_t c = count[k]; c > 0; c--, xp += LERNMI_TILE, order++, w += !listed * 4)
            for (int r = 0; r < 4; r++)
                for (int b = 0; b < LERNMI_TILE; b++)
                    acc[r][b] += (listed ? w[r * n + *order] : w[r]) * xp[b];
        for (int r = 0; r < 4; r++)
            for (int b = 0; b < LERNMI_TILE; b++)
                lane[r][b][k] = acc[r][b];
    }
    for (int r = 0; r < 4; r++)
        for (Py_ssize_t b = 0; b < samples; b++) {
            double *sum = lane[r][b];
            LERNMI_ADD_LANES(sum);
            out[r + b * stride] += sum[0];
        }
}

/* Packs `samples` samples for lernmi_gradient, the columns listed in room (m of them): the
 * c-th is column order[c] of x, sample b's being x[b * stride + order[c]]. xp gets them in
 * runs of eight columns, and for each run every sample's eight in turn: xp[(c / 8 * samples
 * + b) * 8 + c % 8], zero past m. */
LERNMI_CLONES static void lernmi_pack_runs(const double *LERNMI_RESTRICT x, Py_ssize_t stride,
                                           Py_ssize_t samples, double *LERNMI_RESTRICT xp,
                                           const double *room, Py_ssize_t n)
{
    const Py_ssize_t *order = LERNMI_ORDER(room), m = LERNMI_COUNT(room, n)[LERNMI_LANES];
    for (Py_ssize_t run = 0; run < m; run += LERNMI_TILE)
        for (Py_ssize_t b = 0; b < samples; b++) {
            for (Py_ssize_t k = 0; k < LERNMI_TILE; k++)
                xp[k] = run + k < m ? x[b * stride + order[run + k]] : 0.0;
            xp += LERNMI_TILE;
        }
}

/* GCC turns a loop that copies into a call to memcpy, which costs more than it saves on
 * the short runs of columns that lernmi_gather_rows and lernmi_scatter_rows copy (in a C
 * harness on MNIST groups, the gradient tiles with their scatter took 5% longer so). */
#if defined(__GNUC__) && !defined(__clang__)
#define LERNMI_NO_MEMCPY __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define LERNMI_NO_MEMCPY
#endif

/* rows rows of gradients, g[r * n + i], gathered for the columns listed in room, which must
 * be listed in one lane, in order of column (lernmi_list_columns): gc[r * m + c] = g[r * n
 * + order[c]]. Run by run of columns taken. */
LERNMI_CLONES LERNMI_NO_MEMCPY static void lernmi_gather_rows(const double *LERNMI_RESTRICT g,
                                                              Py_ssize_t n, Py_ssize_t rows,
                                                              const double *room,
                                                              double *LERNMI_RESTRICT gc)
{
    const Py_ssize_t *runs = LERNMI_RUNS(room, n);
    for (Py_ssize_t r = 0; r < rows; r++)
        for (Py_ssize_t run = 0, i = 0; i < n; i += runs[run++])
            if (run % 2 == 0)
                for (Py_ssize_t k = 0; k < runs[run]; k++)
                    *gc++ = g[r * n + i + k];
}

/* The gradients of rows rows over `samples` samples, g[r * n + i], from those of the columns
 * listed in room (in one lane, as for lernmi_gather_rows), gc[r * m + c], and of the
 * columns left out. Those add `samples` terms s[b * stride + r] * +0.0, each -0.0 if s is
 * negative (or -0.0) and +0.0 otherwise; their sum, fresh, is -0.0 only if every term is,
 * and added on to what g holds, one after another, they give what adding that one zero
 * gives (g itself, unless g is 0: then -0.0 only if g and the zero both are). Every s must
 * be finite (0 * inf is NaN). Run by run. */
LERNMI_CLONES LERNMI_NO_MEMCPY static void lernmi_scatter_rows(
    const double *LERNMI_RESTRICT gc, const double *room, const double *LERNMI_RESTRICT s,
    Py_ssize_t stride, Py_ssize_t samples, int fresh, double *LERNMI_RESTRICT g, Py_ssize_t n,
    Py_ssize_t rows)
{
    const Py_ssize_t *runs = LERNMI_RUNS(room, n);
    for (Py_ssize_t r = 0; r < rows; r++) {
        int negative = 1;
        for (Py_ssize_t b = 0; b < samples; b++)
            negative &= signbit(s[b * stride + r]) != 0;
        const double zero = negative ? -0.0 : 0.0;
        double *row = g + r * n;
        for (Py_ssize_t run = 0, i = 0; i < n; i += runs[run++]) {
            const Py_ssize_t length = runs[run];
            if (run % 2 == 0)
                for (Py_ssize_t k = 0; k < length; k++)
                    row[i + k] = *gc++;
            else if (fresh)
                for (Py_ssize_t k = 0; k < length; k++)
                    row[i + k] = zero;
            else
                for (Py_ssize_t k = 0; k < length; k++)
                    row[i + k] += zero;
        }
    }
}

/* lernmi_gradient_rows's tile of R rows by the eight numbers of a whole run, in registers
 * through the samples. */
#define LERNMI_GRADIENT_ON(V, W)                                                              \
    {                                                                                         \
        V acc[6][LERNMI_PIECES(W)];                                                           \
        for (int r = 0; r < R; r++)                                                           \
            for (int q = 0; q < LERNMI_PIECES(W); q++)                                        \
                acc[r][q] = fresh ? s[r] * *(const V *)(x + q * (W))                          \
                                  : *(const V *)(g + r * n + run + q * (W));                  \
        for (Py_ssize_t b = from; b < samples; b++) {                                         \
            V xb[LERNMI_PIECES(W)];                                                           \
            for (int q = 0; q < LERNMI_PIECES(W); q++)                                        \
                xb[q] = *(const V *)(x + b * LERNMI_TILE + q * (W));                          \
            for (int r = 0; r < R; r++) {                                                     \
                double sr = s[b * stride + r];                                                \
                for (int q = 0; q < LERNMI_PIECES(W); q++)                                    \
                    acc[r][q] += sr * xb[q];                                                  \
            }                                                                                 \
        }                                                                                     \
        for (int r = 0; r < R; r++)                                                           \
            for (int q = 0; q < LERNMI_PIECES(W); q++)                                        \
                *(V *)(g + r * n + run + q * (W)) = acc[r][q];                                \
        continue;                                                                             \
    }

/* R rows' gradients over a batch: g[r * n + i] = s[b * stride + r] * x_b[i] summed over
 * the samples b < samples in turn, as lernmi_scale then lernmi_axpy sum them: `fresh`, from
 * the first sample's term; otherwise added on to what g holds (the next samples). r < R and
 * i < n; x_b is sample b's numbers as lernmi_pack_runs packed them into xp, and s[b *
 * stride + r] its sensitivity of row r's neuron. A tile of R rows by eight numbers stays in
 * registers through the samples, on vectors of W doubles (1: plain C). */
LERNMI_INLINE void lernmi_gradient_rows(const int W, const int R, const int fresh,
                                        const double *LERNMI_RESTRICT s, Py_ssize_t stride,
                                        const double *LERNMI_RESTRICT xp, Py_ssize_t samples,
                                        double *LERNMI_RESTRICT g, Py_ssize_t n)
{
    const Py_ssize_t from = fresh ? 1 : 0;  /* the first sample taken for the tile to add */
    for (Py_ssize_t run = 0; run < n; run += LERNMI_TILE) {
        const double *x = xp + run * samples;
        const Py_ssize_t width = n - run < LERNMI_TILE ? n - run : LERNMI_TILE;
#ifdef LERNMI_VECTORS
        if (width == LERNMI_TILE && W == 8)
            LERNMI_GRADIENT_ON(lernmi_v8, 8)
        if (width == LERNMI_TILE && W == 4)
            LERNMI_GRADIENT_ON(lernmi_v4, 4)
        if (width == LERNMI_TILE && W == 2)
            LERNMI_GRADIENT_ON(lernmi_v2, 2)
#endif
        for (int r = 0; r < R; r++)
            for (Py_ssize_t k = 0; k < width; k++) {
                double sum = fresh ? s[r] * x[k] : g[r * n + run + k];
                for (Py_ssize_t b = from; b < samples; b++)
                    sum += s[b * stride + r] * x[b * LERNMI_TILE + k];
                g[r * n + run + k] = sum;
            }
    }
}

/* The tiles in one width, W doubles a vector, compiled for the CPU named by ATTRIBUTES:
 * lernmi_dot_4x8_add_W (rows packed) and lernmi_dot_4x8_listed_W (rows in place), and
 * lernmi_gradient_W for six rows or four, fresh or going on. */
#define LERNMI_TILES(W, ATTRIBUTES)                                                           \
    ATTRIBUTES static void lernmi_dot_4x8_add_##W(                                           \
        const double *LERNMI_RESTRICT wp, const double *LERNMI_RESTRICT xp,                   \
        const double *room, Py_ssize_t n, double *LERNMI_RESTRICT out, Py_ssize_t stride,     \
        Py_ssize_t samples)                                                                   \
    {                                                                                         \
        lernmi_dot_4x8_on(W, 0, wp, xp, room, n, out, stride, samples);                       \
    }                                                                                         \
    ATTRIBUTES static void lernmi_dot_4x8_listed_##W(                                        \
        const double *LERNMI_RESTRICT w, const double *LERNMI_RESTRICT xp,                    \
        const double *room, Py_ssize_t n, double *LERNMI_RESTRICT out, Py_ssize_t stride,     \
        Py_ssize_t samples)                                                                   \
    {                                                                                         \
        lernmi_dot_4x8_on(W, 1, w, xp, room, n, out, stride, samples);                        \
    }                                                                                         \
    ATTRIBUTES static void lernmi_gradient_##W(                                              \
        int rows, int fresh, const double *LERNMI_RESTRICT s, Py_ssize_t stride,              \
        const double *LERNMI_RESTRICT xp, Py_ssize_t samples, double *LERNMI_RESTRICT g,      \
        Py_ssize_t n)                                                                         \
    {                                                                                         \
        if (rows == 6 && fresh)                                                               \
            lernmi_gradient_rows(W, 6, 1, s, stride, xp, samples, g, n);                      \
        else if (rows == 6)                                                                   \
            lernmi_gradient_rows(W, 6, 0, s, stride, xp, samples, g, n);                      \
        else if (fresh)                                                                       \
            lernmi_gradient_rows(W, 4, 1, s, stride, xp, samples, g, n);                      \
        else                                                                                  \
            lernmi_gradient_rows(W, 4, 0, s, stride, xp, samples, g, n);                      \
    }

/* x86-64 Linux with GCC or Clang, glibc's or musl's (unlike LERNMI_CLONES, this needs no
 * ifunc from the C library): the tiles in each width, each compiled for the CPUs whose
 * registers hold it, and the widest this CPU has picked at each call (LERNMI_PICK: a check
 * of the flags libgcc's or compiler-rt's start-up code read from the CPU). Elsewhere one
 * width: two doubles, as SSE2 and NEON registers hold, or plain C. */
#if defined(LERNMI_VECTORS) && defined(__x86_64__) && defined(__linux__)
#define LERNMI_PICKS_WIDTH 1
LERNMI_TILES(8, __attribute__((unused, target("avx512f"))))
LERNMI_TILES(4, __attribute__((unused, target("avx2"))))
LERNMI_TILES(2, __attribute__((unused)))
#define LERNMI_PICK(NAME, ARGS)                                                               \
    (__builtin_cpu_supports("avx512f") ? NAME##_8 ARGS                                        \
     : __builtin_cpu_supports("avx2")  ? NAME##_4 ARGS                                        \
                                       : NAME##_2 ARGS)
#elif defined(LERNMI_VECTORS)
LERNMI_TILES(2, LERNMI_CLONES)
#define LERNMI_PICK(NAME, ARGS) NAME##_2 ARGS
#else
LERNMI_TILES(1, LERNMI_CLONES)
#define LERNMI_PICK(NAME, ARGS) NAME##_1 ARGS
#endif

/* The forward tiles in the width picked for this CPU: four rows packed (lernmi_pack_rows),
 * every column taken, or four rows read in place, the columns listed in room. */
LERNMI_INLINE void lernmi_dot_4x8_add(const double *LERNMI_RESTRICT wp,
                                      const double *LERNMI_RESTRICT xp, const double *room,
                                      Py_ssize_t n, double *LERNMI_RESTRICT out,
                                      Py_ssize_t stride, Py_ssize_t samples)
{
    LERNMI_PICK(lernmi_dot_4x8_add, (wp, xp, room, n, out, stride, samples));
}

LERNMI_INLINE void lernmi_dot_4x8_listed(const double *LERNMI_RESTRICT w,
                                         const double *LERNMI_RESTRICT xp, const double *room,
                                         Py_ssize_t n, double *LERNMI_RESTRICT out,
                                         Py_ssize_t stride, Py_ssize_t samples)
{
    LERNMI_PICK(lernmi_dot_4x8_listed, (w, xp, room, n, out, stride, samples));
}

/* A gradient tile of `rows` rows (six or four) over a group of samples whose outputs
 * lernmi_pack_runs packed into xp, for the columns listed in room: their sums in gc (room
 * for rows m numbers: lernmi_gather_rows first if not `fresh`), then lernmi_scatter_rows;
 * or, if every column is listed, straight into g. */
LERNMI_CLONES static void lernmi_gradient_listed(int rows, int fresh,
                                                 const double *LERNMI_RESTRICT s,
                                                 Py_ssize_t stride, const double *xp,
                                                 Py_ssize_t samples, double *g, Py_ssize_t n,
                                                 const double *room, double *gc)
{
    const Py_ssize_t m = lernmi_listed(room, n);
    if (m < n && !fresh)
        lernmi_gather_rows(g, n, rows, room, gc);
    LERNMI_PICK(lernmi_gradient, (rows, fresh, s, stride, xp, samples, m < n ? gc : g, m));
    if (m < n)
        lernmi_scatter_rows(gc, room, s, stride, samples, fresh, g, n, rows);
}

/* The forward tiles' loops for a batch (propagation.propagate_links): z[b * stride + j] +=
 * the sum of w[j * n + i] * x[b * stride + i] over i < n, as lernmi_dot takes it, for the
 * samples b < samples and the rows j < rows - rows % 4. A GROUP of samples at a time is
 * packed (lernmi_pack_lanes, TILE samples to a block, at the start of pack), then four rows
 * at a time (packed by lernmi_pack_rows after GROUP n numbers, if every column is taken) go
 * through every block. Columns whose outputs are +0.0 in all the group's samples, such as
 * an image's blank margins, are left out: they add 0 to each sum. But not for four rows
 * with a weight that is not finite, which would make 0 * w NaN: their weights are checked
 * just before the tiles read them, and if they fail, the group is packed again with every
 * column (the rows before it had theirs checked). room: as lernmi_list_columns takes it. */
LERNMI_CLONES static void lernmi_tiles_4x8(const double *w, Py_ssize_t rows, Py_ssize_t n,
                                           const double *x, Py_ssize_t stride,
                                           Py_ssize_t samples, double *z, double *pack,
                                           double *room)
{
    Py_ssize_t sound = 0;     /* the rows before it: every weight checked, finite */
    Py_ssize_t unsound = rows;  /* the first row of four that has one that is not */
    for (Py_ssize_t first = 0; first < samples; first += LERNMI_GROUP) {
        const Py_ssize_t group = samples - first < LERNMI_GROUP ? samples - first : LERNMI_GROUP;
        const double *xg = x + first * stride;
        Py_ssize_t m = lernmi_list_columns(xg, stride, group, n, LERNMI_LANES, 0, room);
        for (Py_ssize_t b = 0; b < group; b += LERNMI_TILE)
            lernmi_pack_lanes(xg + b * stride, stride, group - b, pack + b * n, room, n);
        for (Py_ssize_t j = 0; j + 4 <= rows; j += 4) {
            if (m < n && j >= sound) {
                if (j < unsound && lernmi_all_finite(w + j * n, n, 4, n)) {
                    sound = j + 4;
                } else {
                    unsound = j;
                    m = lernmi_list_columns(xg, stride, group, n, LERNMI_LANES, 1, room);
                    for (Py_ssize_t b = 0; b < group; b += LERNMI_TILE)
                        lernmi_pack_lanes(xg + b * stride, stride, group - b, pack + b * n,
                                          room, n);
                }
            }
            double *wp = pack + LERNMI_GROUP * n;
            if (m == n)
                lernmi_pack_rows(w + j * n, n, wp);
            for (Py_ssize_t b = 0; b < group; b += LERNMI_TILE) {
                double *out = z + (first + b) * stride + j;
                const Py_ssize_t count = group - b < LERNMI_TILE ? group - b : LERNMI_TILE;
                if (m == n)
                    lernmi_dot_4x8_add(wp, pack + b * n, room, n, out, stride, count);
                else
                    lernmi_dot_4x8_listed(w + j * n, pack + b * n, room, n, out, stride, count);
            }
        }
    }
}

/* y[i] += alpha * x[i] for i < n. */
LERNMI_CLONES static void lernmi_axpy(double alpha, const double *LERNMI_RESTRICT x,
                                      double *LERNMI_RESTRICT y, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        y[i] += alpha * x[i];
}

/* Both at once, in one pass over w: y[i] += alpha * w[i], then w[i] += beta * x[i]. */
LERNMI_CLONES static void lernmi_axpy_pair(double alpha, double *LERNMI_RESTRICT w,
                                           double *LERNMI_RESTRICT y, double beta,
                                           const double *LERNMI_RESTRICT x, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        y[i] += alpha * w[i];
        w[i] += beta * x[i];
    }
}

/* A plain step and the next sample's sum in one pass over a row of weights: w[i] += alpha *
 * kept[i] (as lernmi_axpy), then the sum of w[i] * x[i] (as lernmi_dot), each weight read
 * and written once instead of read twice and written once. Only for the columns i < head
 * and start <= i < end, head and start multiples of LERNMI_LANES, head <= start <= end: the
 * caller leaves out columns where kept[i] and x[i] are both 0, whose steps and terms add
 * zeros (deferred.step_and_sum). */
#define LERNMI_AXPY_DOT_ONE(i, k)                                                             \
    {                                                                                         \
        double wk = w[(i) + (k)] + alpha * kept[(i) + (k)];                                   \
        w[(i) + (k)] = wk;                                                                    \
        lane[k] += wk * x[(i) + (k)];                                                         \
    }
LERNMI_CLONES static double lernmi_axpy_dot(double alpha, const double *LERNMI_RESTRICT kept,
                                            double *LERNMI_RESTRICT w,
                                            const double *LERNMI_RESTRICT x, Py_ssize_t head,
                                            Py_ssize_t start, Py_ssize_t end)
{
    double lane[LERNMI_LANES] = {0.0};
    Py_ssize_t i;
    for (i = 0; i < head; i += LERNMI_LANES)
        for (int k = 0; k < LERNMI_LANES; k++)
            LERNMI_AXPY_DOT_ONE(i, k)
    kept += start;  /* so that i counts from 0: Python's -fwrapv stops GCC's vectoriser */
    w += start;     /* on a loop from start (signed overflow might wrap), 6x slower */
    x += start;
    end -= start;
    for (i = 0; i + LERNMI_LANES <= end; i += LERNMI_LANES)
        for (int k = 0; k < LERNMI_LANES; k++)
            LERNMI_AXPY_DOT_ONE(i, k)
    for (int k = 0; i + k < end; k++)
        LERNMI_AXPY_DOT_ONE(i, k)
    LERNMI_ADD_LANES(lane);
    return lane[0];
}
#undef LERNMI_AXPY_DOT_ONE

/* A layer of identity neurons loaded with x (activations.load_layer): z[i] = 0.0 + x[i], the
 * sum reset and x[i] added to it (which makes an x of -0.0 a sum of +0.0: the 0.0 + stays),
 * and a[i] = z[i] * keep[i], the output. */
LERNMI_CLONES static void lernmi_load_identity(const double *LERNMI_RESTRICT x,
                                               double *LERNMI_RESTRICT z,
                                               double *LERNMI_RESTRICT a,
                                               const double *LERNMI_RESTRICT keep, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        const double sum = 0.0 + x[i];
        z[i] = sum;
        a[i] = sum * keep[i];
    }
}

/* The outputs of a run of identity neurons, or of ReLU neurons (`relu`), whose sums are
 * worked out (activations.compute_outputs): a[i] = z[i] * keep[i], or
 * (z[i] > 0.0 ? z[i] : 0.0) * keep[i], a select that the compiler vectorises. */
LERNMI_CLONES static void lernmi_run_outputs(int relu, double *LERNMI_RESTRICT a,
                                             const double *LERNMI_RESTRICT z,
                                             const double *LERNMI_RESTRICT keep, Py_ssize_t n)
{
    if (relu)
        for (Py_ssize_t i = 0; i < n; i++)
            a[i] = (z[i] > 0.0 ? z[i] : 0.0) * keep[i];
    else
        for (Py_ssize_t i = 0; i < n; i++)
            a[i] = z[i] * keep[i];
}

/* The sums of a run of neurons zeroed (activations.reset_sums): z, delta and direct, +0.0
 * being all zero bits. */
LERNMI_INLINE void lernmi_zero_sums(double *z, double *delta, double *direct, Py_ssize_t n)
{
    memset(z, 0, sizeof(double) * (size_t)n);
    memset(delta, 0, sizeof(double) * (size_t)n);
    memset(direct, 0, sizeof(double) * (size_t)n);
}

/* Ask for n doubles from x (n >= 1) to be brought into the cache, a line of 64 bytes at a
 * time (and the line of the last, which the steps of eight miss when x does not start a
 * line), without waiting for them: a sample's inputs, to be read soon. Where the compiler
 * has no way to ask, nothing. */
#if defined(_MSC_VER) && (defined(_M_X64) || defined(_M_IX86))
#include <xmmintrin.h>
#define LERNMI_PREFETCH(p) _mm_prefetch((const char *)(p), _MM_HINT_T1)
#elif defined(__GNUC__)
#define LERNMI_PREFETCH(p) __builtin_prefetch((p), 0, 2)
#else
#define LERNMI_PREFETCH(p) ((void)(p))
#endif
LERNMI_INLINE void lernmi_prefetch(const double *x, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i += 8)
        LERNMI_PREFETCH(x + i);
    LERNMI_PREFETCH(x + n - 1);
}

/* The sensitivities of a run of ReLU neurons (activations.compute_sensitivities):
 * s[i] = (delta[i] * f'(z[i]) + direct[i]) * keep[i], f'(z) being 1.0 for z > 0.0 and 0.0
 * otherwise, and 0.0 for a neuron dropped (keep 0.0); both worked out, then one taken, a
 * select with no branch that the compiler vectorises. */
LERNMI_CLONES static void lernmi_relu_sensitivities(double *LERNMI_RESTRICT s,
                                                    const double *LERNMI_RESTRICT z,
                                                    const double *LERNMI_RESTRICT delta,
                                                    const double *LERNMI_RESTRICT direct,
                                                    const double *LERNMI_RESTRICT keep,
                                                    Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        const double kept = (delta[i] * (double)(z[i] > 0.0) + direct[i]) * keep[i];
        double taken;
        if (keep[i] == 0.0)
            taken = 0.0;
        else
            taken = kept;
        s[i] = taken;
    }
}

/* The logistic sigmoid 1 / (1 + e^-z) as activations.activate takes it, in two forms so
 * that exp never sees a large positive argument: 1 / (1 + e^-z) for z >= 0, e^z / (1 + e^z)
 * otherwise (NaN too). The same numbers, picked by masks rather than a branch: the sign of
 * a hidden neuron's sum is a coin toss, and a branch on it is mispredicted half the time
 * (in a C harness on random sums, 7.4 ns a sigmoid with the branch, 3.8 ns without). */
LERNMI_INLINE double lernmi_sigmoid(double z)
{
    const uint64_t up = z >= 0.0, mask = (uint64_t)0 - up;
    const double one = 1.0;
    uint64_t bits, e_bits, one_bits;
    double e, top;
    memcpy(&bits, &z, sizeof bits);
    bits ^= up << 63;  /* the sign flipped: -z for z >= 0, z otherwise */
    memcpy(&e, &bits, sizeof e);
    e = exp(e);
    memcpy(&e_bits, &e, sizeof e_bits);
    memcpy(&one_bits, &one, sizeof one_bits);
    bits = (one_bits & mask) | (e_bits & ~mask);  /* 1 for z >= 0, e^z otherwise */
    memcpy(&top, &bits, sizeof top);
    return top / (1.0 + e);
}

/* y[i] = alpha * x[i] for i < n. */
LERNMI_CLONES static void lernmi_scale(double alpha, const double *LERNMI_RESTRICT x,
                                       double *LERNMI_RESTRICT y, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        y[i] = alpha * x[i];
}

/* Four axpys in one pass over y: y[i] += alpha[b] * x[b * stride + i] for b = 0, 1, 2, 3 in
 * turn, each rounded as lernmi_axpy rounds it. */
LERNMI_CLONES static void lernmi_axpy4(const double *LERNMI_RESTRICT alpha,
                                       const double *LERNMI_RESTRICT x, Py_ssize_t stride,
                                       double *LERNMI_RESTRICT y, Py_ssize_t n)
{
    double a0 = alpha[0], a1 = alpha[1], a2 = alpha[2], a3 = alpha[3];
    for (Py_ssize_t i = 0; i < n; i++) {
        double sum = y[i] + a0 * x[i];
        sum += a1 * x[stride + i];
        sum += a2 * x[2 * stride + i];
        y[i] = sum + a3 * x[3 * stride + i];
    }
}

/* One optimiser step's numbers, for a layer of links (steps.pxd's Rule). */
typedef struct {
    int kind;           /* steps.py's code: plain, momentum, Nesterov or Adam */
    double rate;        /* the training rate */
    double momentum;    /* SGD's momentum */
    double beta1;       /* Adam's decay rates of its moments */
    double beta2;
    double epsilon;     /* Adam's */
    double decay;       /* weight decay: decay * w is added to each weight's gradient */
    double batch;       /* how many samples the summed gradient is over */
    double size;        /* Adam's step size after k steps: rate / (1 - beta1^k) */
    double root;        /* and its other bias correction: sqrt(1 - beta2^k) */
} lernmi_rule;

/* The rules' codes in lernmi_rule's kind: steps.py's PLAIN, MOMENTUM, NESTEROV and ADAM. */
enum { LERNMI_PLAIN, LERNMI_MOMENTUM, LERNMI_NESTEROV, LERNMI_ADAM };

/* x, or a zero of x's sign if x is subnormal (smaller in size than DBL_MIN, the smallest
 * normal double), like a CPU set to flush to zero. The rules keep their velocities and
 * Adam's m so. One whose gradient turns 0 and stays 0 (a pixel lit in a few pictures, then
 * blank for thousands) shrinks step after step into the subnormals, and there it stays:
 * 0.9 times a few of the smallest subnormals rounds back to the same number, so without
 * this it never reaches 0, and many x86 CPUs (Intel's among them) multiply subnormals far
 * more slowly, in microcode. A weight moves by rate * m (Adam: at most size * m /
 * epsilon), which no ordinary rate or epsilon makes big enough to change a weight of
 * normal size; flushing m makes the step it is flushed in smaller, never bigger. Adam's v,
 * under the square root, is flushed only once m is 0, when that step is 0 whatever v is:
 * alone it could make it bigger. (Later steps start from the zero; only with an epsilon
 * below about 1e-150 can that change one.) steps.py's Python does the same, so both give
 * the same numbers. */
LERNMI_INLINE double lernmi_flushed(double x)
{
    return fabs(x) < DBL_MIN ? copysign(0.0, x) : x;
}

/* One weight's step, w[i], by the rule r on its gradient g, `kind` being r's: decay * w[i]
 * added first if `decayed` (as lernmi_mean_step adds it, for a batch of one), then plain
 * gradient descent, momentum (Nesterov's too) or Adam, arranged as torch.optim arranges
 * them, a new velocity or moment flushed to zero if subnormal (lernmi_flushed: v only once
 * m is 0). Returns the stepped weight. The loops below that step a row take each weight
 * through it; r should be a local copy, which their stores cannot change. */
LERNMI_INLINE double lernmi_rule_one(int kind, int decayed, double g, Py_ssize_t i,
                                     double *LERNMI_RESTRICT w, double *LERNMI_RESTRICT m,
                                     double *LERNMI_RESTRICT v, const lernmi_rule *r)
{
    if (decayed)
        g = g + r->decay * w[i];
    if (kind == LERNMI_PLAIN) {
        w[i] += -r->rate * g;
    } else if (kind == LERNMI_ADAM) {
        m[i] = lernmi_flushed(r->beta1 * m[i] + (1.0 - r->beta1) * g);
        const double vi = r->beta2 * v[i] + (1.0 - r->beta2) * g * g;
        v[i] = m[i] == 0.0 ? lernmi_flushed(vi) : vi;
        w[i] -= r->size * m[i] / (sqrt(v[i]) / r->root + r->epsilon);
    } else {                            /* momentum, or Nesterov's */
        m[i] = lernmi_flushed(r->momentum * m[i] + g);
        w[i] -= kind == LERNMI_NESTEROV ? r->rate * (g + r->momentum * m[i]) : r->rate * m[i];
    }
    return w[i];
}

/* Momentum: m[i] = mu * m[i] + g[i], then w[i] -= rate * m[i]; or, with Nesterov's look
 * ahead, w[i] -= rate * (g[i] + mu * m[i]). */
LERNMI_CLONES static void lernmi_momentum(double *LERNMI_RESTRICT w, double *LERNMI_RESTRICT m,
                                          const double *LERNMI_RESTRICT g,
                                          const lernmi_rule *r, int nesterov, Py_ssize_t n)
{
    const lernmi_rule rule = *r;
    if (nesterov)
        for (Py_ssize_t i = 0; i < n; i++)
            lernmi_rule_one(LERNMI_NESTEROV, 0, g[i], i, w, m, NULL, &rule);
    else
        for (Py_ssize_t i = 0; i < n; i++)
            lernmi_rule_one(LERNMI_MOMENTUM, 0, g[i], i, w, m, NULL, &rule);
}

/* Adam: m[i] = b1 * m[i] + (1 - b1) * g[i] and v[i] = b2 * v[i] + (1 - b2) * g[i]^2, then
 * w[i] -= size * m[i] / (sqrt(v[i]) / root + eps) (size and root are the bias corrections,
 * see lernmi_rule). */
LERNMI_CLONES static void lernmi_adam(double *LERNMI_RESTRICT w, double *LERNMI_RESTRICT m,
                                      double *LERNMI_RESTRICT v, const double *LERNMI_RESTRICT g,
                                      const lernmi_rule *r, Py_ssize_t n)
{
    const lernmi_rule rule = *r;
    for (Py_ssize_t i = 0; i < n; i++)
        lernmi_rule_one(LERNMI_ADAM, 0, g[i], i, w, m, v, &rule);
}

/* lernmi_mean_step for one kind of rule, its batch a power of two or not: both constants
 * where it is called, so that each of its loops is compiled for one rule. */
LERNMI_INLINE int lernmi_mean_step_as(int kind, int power_of_two, double *LERNMI_RESTRICT w,
                                      double *LERNMI_RESTRICT m, double *LERNMI_RESTRICT v,
                                      double *LERNMI_RESTRICT g, const lernmi_rule *r,
                                      Py_ssize_t n)
{
    const lernmi_rule rule = *r;        /* a copy that no store to w, m or v can change */
    const double inverse = 1.0 / rule.batch;
    int finite = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        g[i] = (power_of_two ? g[i] * inverse : g[i] / rule.batch) + rule.decay * w[i];
        const double stepped = lernmi_rule_one(kind, 0, g[i], i, w, m, v, &rule);
        finite &= stepped - stepped == 0.0;  /* NaN for inf, NaN */
    }
    return finite;
}

/* One step of the rule r on gradients summed over a batch, in one pass over the weights:
 * g[i] = g[i] / batch + decay * w[i], the batch's mean plus weight decay (left in g), then
 * the rule's step as lernmi_rule_one takes it. Dividing by a power of two is multiplying by
 * its inverse, exactly (both are the one correctly rounded g[i] * 2^-k), and much faster;
 * any other batch size is divided by. Returns whether every weight stepped is finite. */
LERNMI_CLONES static int lernmi_mean_step(double *LERNMI_RESTRICT w, double *LERNMI_RESTRICT m,
                                          double *LERNMI_RESTRICT v, double *LERNMI_RESTRICT g,
                                          const lernmi_rule *r, Py_ssize_t n)
{
    int exponent;
    const int power_of_two = frexp(r->batch, &exponent) == 0.5;
    switch (r->kind * 2 + power_of_two) {
    case LERNMI_PLAIN * 2:     return lernmi_mean_step_as(LERNMI_PLAIN, 0, w, m, v, g, r, n);
    case LERNMI_PLAIN * 2 + 1: return lernmi_mean_step_as(LERNMI_PLAIN, 1, w, m, v, g, r, n);
    case LERNMI_MOMENTUM * 2:  return lernmi_mean_step_as(LERNMI_MOMENTUM, 0, w, m, v, g, r, n);
    case LERNMI_MOMENTUM * 2 + 1:
        return lernmi_mean_step_as(LERNMI_MOMENTUM, 1, w, m, v, g, r, n);
    case LERNMI_NESTEROV * 2:  return lernmi_mean_step_as(LERNMI_NESTEROV, 0, w, m, v, g, r, n);
    case LERNMI_NESTEROV * 2 + 1:
        return lernmi_mean_step_as(LERNMI_NESTEROV, 1, w, m, v, g, r, n);
    case LERNMI_ADAM * 2:      return lernmi_mean_step_as(LERNMI_ADAM, 0, w, m, v, g, r, n);
    default:                   return lernmi_mean_step_as(LERNMI_ADAM, 1, w, m, v, g, r, n);
    }
}

/* lernmi_step_dot for one kind of rule, decayed or not: both constants where it is called,
 * so that each of its loops is compiled for one rule. */
LERNMI_INLINE double lernmi_step_dot_as(int kind, int decayed, double s,
                                        const double *LERNMI_RESTRICT kept,
                                        double *LERNMI_RESTRICT w, double *LERNMI_RESTRICT m,
                                        double *LERNMI_RESTRICT v,
                                        const double *LERNMI_RESTRICT x, const lernmi_rule *r,
                                        Py_ssize_t n)
{
    const lernmi_rule rule = *r;        /* a copy that no store to w, m or v can change */
    double lane[LERNMI_LANES] = {0.0};
    Py_ssize_t i = 0;
    for (; i + LERNMI_LANES <= n; i += LERNMI_LANES)
        for (int k = 0; k < LERNMI_LANES; k++)
            lane[k] += lernmi_rule_one(kind, decayed, s * kept[i + k], i + k, w, m, v, &rule)
                       * x[i + k];
    for (int k = 0; i + k < n; k++)
        lane[k] += lernmi_rule_one(kind, decayed, s * kept[i + k], i + k, w, m, v, &rule)
                   * x[i + k];
    LERNMI_ADD_LANES(lane);
    return lane[0];
}

/* One sample's step of a row of weights by its rule, and the next sample's sum, in one pass
 * over the row: the gradient g[i] = s * kept[i] (lernmi_scale), the step as lernmi_rule_one
 * takes it, m and v being the rule's numbers for the row, then the sum of w[i] * x[i] over
 * i < n as lernmi_dot takes it. (For plain gradient descent without decay learn_samples
 * takes lernmi_axpy_dot instead, which rounds -rate * s first, as a Link's step does.) */
LERNMI_CLONES static double lernmi_step_dot(double s, const double *LERNMI_RESTRICT kept,
                                            double *LERNMI_RESTRICT w,
                                            double *LERNMI_RESTRICT m,
                                            double *LERNMI_RESTRICT v,
                                            const double *LERNMI_RESTRICT x,
                                            const lernmi_rule *r, Py_ssize_t n)
{
    int decayed = r->decay != 0.0;
    switch (r->kind * 2 + decayed) {
    case 2 * LERNMI_PLAIN: return lernmi_step_dot_as(LERNMI_PLAIN, 0, s, kept, w, m, v, x, r, n);
    case 2 * LERNMI_PLAIN + 1:
        return lernmi_step_dot_as(LERNMI_PLAIN, 1, s, kept, w, m, v, x, r, n);
    case 2 * LERNMI_MOMENTUM:
        return lernmi_step_dot_as(LERNMI_MOMENTUM, 0, s, kept, w, m, v, x, r, n);
    case 2 * LERNMI_MOMENTUM + 1:
        return lernmi_step_dot_as(LERNMI_MOMENTUM, 1, s, kept, w, m, v, x, r, n);
    case 2 * LERNMI_NESTEROV:
        return lernmi_step_dot_as(LERNMI_NESTEROV, 0, s, kept, w, m, v, x, r, n);
    case 2 * LERNMI_NESTEROV + 1:
        return lernmi_step_dot_as(LERNMI_NESTEROV, 1, s, kept, w, m, v, x, r, n);
    case 2 * LERNMI_ADAM: return lernmi_step_dot_as(LERNMI_ADAM, 0, s, kept, w, m, v, x, r, n);
    default: return lernmi_step_dot_as(LERNMI_ADAM, 1, s, kept, w, m, v, x, r, n);
    }
}

#endif
