/* A layer of links held transposed while batches learn, for inputs that are mostly 0.0
 * (transposed.py says when and why).
 *
 * The weights (and the rule's numbers beside them, and the gradient) are held column by
 * column: the column of weights out of input i is a run of the layer's rows. Forward, each
 * sample then goes through only the inputs it has that are not 0.0, adding each one's
 * column, times it, to the sums of every row at once; back, each column's gradient sums
 * only the samples whose input there is not +0.0. lernmi_dot's order stays: row j's sum
 * for a sample adds input i in lane i % LANES, lane after lane, and lernmi_dot's tree adds
 * the lanes; a gradient adds its samples in turn. So every number is the one the rows'
 * loops (vector.h) give, bit for bit, as the comments below show for the terms left out.
 *
 * The layout (`lernmi_t_*`): the rows go in blocks of at most LERNMI_T_VECTORS vectors of
 * eight rows (padded with rows of zeros, which stay 0), so that a block's sums stay in
 * registers; within a block, input i's column lies at position lernmi_t_at(i, n), lane by
 * lane: lane k's columns one after another, so that a lane's columns are near each other in
 * the cache. Only on CPUs with AVX-512 (lernmi_t_ready): elsewhere the rows' tiles do it.
 */

#ifndef LERNMI_TRANSPOSED_H
#define LERNMI_TRANSPOSED_H

#include <stdint.h>
#include <string.h>

#include "vector.h"

#define LERNMI_T_VECTORS 16  /* vectors of eight rows in a block, at most */
#define LERNMI_T_WAITING 4   /* log2(LERNMI_LANES): lanes that wait for their pair, at most */

/* The positions of a block: 16 lanes of (n + 15) / 16 columns each. */
LERNMI_INLINE Py_ssize_t lernmi_t_positions(Py_ssize_t n)
{
    return LERNMI_LANES * ((n + LERNMI_LANES - 1) / LERNMI_LANES);
}

/* Where input i's column lies in a block, and which input lies at position p (n or more:
 * none). */
LERNMI_INLINE Py_ssize_t lernmi_t_at(Py_ssize_t i, Py_ssize_t n)
{
    return (i % LERNMI_LANES) * (lernmi_t_positions(n) / LERNMI_LANES) + i / LERNMI_LANES;
}

LERNMI_INLINE Py_ssize_t lernmi_t_input(Py_ssize_t p, Py_ssize_t n)
{
    const Py_ssize_t per_lane = lernmi_t_positions(n) / LERNMI_LANES;
    return (p % per_lane) * LERNMI_LANES + p / per_lane;
}

/* Vectors of eight rows, blocks, and the first vector of block `block`. */
LERNMI_INLINE Py_ssize_t lernmi_t_vectors(Py_ssize_t rows) { return (rows + 7) / 8; }

LERNMI_INLINE Py_ssize_t lernmi_t_blocks(Py_ssize_t rows)
{
    return (lernmi_t_vectors(rows) + LERNMI_T_VECTORS - 1) / LERNMI_T_VECTORS;
}

LERNMI_INLINE Py_ssize_t lernmi_t_first(Py_ssize_t block, Py_ssize_t rows)
{
    return block * lernmi_t_vectors(rows) / lernmi_t_blocks(rows);
}

/* How many numbers a layer of rows x n weights takes so (with the rows of zeros). */
LERNMI_INLINE Py_ssize_t lernmi_t_size(Py_ssize_t rows, Py_ssize_t n)
{
    return lernmi_t_positions(n) * 8 * lernmi_t_vectors(rows);
}

/* Words a lane's mask of inputs takes (a bit a column), and the scratch the kernels need:
 * doubles, and 64-bit masks: a GROUP's, and a batch of `samples` samples'. */
LERNMI_INLINE Py_ssize_t lernmi_t_words(Py_ssize_t n)
{
    return (lernmi_t_positions(n) / LERNMI_LANES + 63) / 64;
}

LERNMI_INLINE Py_ssize_t lernmi_t_doubles(Py_ssize_t rows)
{
    return (LERNMI_GROUP + 2) * 8 * lernmi_t_vectors(rows)
           + LERNMI_GROUP * LERNMI_T_WAITING * 8 * LERNMI_T_VECTORS;
}

