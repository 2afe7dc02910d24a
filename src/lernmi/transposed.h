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
 * eight rows (16 of floats; padded with rows of zeros, which stay 0), so that a block's
 * sums stay in registers; within a block, input i's column lies at position
 * lernmi_t_at(i, n), lane by lane: lane k's columns one after another, so that a lane's
 * columns are near each other in the cache. Only on CPUs with AVX-512 (lernmi_t_ready):
 * elsewhere the rows' tiles do it.
 *
 * The layout and the kernels are written once, in transposed_real.h, for any type of
 * number, and made here for doubles (lernmi_t_forward, ...: vectors of eight rows) and for
 * floats (lernmi_t_forward_f32, ...: vectors of 16 rows), in the same order of sums. The
 * loops learn in doubles; the floats' kernels are for float32 networks, which are not built
 * yet (docs/speed.md, "What float32 would take"), and are checked and timed in C alone.
 */

#ifndef LERNMI_TRANSPOSED_H
#define LERNMI_TRANSPOSED_H

#include <stdint.h>
#include <string.h>

#include "vector.h"

#define LERNMI_T_VECTORS 16  /* vectors of rows in a block, at most */
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

/* Words a lane's mask of inputs takes (a bit a column), and the 64-bit masks the kernels
 * need: a GROUP's, and a batch of `samples` samples'. */
LERNMI_INLINE Py_ssize_t lernmi_t_words(Py_ssize_t n)
{
    return (lernmi_t_positions(n) / LERNMI_LANES + 63) / 64;
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

#if defined(LERNMI_PICKS_WIDTH)
#define LERNMI_T_READY 1
#include <immintrin.h>
#define LERNMI_T_CPU target("avx512f,bmi2")
#define LERNMI_T_TARGET __attribute__((unused, LERNMI_T_CPU))
#define LERNMI_T_INLINE static inline __attribute__((always_inline, unused, LERNMI_T_CPU))
/* Vectors of 64 bytes beside vector.h's lernmi_v8 and lernmi_f16: integers as wide as a
 * double or a float. */
typedef long long lernmi_l8 __attribute__((vector_size(64), aligned(8)));
typedef unsigned long long lernmi_u8 __attribute__((vector_size(64), aligned(8)));
typedef int lernmi_i16 __attribute__((vector_size(64), aligned(4)));
typedef unsigned lernmi_u16 __attribute__((vector_size(64), aligned(4)));
_Static_assert(1 << LERNMI_T_WAITING == LERNMI_LANES, "lernmi_t_lanes's counter");
_Static_assert(LERNMI_GROUP % 8 == 0 && LERNMI_GROUP <= 32, "lernmi_t_taken's eights, and "
               "a bit a sample in the signs of a float's lanes");

/* The first `left` of eight lanes (all eight if left is 8 or more; left >= 1). */
LERNMI_T_INLINE __mmask8 lernmi_t_eight_of(Py_ssize_t left)
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
                    group > 8 * c ? lernmi_t_eight_of(group - 8 * c) : 0,
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

#else
#define LERNMI_T_READY 0
#endif

/* The kernels for doubles, under the names above. */
#define LT_R double
#define LT_PER 8
#define LT_NAMED(name) name
#define LT_V lernmi_v8
#define LT_IV lernmi_l8
#define LT_UV lernmi_u8
#define LT_I long long
#define LT_M __mmask8
#define LT_SIMD __m512d
#define LT_LOADZ _mm512_maskz_loadu_pd
#define LT_LOADU _mm512_loadu_pd
#define LT_STOREM _mm512_mask_storeu_pd
#define LT_ADD _mm512_add_pd
#define LT_ZERO _mm512_setzero_pd
#define LT_SET1 _mm512_set1_pd
#define LT_EXPANDZ _mm512_maskz_expandloadu_pd
#define LT_MOVM _mm512_mask_mov_pd
#define LT_CMPM _mm512_cmp_pd_mask
#define LT_CAST_SI _mm512_castpd_si512
#define LT_TEST _mm512_test_epi64_mask
#define LT_LOADZ_I _mm512_maskz_loadu_epi64
#define LT_SIGN_BIT 0x8000000000000000ULL
#define LT_EXPONENT_BITS 0x7ff0000000000000LL
#include "transposed_real.h"

/* The same for floats, 16 to a vector, each name with _f32 after it, warned of as vector.h's
 * are. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic warning "-Wdouble-promotion"
#pragma GCC diagnostic warning "-Wfloat-conversion"
#endif
#define LT_R float
#define LT_PER 16
#define LT_NAMED(name) name##_f32
#define LT_V lernmi_f16
#define LT_IV lernmi_i16
#define LT_UV lernmi_u16
#define LT_I int
#define LT_M __mmask16
#define LT_SIMD __m512
#define LT_LOADZ _mm512_maskz_loadu_ps
#define LT_LOADU _mm512_loadu_ps
#define LT_STOREM _mm512_mask_storeu_ps
#define LT_ADD _mm512_add_ps
#define LT_ZERO _mm512_setzero_ps
#define LT_SET1 _mm512_set1_ps
#define LT_EXPANDZ _mm512_maskz_expandloadu_ps
#define LT_MOVM _mm512_mask_mov_ps
#define LT_CMPM _mm512_cmp_ps_mask
#define LT_CAST_SI _mm512_castps_si512
#define LT_TEST _mm512_test_epi32_mask
#define LT_LOADZ_I _mm512_maskz_loadu_epi32
#define LT_SIGN_BIT 0x80000000U
#define LT_EXPONENT_BITS 0x7f800000
#include "transposed_real.h"
#if defined(__GNUC__)
#pragma GCC diagnostic pop
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
