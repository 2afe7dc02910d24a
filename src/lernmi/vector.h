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
 * picked as they run (LERNMI_PICKS_WIDTH). Every version gives identical results; only
 * speed differs.
 *
 * The loops are written once, in vector_real.h, for any type of number, and made here for
 * doubles (lernmi_dot, ...) and for floats (lernmi_dot_f32, ...), each type's in its own
 * arithmetic: every operation on floats is rounded to a float, as numpy's float32 scalars
 * round it, never worked in double first (the C library's exp is the one exception: taken
 * in double and rounded, in both). The loops learn in doubles; the floats' are for float32
 * networks, which are not built yet (docs/speed.md, "What float32 would take"), and are
 * checked in C alone (tests/c).
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

/* GCC and Clang's vector types: two, four or eight doubles, or four, eight or 16 floats,
 * that the compiler keeps in one register (SSE2 or NEON, AVX, AVX-512), doing each
 * operation lane by lane with IEEE rounding, exactly as the plain C loops do them one number
 * at a time (MSVC compiles those). aligned(8) and aligned(4): they may be loaded from any
 * number of their type. */
#if defined(__GNUC__) && !defined(LERNMI_NO_VECTORS)  /* (a test builds it as MSVC would) */
#define LERNMI_VECTORS 1
typedef double lernmi_v2 __attribute__((vector_size(16), aligned(8)));
typedef double lernmi_v4 __attribute__((vector_size(32), aligned(8)));
typedef double lernmi_v8 __attribute__((vector_size(64), aligned(8)));
typedef float lernmi_f4 __attribute__((vector_size(16), aligned(4)));
typedef float lernmi_f8 __attribute__((vector_size(32), aligned(4)));
typedef float lernmi_f16 __attribute__((vector_size(64), aligned(4)));
/* Lanes i, j, k and l of the eight of a and b side by side (a's 0 to 3, then b's), four
 * doubles or four floats each: Clang's __builtin_shufflevector, which GCC has only from
 * version 12, or GCC's __builtin_shuffle, whose lanes' numbers are integers as wide as
 * the vector's. */
#if defined(__clang__)
#define LERNMI_SHUFFLE(a, b, i, j, k, l) __builtin_shufflevector(a, b, i, j, k, l)
#define LERNMI_SHUFFLE_F32 LERNMI_SHUFFLE
#else
typedef long long lernmi_i4 __attribute__((vector_size(32)));
typedef int lernmi_n4 __attribute__((vector_size(16)));
#define LERNMI_SHUFFLE(a, b, i, j, k, l) __builtin_shuffle(a, b, (lernmi_i4){i, j, k, l})
#define LERNMI_SHUFFLE_F32(a, b, i, j, k, l) __builtin_shuffle(a, b, (lernmi_n4){i, j, k, l})
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

/* The kernels take a batch's numbers in small tiles, as matrix products do: a tile of rows
 * of weights and of samples (or of numbers) whose partial sums all stay in the CPU's
 * registers while it runs through the row or the batch. To read its operands one after the
 * other a tile wants them packed first: lernmi_pack_lanes puts a tile's samples side by
 * side for each number of a row, lernmi_pack_rows four rows of weights side by side in the
 * same order, lernmi_pack_runs each sample's runs of a tile's numbers one after another. A
 * tile changes no sum: each adds its terms in the order the plain loops do. A tile is as
 * many numbers as a 64-byte vector holds: eight doubles, 16 floats. */
#define LERNMI_TILE 8  /* samples in a forward tile, and numbers in a gradient tile's run */
#define LERNMI_TILE_F32 16  /* the same for floats */
#define LERNMI_GROUP 32  /* samples packed at once: propagation.pxd's GROUP */
#define LERNMI_LINE 8  /* numbers in a 64-byte line of memory (team.pxd's LINE) */
#define LERNMI_LINE_F32 16  /* the same for floats */
#if defined(__GNUC__)  /* (and the room's slots hold a Py_ssize_t) */
_Static_assert(LERNMI_TILE * sizeof(double) == 64 && LERNMI_TILE_F32 * sizeof(float) == 64
               && LERNMI_GROUP % LERNMI_TILE == 0 && LERNMI_GROUP % LERNMI_TILE_F32 == 0
               && sizeof(Py_ssize_t) <= 8, "a tile is a vector of 64 bytes, a GROUP whole "
               "tiles (lernmi_forward_tiles packs the rows after them)");
#endif

/* The columns a batch's tiles take: lernmi_list_columns lists them in `room`, 3 n + LANES +
 * 2 slots of eight bytes beside rows of n (lernmi_list_room: that many doubles, twice as
 * many floats; 8-byte aligned): order[c] for c < m, the columns taken; live[i], 0 for a
 * column left out; runs, the lengths of the runs of columns taken and left out in turn,
 * from column 0, the first one taken (maybe 0 long); count[k], how many are taken in lane
 * k (of `lanes`), and count[LANES], m. Py_ssize_t and uint64_t are no wider than a slot,
 * and `room` (numbers the caller allocated) is only ever read as the type last written
 * there, as C allows.
 *
 * Why leaving a column of +0.0 out changes no number: forward, its terms w * 0 are +0.0 or
 * -0.0 (w finite), and a sum of lanes that start at +0.0 is never -0.0 (in round to
 * nearest, x + y is -0.0 only if both are; this assumes no flush of subnormals to zero,
 * which no lernmi build asks for), so adding them leaves every lane as it was. Back, see
 * lernmi_scatter_rows. */