LERNMI_INLINE Py_ssize_t lernmi_t_group_masks(Py_ssize_t n)
{
    return LERNMI_GROUP * LERNMI_LANES * lernmi_t_words(n) + 1;  /* and lernmi_t_list's word */
}

LERNMI_INLINE Py_ssize_t lernmi_t_masks(Py_ssize_t n, Py_ssize_t samples)
{
    const Py_ssize_t groups = samples / LERNMI_GROUP + (samples % LERNMI_GROUP != 0);
    return lernmi_t_positions(n) + (groups > 1 ? groups : 1) * lernmi_t_group_masks(n);
}

/* w (rows x n, row by row) into t, the layout above; or back (`back`). */
LERNMI_CLONES static void lernmi_t_copy(double *w, Py_ssize_t rows, Py_ssize_t n, double *t,
                                        int back)
{
    const Py_ssize_t positions = lernmi_t_positions(n), blocks = lernmi_t_blocks(rows);
    if (!back)
        memset(t, 0, sizeof(double) * lernmi_t_size(rows, n));
    for (Py_ssize_t block = 0; block < blocks; block++) {
        const Py_ssize_t v0 = lernmi_t_first(block, rows), v1 = lernmi_t_first(block + 1, rows);
        const Py_ssize_t width = 8 * (v1 - v0);
        double *base = t + positions * 8 * v0;
        for (Py_ssize_t r = 8 * v0; r < 8 * v1 && r < rows; r++)
            for (Py_ssize_t i = 0; i < n; i++) {
                double *at = base + lernmi_t_at(i, n) * width + (r - 8 * v0);
                if (back)
                    w[r * n + i] = *at;
                else
                    *at = w[r * n + i];
            }
    }
}

/* The kernels' inputs: those of an input layer of identity neurons, as load_layer would load
 * them, read where they lie instead. Sample b's input 0 is its bias neuron's output, 1.0,
 * and its input i > 0 is x[order[b] * (n - 1) + i - 1] + 0.0 (-0.0 loaded as +0.0, nothing
 * else changed): row order[b] of the inputs x, n - 1 to a row. The kernels take them a
 * GROUP at a time: row[b] = sample first + b's row for the `group` samples from `first`,
 * and row[group] the next sample's, or NULL after the last of all `samples`. */
LERNMI_INLINE void lernmi_t_rows(const double *x, const Py_ssize_t *order, Py_ssize_t n,
                                 Py_ssize_t first, Py_ssize_t group, Py_ssize_t samples,
                                 const double **row)
{
    for (Py_ssize_t b = 0; b <= group; b++)
        row[b] = first + b < samples ? x + order[first + b] * (n - 1) : NULL;
}

/* Input i of the sample whose row of inputs is `row` (lernmi_t_rows). */
LERNMI_INLINE double lernmi_t_input_of(const double *row, Py_ssize_t i)
{
    return i > 0 ? row[i - 1] + 0.0 : 1.0;
}

#if defined(LERNMI_PICKS_WIDTH)
#define LERNMI_T_READY 1
#include <immintrin.h>
#define LERNMI_T_CPU target("avx512f,bmi2")
#define LERNMI_T_TARGET __attribute__((unused, LERNMI_T_CPU))
#define LERNMI_T_INLINE static inline __attribute__((always_inline, unused, LERNMI_T_CPU))
typedef long long lernmi_l8 __attribute__((vector_size(64), aligned(8)));
_Static_assert(1 << LERNMI_T_WAITING == LERNMI_LANES, "lernmi_t_lanes's counter");
_Static_assert(LERNMI_GROUP % 8 == 0 && LERNMI_GROUP < 64, "lernmi_t_taken's eights");
#define LERNMI_T_SIGN ((lernmi_l8){0} + (long long)0x8000000000000000ULL)
/* A double's exponent bits: all set in an infinity or a NaN, and in nothing else. */
#define LERNMI_T_EXPONENT ((lernmi_l8){0} + 0x7ff0000000000000LL)

/* The first `left` of a vector's eight lanes (all eight if left is 8 or more; left >= 1). */
LERNMI_T_INLINE __mmask8 lernmi_t_lanes_of(Py_ssize_t left)
{
    return left >= 8 ? 0xff : (__mmask8)((1u << left) - 1);
}

/* Where word j of lane k's mask for sample b of a GROUP lies in the GROUP's masks: the
 * GROUP's samples side by side, for lernmi_t_taken to load eight at a time. */
LERNMI_INLINE Py_ssize_t lernmi_t_mask_at(Py_ssize_t k, Py_ssize_t j, Py_ssize_t b,
                                          Py_ssize_t words)
{
    return (k * words + j) * LERNMI_GROUP + b;
}

/* Inputs h to h + 7 of a sample whose inputs from 1 on are at x (the first `in` of them,
 * the others 0.0), input 0 being the bias neuron's output, 1.0. */
LERNMI_T_INLINE __m512d lernmi_t_eight(const double *x, Py_ssize_t h, __mmask8 in)
{
    if (h > 0)
        return _mm512_maskz_loadu_pd(in, x + h - 1);
    return _mm512_mask_mov_pd(_mm512_maskz_expandloadu_pd((__mmask8)(in & 0xfe), x), 1,
                              _mm512_set1_pd(1.0));
}

/* Which inputs of a GROUP of samples the kernels take: bit q of word j of lane k's mask for
 * sample b (lernmi_t_mask_at) stands for input 16 (64 j + q) + k, taken if it is not 0.0
 * (every input, with `every`), its inputs at row[b] (lernmi_t_rows: the bias's 1.0 first,
 * and -0.0 taken as +0.0). A +0.0 input left out adds w * +0.0 to a forward sum, +0.0
 * or -0.0 if w is finite, which changes no lane (they start at +0.0, and in round to
 * nearest x + y is -0.0 only if both are); for a gradient see lernmi_t_gradient.
 * The word after the masks, mask[GROUP * LANES * words], is 1 if no input has its sign bit
 * set (none is negative, or a NaN with the bit set), else 0: lernmi_t_columns's. Each row
 * is asked for one sample ahead: row[samples], the next GROUP's first, or NULL. */
LERNMI_T_TARGET static void lernmi_t_list(const double *const *row, Py_ssize_t samples,
                                          Py_ssize_t n, int every, uint64_t *mask)
{
    const Py_ssize_t words = lernmi_t_words(n);
    __m512i bits = _mm512_setzero_si512();
    memset(mask, 0, sizeof(uint64_t) * LERNMI_GROUP * LERNMI_LANES * words);
    for (Py_ssize_t b = 0; b < samples; b++)
        for (Py_ssize_t i = 0; i < n; i += 1024) {  /* the inputs of each lane's word i / 1024 */
            /* bit h - i for input h, taken or not: 16 bits for each q, those of the inputs
             * 16 q + k of the lanes k (i being a multiple of 16) */
            uint64_t taken[16] = {0};
            for (Py_ssize_t h = i; h < i + 1024 && h < n; h += 8) {
                const __mmask8 in = lernmi_t_lanes_of(n - h);
                if (row[b + 1] != NULL)
                    _mm_prefetch((const char *)(row[b + 1] + h), _MM_HINT_T0);
                const __m512i x = _mm512_castpd_si512(_mm512_add_pd(
                    lernmi_t_eight(row[b], h, in), _mm512_setzero_pd()));
                bits = _mm512_or_si512(bits, x);
                taken[(h - i) / 64] |=
                    (uint64_t)(every ? in : _mm512_test_epi64_mask(x, x)) << (h - i) % 64;
            }
            /* lane k's word: bit k of each q's 16, 16 q at a time, each 16 in 32 bits */
            __m512i sixteens[4];
            for (int c = 0; c < 4; c++)
                sixteens[c] = _mm512_cvtepu16_epi32(
                    _mm256_loadu_si256((const __m256i *)(taken + 4 * c)));
            for (int k = 0; k < LERNMI_LANES; k++) {
                const __m512i bit = _mm512_set1_epi32(1 << k);
                uint64_t word = 0;
                for (int c = 0; c < 4; c++)
                    word |= (uint64_t)_mm512_test_epi32_mask(sixteens[c], bit) << (16 * c);
                mask[lernmi_t_mask_at(k, i / 1024, b, words)] = word;
            }
        }
    mask[LERNMI_GROUP * LERNMI_LANES * words] =
        !_mm512_test_epi64_mask(bits, (__m512i)LERNMI_T_SIGN);
}