#define LERNMI_SLOT(room, k) ((void *)((room) + (k) * (Py_ssize_t)(8 / sizeof *(room))))
#define LERNMI_ORDER(room) ((Py_ssize_t *)LERNMI_SLOT(room, 0))
#define LERNMI_LIVE(room, n) ((uint64_t *)LERNMI_SLOT(room, n))
#define LERNMI_RUNS(room, n) ((Py_ssize_t *)LERNMI_SLOT(room, 2 * (n)))
#define LERNMI_COUNT(room, n) ((Py_ssize_t *)LERNMI_SLOT(room, 3 * (n) + 1))

/* x86-64 Linux with GCC or Clang, glibc's or musl's (unlike LERNMI_CLONES, this needs no
 * ifunc from the C library): the tiles in each width, each compiled for the CPUs whose
 * registers hold it, and the widest this CPU has picked at each call (vector_real.h's
 * LV_PICK: a check of the flags libgcc's or compiler-rt's start-up code read from the
 * CPU). Elsewhere one width: 16 bytes, as SSE2 and NEON registers hold, or plain C. */
#if defined(LERNMI_VECTORS) && defined(__x86_64__) && defined(__linux__)
#define LERNMI_PICKS_WIDTH 1
#endif

/* a_b, once a and b are expanded: a tile's name and its width. */
#define LERNMI_PASTE(a, b) LERNMI_PASTED(a, b)
#define LERNMI_PASTED(a, b) a##_##b

/* GCC turns a loop that copies into a call to memcpy, which costs more than it saves on
 * the short runs of columns that lernmi_gather_rows and lernmi_scatter_rows copy (in a C
 * harness on MNIST groups, the gradient tiles with their scatter took 5% longer so). */
#if defined(__GNUC__) && !defined(__clang__)
#define LERNMI_NO_MEMCPY __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define LERNMI_NO_MEMCPY
#endif

/* Asks for the line of 64 bytes at p to be brought into the cache (lernmi_prefetch). */
#if defined(_MSC_VER) && (defined(_M_X64) || defined(_M_IX86))
#include <xmmintrin.h>
#define LERNMI_PREFETCH(p) _mm_prefetch((const char *)(p), _MM_HINT_T1)
#elif defined(__GNUC__)
#define LERNMI_PREFETCH(p) __builtin_prefetch((p), 0, 2)
#else
#define LERNMI_PREFETCH(p) ((void)(p))
#endif

/* The rules' codes in lernmi_rule's kind: steps.py's PLAIN, MOMENTUM, NESTEROV and ADAM. */
enum { LERNMI_PLAIN, LERNMI_MOMENTUM, LERNMI_NESTEROV, LERNMI_ADAM };

/* The loops for doubles, under the names as they are: lernmi_dot, ... */
#define LV_R double
#define LV_U uint64_t           /* an unsigned integer as wide */
#define LV_NAMED(name) name
#define LV_TILE LERNMI_TILE
#define LV_LINE 8               /* numbers in a line of the cache, 64 bytes */
#define LV_W512 8               /* numbers in a vector of 512 bits, and its type; */
#define LV_V512 lernmi_v8
#define LV_W256 4               /* of 256 */
#define LV_V256 lernmi_v4
#define LV_W128 2               /* of 128 */
#define LV_V128 lernmi_v2
#define LV_V4 lernmi_v4         /* four numbers, and their shuffle */
#define LV_SHUFFLE LERNMI_SHUFFLE
#define LV_MIN DBL_MIN          /* the smallest normal number */
#define LV_FABS fabs
#define LV_COPYSIGN copysign
#define LV_SQRT sqrt
#define LV_EXP exp
#include "vector_real.h"

/* The same for floats, each name with _f32 after it. GCC and Clang warn of any float in them
 * promoted to double, or double rounded to float, that no cast asks for (and
 * tests/test_vector_h.py fails on a warning). */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic warning "-Wdouble-promotion"
#pragma GCC diagnostic warning "-Wfloat-conversion"
#endif
#define LV_R float
#define LV_U uint32_t
#define LV_NAMED(name) name##_f32
#define LV_TILE LERNMI_TILE_F32
#define LV_LINE 16
#define LV_W512 16
#define LV_V512 lernmi_f16
#define LV_W256 8
#define LV_V256 lernmi_f8
#define LV_W128 4
#define LV_V128 lernmi_f4
#define LV_V4 lernmi_f4
#define LV_SHUFFLE LERNMI_SHUFFLE_F32
#define LV_MIN FLT_MIN
#define LV_FABS fabsf
#define LV_COPYSIGN copysignf
#define LV_SQRT sqrtf           /* correctly rounded, as sqrt is: the double's, rounded */
#define LV_EXP(x) ((float)exp((double)(x)))
#include "vector_real.h"
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#endif