/* Each sample b's sums of a block of V vectors of rows (`width` rows at t), as lernmi_dot
 * takes them, in lanes[b * WAITING * width + r]: lane k of row r's sum adds the inputs i
 * taken (at row[b]: lernmi_t_rows), for i % LANES = k, in order, and lernmi_dot's tree
 * adds the lanes, k to k + 8 for k < 8, then those k to k + 4 for k < 4, and so on. Here the lanes
 * are summed in the order 0, 8, 4, 12, 2, 10, ... (k's bits reversed), each for every
 * sample in turn (the columns of a lane stay in the cache meanwhile), and added to the
 * one it pairs with as soon as both are done: a binary counter, whose lanes waiting for
 * their pairs, at most WAITING of them, are kept in `lanes`. */
LERNMI_T_INLINE void lernmi_t_lanes(const int V, const double *t, Py_ssize_t n,
                                    const double *const *row, Py_ssize_t samples,
                                    const uint64_t *mask, double *lanes)
{
    const Py_ssize_t width = 8 * V;  /* (a constant where V is: the loads' offsets too) */
    const Py_ssize_t words = lernmi_t_words(n), per_lane = lernmi_t_positions(n) / LERNMI_LANES;
    for (unsigned turn = 0; turn < LERNMI_LANES; turn++) {
        int k = 0;  /* turn's bits reversed */
        for (unsigned bit = 1; bit < LERNMI_LANES; bit *= 2)
            k = 2 * k + ((turn & bit) != 0);
        /* the lanes waiting before this one is done, and how many of them it pairs with in
         * turn, the last done first (turn's trailing ones), leaving their sum to wait */
        const int waiting = __builtin_popcount(turn), pairs = __builtin_ctz(~turn);
        for (Py_ssize_t b = 0; b < samples; b++) {
            lernmi_v8 acc[LERNMI_T_VECTORS];
            for (int v = 0; v < V; v++)
                acc[v] = (lernmi_v8){0.0};
            const double *x = row[b];  /* input 16 q + k at x[16 q + k - 1], for q or k > 0 */
            const double *columns = t + k * per_lane * width;
            for (Py_ssize_t j = 0; j < words; j++) {
                uint64_t m = mask[lernmi_t_mask_at(k, j, b, words)];
                if (k == 0 && j == 0 && (m & 1)) {  /* input 0, the bias's 1.0 */
                    for (int v = 0; v < V; v++)
                        acc[v] += ((const lernmi_v8 *)columns)[v] * 1.0;
                    m &= m - 1;
                }
                for (; m; m &= m - 1) {
                    const Py_ssize_t q = 64 * j + __builtin_ctzll(m);
                    /* (no + 0.0 here: an input taken is not 0.0 unless every one is, and
                     * then the sign of w * x's zero is lost in a lane, never -0.0) */
                    const double xq = x[LERNMI_LANES * q + k - 1];
                    const lernmi_v8 *column = (const lernmi_v8 *)(columns + q * width);
                    for (int v = 0; v < V; v++)
                        acc[v] += column[v] * xq;
                }
            }
            double *mine = lanes + b * LERNMI_T_WAITING * width;
            for (int d = waiting - 1; d >= waiting - pairs; d--)
                for (int v = 0; v < V; v++)
                    acc[v] = *(const lernmi_v8 *)(mine + d * width + 8 * v) + acc[v];
            for (int v = 0; v < V; v++)
                *(lernmi_v8 *)(mine + (waiting - pairs) * width + 8 * v) = acc[v];
        }
    }
}

/* The kernels' scratch: room (lernmi_t_doubles) for the rows' sensitivities (sp), the sign
 * of the zero a column of +0.0 inputs adds (minus), which samples' sensitivities have their
 * sign bit set (signs), and the forward lanes; masks (lernmi_t_masks) for which samples
 * each column takes, then lernmi_t_list's masks of each GROUP of the batch in turn, each
 * with its word on whether no input of the GROUP has its sign bit set. */
#define LERNMI_T_SCRATCH                                                                      \
    const Py_ssize_t positions = lernmi_t_positions(n), padded = 8 * lernmi_t_vectors(rows);  \
    double *sp = room, *minus = sp + LERNMI_GROUP * padded;                                   \
    long long *signs = (long long *)(minus + padded);                                         \
    double *lanes = minus + 2 * padded;                                                       \
    uint64_t *taken = masks;                                                                  \
    (void)sp, (void)minus, (void)signs, (void)lanes, (void)taken

/* A switch's cases for every count of vectors of rows a block can have, each LERNMI_T_CASE(q)
 * a loop compiled for q vectors, whose sums stay in q registers. */
#define LERNMI_T_CASES                                                                        \
    LERNMI_T_CASE(1) LERNMI_T_CASE(2) LERNMI_T_CASE(3) LERNMI_T_CASE(4) LERNMI_T_CASE(5)      \
    LERNMI_T_CASE(6) LERNMI_T_CASE(7) LERNMI_T_CASE(8) LERNMI_T_CASE(9) LERNMI_T_CASE(10)     \
    LERNMI_T_CASE(11) LERNMI_T_CASE(12) LERNMI_T_CASE(13) LERNMI_T_CASE(14) LERNMI_T_CASE(15) \
    LERNMI_T_CASE(16)

/* Where lernmi_t_list's masks of the GROUP of samples from sample `first` lie in `masks`. */
LERNMI_INLINE uint64_t *lernmi_t_group_mask(uint64_t *masks, Py_ssize_t n, Py_ssize_t first)
{
    return masks + lernmi_t_positions(n) + first / LERNMI_GROUP * lernmi_t_group_masks(n);
}

/* z[b * stride + r] += the sum of w[r, i] times sample b's input i over i < n, as
 * lernmi_dot takes it, for the rows r < rows and the samples b < samples, the weights at t
 * (the layout above), the inputs in x (lernmi_t_rows). Each GROUP's masks (lernmi_t_list)
 * are left in `masks` for lernmi_t_gradient to take: of every input if some weight is not
 * finite (then w * 0.0 may be NaN), which it returns. `finite`: 1 if every weight is known
 * to be finite, 0 if some is known not to be, -1 to check. */
LERNMI_T_TARGET static int lernmi_t_forward(const double *t, Py_ssize_t rows, Py_ssize_t n,
                                            const double *x, const Py_ssize_t *order,
                                            Py_ssize_t samples, double *z, Py_ssize_t stride,
                                            double *room, uint64_t *masks, int finite)
{
    LERNMI_T_SCRATCH;
    const int every = finite < 0 ? !lernmi_all_finite(t, 0, 1, lernmi_t_size(rows, n)) : !finite;
    for (Py_ssize_t first = 0; first < samples; first += LERNMI_GROUP) {
        const Py_ssize_t group = samples - first < LERNMI_GROUP ? samples - first : LERNMI_GROUP;
        const double *row[LERNMI_GROUP + 1];
        lernmi_t_rows(x, order, n, first, group, samples, row);
        uint64_t *mask = lernmi_t_group_mask(masks, n, first);
        lernmi_t_list(row, group, n, every, mask);
        for (Py_ssize_t block = 0; block < lernmi_t_blocks(rows); block++) {
            const Py_ssize_t v0 = lernmi_t_first(block, rows);
            const int V = (int)(lernmi_t_first(block + 1, rows) - v0);
            const Py_ssize_t width = 8 * V;
            const double *tb = t + positions * 8 * v0;
            switch (V) {
#define LERNMI_T_CASE(q)                                                                      \
    case q: lernmi_t_lanes(q, tb, n, row, group, mask, lanes); break;
                LERNMI_T_CASES
#undef LERNMI_T_CASE
            }
            for (Py_ssize_t b = 0; b < group; b++) {
                const double *sum = lanes + b * LERNMI_T_WAITING * width;
                double *out = z + (first + b) * stride + 8 * v0;
                for (int v = 0; v < V; v++) {  /* (the rows of zeros left out) */
                    const __mmask8 in = lernmi_t_lanes_of(rows - 8 * (v0 + v));
                    const __m512d was = _mm512_maskz_loadu_pd(in, out + 8 * v);
                    _mm512_mask_storeu_pd(out + 8 * v, in,
                                          _mm512_add_pd(was, _mm512_loadu_pd(sum + 8 * v)));
                }
            }
        }
    }
    return every;
}

/* Each column's samples: bit b of taken[p] is set if sample b of the GROUP takes the input
 * at position p (its mask's bit; p = per_lane * k + q for bit q % 64 of word q / 64 of lane
 * k). The masks' bit matrix transposed: eight samples' words of a lane at a time, a bit of
 * all eight tested at once. */
LERNMI_T_INLINE void lernmi_t_taken(const uint64_t *mask, Py_ssize_t n, Py_ssize_t group,
                                    uint64_t *taken)
{
    const Py_ssize_t words = lernmi_t_words(n), per_lane = lernmi_t_positions(n) / LERNMI_LANES;
    for (Py_ssize_t k = 0; k < LERNMI_LANES; k++)
        for (Py_ssize_t j = 0; j < words; j++) {
            /* samples 8 c to 8 c + 7's words, in turn: those past the GROUP's samples left
             * out (lernmi_t_list clears them too, so nothing there is taken either way) */
            __m512i eight[LERNMI_GROUP / 8];
            for (Py_ssize_t c = 0; c < LERNMI_GROUP / 8; c++)
                eight[c] = _mm512_maskz_loadu_epi64(
                    group > 8 * c ? lernmi_t_lanes_of(group - 8 * c) : 0,
                    mask + lernmi_t_mask_at(k, j, 8 * c, words));
            uint64_t *out = taken + k * per_lane + 64 * j;
            const Py_ssize_t bits = per_lane - 64 * j < 64 ? per_lane - 64 * j : 64;
            for (Py_ssize_t q = 0; q < bits; q++) {
                const __m512i bit = _mm512_set1_epi64((long long)((uint64_t)1 << q));
                uint64_t samples = 0;
                for (Py_ssize_t c = 0; c < LERNMI_GROUP / 8; c++)
                    samples |= (uint64_t)_mm512_test_epi64_mask(eight[c], bit) << (8 * c);
                out[q] = samples;
            }
        }
}

/* Whether each lane is -0.0. */
LERNMI_T_INLINE lernmi_l8 lernmi_t_minus_zero(lernmi_v8 x)
{
    return (lernmi_l8)(x == 0.0) & ((lernmi_l8)x < 0);
}

/* lernmi_t_gradient's loop for a block of V vectors of rows (`width`, at g): column p takes
 * the samples whose bits are set in taken[p]. The columns go in the inputs' order, not the
 * positions': each sample's inputs are then read along its row, eight to a cache line,
 * where the positions' order reads them 16 apart, a line each; g's columns are visited in
 * 16 interleaved runs, one a lane, instead of one after another. Each column's sum is the
 * same either way; the inputs' order is the faster (docs/speed.md, "The fifteenth day"). */
LERNMI_T_INLINE void lernmi_t_columns(const int V, int fresh, double *g, Py_ssize_t width,
                                      Py_ssize_t n, const double *sp, Py_ssize_t padded,
                                      const double *minus, const long long *signs,
                                      const uint64_t *taken, const double *const *row,
                                      Py_ssize_t group, lernmi_l8 real, int unsigned_)
{
    const uint64_t samples = ((uint64_t)1 << group) - 1;  /* (group <= GROUP < 64) */
    for (Py_ssize_t i = 0; i < n; i++) {
        const Py_ssize_t p = lernmi_t_at(i, n);
        lernmi_v8 *column = (lernmi_v8 *)(g + p * width), acc[LERNMI_T_VECTORS];
        if (!taken[p]) {  /* +0.0 in every sample */
            for (int v = 0; v < V; v++)
                column[v] = fresh ? *(const lernmi_v8 *)(minus + 8 * v)
                                  : column[v] + *(const lernmi_v8 *)(minus + 8 * v);
            continue;
        }
        for (int v = 0; v < V; v++)
            acc[v] = fresh ? (lernmi_v8){0.0} : column[v];
        for (uint64_t m = taken[p]; m; m &= m - 1) {
            const Py_ssize_t b = __builtin_ctzll(m);
            const double x = lernmi_t_input_of(row[b], i);
            for (int v = 0; v < V; v++)
                acc[v] += *(const lernmi_v8 *)(sp + b * padded + 8 * v) * x;
        }
        for (int v = 0; v < V; v++) {
            if (unsigned_) {
                /* No input signed: each term's sign is its s's, so a zero sum is -0.0 only
                 * if every sample's s is signed (minus), and g's zero, added on to, too */
                const lernmi_l8 zero = (lernmi_l8)(acc[v] == 0.0);
                lernmi_l8 sign = (lernmi_l8)*(const lernmi_v8 *)(minus + 8 * v) & LERNMI_T_SIGN;
                if (!fresh)
                    sign &= lernmi_t_minus_zero(column[v]);
                const lernmi_l8 bits = ((lernmi_l8)acc[v] & ~zero) | (zero & sign);
                column[v] = (lernmi_v8)(v == V - 1 ? bits & real : bits);
                continue;
            }
            if (!_mm512_cmp_pd_mask((__m512d)acc[v], _mm512_setzero_pd(), _CMP_EQ_OQ)) {
                column[v] = v == V - 1 ? (lernmi_v8)((lernmi_l8)acc[v] & real) : acc[v];
                continue;
            }
            /* A zero: -0.0 only if every term of the whole sum is (see lernmi_t_gradient):
             * that of each sample whose input is +0.0 if its s has its sign bit set, that of
             * each other if its product is -0.0 (and g's, added on) */
            const lernmi_l8 zero = (lernmi_l8)(acc[v] == 0.0);
            const lernmi_l8 others = (lernmi_l8){0} + (long long)(~taken[p] & samples);
            lernmi_l8 minus_zero = (~*(const lernmi_l8 *)(signs + 8 * v) & others) == 0;
            if (!fresh)
                minus_zero &= lernmi_t_minus_zero(column[v]);
            for (uint64_t m = taken[p]; m && _mm512_test_epi64_mask(
                     (__m512i)(minus_zero & zero), (__m512i)(minus_zero & zero)); m &= m - 1) {
                const Py_ssize_t b = __builtin_ctzll(m);
                minus_zero &= lernmi_t_minus_zero(*(const lernmi_v8 *)(sp + b * padded + 8 * v)
                                                  * lernmi_t_input_of(row[b], i));
            }
            lernmi_l8 bits = ((lernmi_l8)acc[v] & ~zero) | (zero & minus_zero & LERNMI_T_SIGN);
            column[v] = (lernmi_v8)(v == V - 1 ? bits & real : bits);
        }
    }
}

/* g = each weight's gradient summed over the samples b < samples, s[b * stride + r] times
 * sample b's input i, as lernmi_scale then lernmi_axpy sum them sample after sample (g in
 * the layout above, rows x n weights; the inputs in x, lernmi_t_rows; s[... + r] the rows'
 * sensitivities). `listed`: what lernmi_t_forward returned, if it has just taken these
 * samples (their masks are still there); -1 if not. Scratch as lernmi_t_forward's.
 *
 * Why the inputs of +0.0 left out change no sum (the sensitivities being finite, or else
 * every input is taken): a term s * +0.0 is -0.0 if s is negative or -0.0, +0.0 otherwise.
 * Added to a sum that is not 0, a zero leaves it as it is; so a sum without some zeros is
 * the whole sum, or both are zeros. And a sum, fresh or added on to g, is -0.0 only if every
 * term is -0.0 (g too) (x + y is -0.0 only if both are, and x + (-x) is +0.0). So a sum
 * that comes out 0.0 has its sign worked out from every term; a column with no input taken
 * gets one zero, -0.0 if every sample's s is negative or -0.0 (as lernmi_scatter_rows). */
LERNMI_T_TARGET static void lernmi_t_gradient(double *g, Py_ssize_t rows, Py_ssize_t n,
                                              const double *x, const Py_ssize_t *order,
                                              const double *s, Py_ssize_t stride,
                                              Py_ssize_t samples, int listed, double *room,
                                              uint64_t *masks)
{
    LERNMI_T_SCRATCH;
    const Py_ssize_t words = lernmi_t_words(n);
    for (Py_ssize_t first = 0; first < samples; first += LERNMI_GROUP) {
        const Py_ssize_t group = samples - first < LERNMI_GROUP ? samples - first : LERNMI_GROUP;
        const double *sg = s + first * stride, *row[LERNMI_GROUP + 1];
        lernmi_t_rows(x, order, n, first, group, samples, row);
        lernmi_l8 unsound = {0};  /* the lanes where some s is infinite or NaN */
        for (Py_ssize_t r = 0; r < padded; r += 8) {  /* eight rows at a time */
            const __mmask8 in = lernmi_t_lanes_of(rows - r);
            lernmi_l8 all = LERNMI_T_SIGN, signed_ = {0};
            for (Py_ssize_t b = 0; b < group; b++) {  /* (the rows of zeros get +0.0) */
                const double *sb = sg + b * stride + r;
                const lernmi_l8 bits = (lernmi_l8)_mm512_maskz_loadu_epi64(in, sb);
                all &= bits;
                signed_ |= ((bits < 0) & 1) << b;
                unsound |= (bits & LERNMI_T_EXPONENT) == LERNMI_T_EXPONENT;
                *(lernmi_v8 *)(sp + b * padded + r) = (lernmi_v8)bits;  /* (doubles as doubles) */
            }
            *(lernmi_v8 *)(minus + r) = (lernmi_v8)all;  /* -0.0 if every s is signed, else +0.0 */
            *(lernmi_l8 *)(signs + r) = signed_;
        }
        /* as lernmi_all_finite(sg, stride, group, rows), from the numbers just read */
        const int finite = !_mm512_test_epi64_mask((__m512i)unsound, (__m512i)unsound);
        uint64_t *mask = lernmi_t_group_mask(masks, n, first);
        if (listed < 0 || (!finite && !listed))
            lernmi_t_list(row, group, n, !finite, mask);
        const int unsigned_ = (int)mask[LERNMI_GROUP * LERNMI_LANES * words];
        lernmi_t_taken(mask, n, group, taken);
        for (Py_ssize_t block = 0; block < lernmi_t_blocks(rows); block++) {
            const Py_ssize_t v0 = lernmi_t_first(block, rows);
            const int V = (int)(lernmi_t_first(block + 1, rows) - v0);
            lernmi_l8 real = {0};  /* the lanes of the block's last vector that are rows */
            for (int k = 0; k < 8; k++)
                real[k] = 8 * (v0 + V - 1) + k < rows ? -1 : 0;
            double *gb = g + positions * 8 * v0;
            switch (V) {
#define LERNMI_T_CASE(q)                                                                      \
    case q:                                                                                   \
        lernmi_t_columns(q, first == 0, gb, 8 * q, n, sp + 8 * v0, padded, minus + 8 * v0,    \
                         signs + 8 * v0, taken, row, group, real, unsigned_);                 \
        break;
                LERNMI_T_CASES
#undef LERNMI_T_CASE
            }
        }
    }
}
#else
#define LERNMI_T_READY 0
/* Never called where lernmi_t_ready is 0; here only so that transposed.py compiles. */
LERNMI_INLINE int lernmi_t_forward(const double *t, Py_ssize_t rows, Py_ssize_t n,
                                   const double *x, const Py_ssize_t *order, Py_ssize_t samples,
                                   double *z, Py_ssize_t stride, double *room, uint64_t *masks,
                                   int finite)
{
    (void)t, (void)rows, (void)n, (void)x, (void)order, (void)samples, (void)z, (void)stride;
    (void)room, (void)masks, (void)finite;
    return 1;
}

LERNMI_INLINE void lernmi_t_gradient(double *g, Py_ssize_t rows, Py_ssize_t n,
                                     const double *x, const Py_ssize_t *order, const double *s,
                                     Py_ssize_t stride, Py_ssize_t samples, int listed,
                                     double *room, uint64_t *masks)
{
    (void)g, (void)rows, (void)n, (void)x, (void)order, (void)s, (void)stride, (void)samples;
    (void)listed, (void)room, (void)masks;
}
#endif

/* Whether this CPU runs the kernels here (built only for x86-64 Linux, as the tiles' widths
 * are, and only for CPUs with AVX-512 and BMI2, whose instructions the compiler may use in
 * them: LERNMI_T_CPU). */
LERNMI_INLINE int lernmi_t_ready(void)
{
#if LERNMI_T_READY
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("bmi2");
#else
    return 0;
#endif
}

#endif
