/* transposed.h's kernels against vector.h's plain loops, number by number, bit for bit.
 *
 * Each trial makes a layer of rows x n weights and a batch of inputs and sensitivities, and
 * checks that lernmi_t_forward adds to each sum what lernmi_dot gives for its row and
 * sample (told whether every weight is finite, or finding out), and that
 * lernmi_t_gradient gives each weight's gradient as lernmi_scale then lernmi_axpy sum it
 * over the samples: afresh, from the masks the forward pass left for each GROUP of
 * samples (of every input, or not) or listed again, and over more than one GROUP. The
 * shapes take one and several blocks of rows, rows that are not whole vectors, and lanes
 * of one input or of many words of a mask. The numbers are mostly 0.0 and otherwise random
 * with all 53 bits (24 in floats), and in odd trials also -0.0, infinities, NaNs and
 * subnormal numbers in the weights, the inputs and the sensitivities, which make the
 * kernels take every input and work out the sign of a zero; the sensitivities are often
 * 0.0, so that many sums are zeros, and in even trials a column's gradient is -0.0 over
 * every GROUP. In `plus` trials no input of some GROUPs has its sign bit set, which the
 * gradient's sign of a zero takes a shortcut for (lernmi_t_list's word), over rows of zero
 * sensitivities. In `minus` trials, of whole GROUPs, the sensitivities are -0.0 but for 4%
 * of +0.0, so that many a zero sum's sign takes the sign bits of every sample of its GROUP,
 * up to the 32nd. Last, vector.h's lernmi_mean_step must say whether every weight it
 * stepped is finite. A NaN matches any NaN: which one an operation passes on is the CPU's
 * choice, not the order's.
 * Prints how many numbers did not match, of how many; "not built" where transposed.h has
 * no kernels (lernmi_t_ready is 0).
 *
 * Built with -DLERNMI_TEST_FLOATS, the same for the floats' kernels (lernmi_t_forward_f32,
 * ...), against plain loops written here in floats: lernmi_dot's lanes and tree, and the
 * products added sample after sample (vector.h's own loops for floats are checked against
 * the same in tests/c/loops.c, their step's word too; here it is checked in doubles).
 */

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef ptrdiff_t Py_ssize_t;  /* Python.h's, which this test does without */

#include "transposed.h"

#ifdef LERNMI_T_FLOATS
#error "-DLERNMI_T_FLOATS is now -DLERNMI_TEST_FLOATS"
#endif

#if LERNMI_T_READY
#ifdef LERNMI_TEST_FLOATS
typedef float real;
#define T(name) name##_f32
#define PER 16  /* rows a vector */
/* the smallest subnormal's negative, whose products with inputs under 0.5 are -0.0 */
#define TINY_MINUS -1e-45f
static const real odd_ones[] = {-0.0f, INFINITY, -INFINITY, NAN, 1e-45f, -1e-40f};

static real dot(const real *x, const real *y, Py_ssize_t n)  /* lernmi_dot's order */
{
    real lane[LERNMI_LANES] = {0.0f};
    for (Py_ssize_t i = 0; i < n; i++)
        lane[i % LERNMI_LANES] += x[i] * y[i];
    LERNMI_ADD_LANES(lane);
    return lane[0];
}

static void scale(real s, const real *x, real *y, Py_ssize_t n)  /* lernmi_scale's */
{
    for (Py_ssize_t i = 0; i < n; i++)
        y[i] = s * x[i];
}

static void axpy(real s, const real *x, real *y, Py_ssize_t n)  /* lernmi_axpy's */
{
    for (Py_ssize_t i = 0; i < n; i++)
        y[i] += s * x[i];
}
#else
typedef double real;
#define T(name) name
#define PER 8
#define TINY_MINUS -5e-324
static const real odd_ones[] = {-0.0, INFINITY, -INFINITY, NAN, 5e-324, -1e-310};
#define dot lernmi_dot
#define scale lernmi_scale
#define axpy lernmi_axpy
#endif

static uint64_t state = 88172645463325252ULL;

static uint64_t next(void)  /* xorshift64 */
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static double uniform(void)  /* in [-1, 1), with all 53 bits (rounded to a float's 24) */
{
    return (double)(next() >> 11) / 4503599627370496.0 - 1.0;
}

static real number(int odd, int blank)  /* blank: percent that are +0.0 */
{
    const uint64_t r = next() % 100;
    if (r < (uint64_t)blank)
        return 0.0;
    if (odd && r < (uint64_t)blank + 6)
        return odd_ones[r - blank];
    return (real)uniform();
}

static long same(real a, real b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0 ? 0 : 1;
}

static long mismatches = 0, numbers = 0, finite_steps = 0, steps = 0;

static void trial(Py_ssize_t rows, Py_ssize_t n, Py_ssize_t samples, int odd, int plus,
                  int minus)
{
    const Py_ssize_t stride = n + rows + 3, size = T(lernmi_t_size)(rows, n);
    real *w = malloc(sizeof(real) * rows * n), *g = malloc(sizeof(real) * rows * n);
    real *want = malloc(sizeof(real) * n), *z = malloc(sizeof(real) * samples * stride);
    real *a = malloc(sizeof(real) * samples * stride), *t = malloc(sizeof(real) * size);
    real *gt = malloc(sizeof(real) * size), *room = malloc(sizeof(real) *
                                                            T(lernmi_t_room)(rows));
    uint64_t *masks = malloc(sizeof(uint64_t) * lernmi_t_masks(n, samples));
    for (Py_ssize_t i = 0; i < rows * n; i++)
        w[i] = number(odd && i % 7 == 0, 0);
    for (Py_ssize_t b = 0; b < samples; b++)
        for (Py_ssize_t i = 0; i < stride; i++)
            a[b * stride + i] = i < n ? number(odd, 75) : number(odd, 25);  /* inputs, s */
    const real *s = a + n;  /* rows' sensitivities: a[b * stride + n + r] */
    /* even trials: a column of -0.0 inputs and one of +0.0 in every sample, and row 0's
     * sensitivities all positive, row 1's all negative: their gradients there are -0.0,
     * fresh and added on to over the next GROUPs */
    /* `plus` trials: no input has its sign bit set (the kernels' shortcut for the sign of a
     * zero gradient); row 0's sensitivities all -0.0, row 1's TINY_MINUS (whose products are
     * -0.0 for inputs under 0.5), row 2's -0.0 but for sample 0's +0.0. In even ones only
     * every other GROUP, from the first, so that the GROUPs of a batch differ. */
    for (Py_ssize_t b = 0; b < samples; b++) {
        if (plus && (odd || b / LERNMI_GROUP % 2 == 0)) {
            for (Py_ssize_t i = 0; i < n; i++)
                a[b * stride + i] = fabs(a[b * stride + i]);
            for (Py_ssize_t r = 0; r < rows && r < 3; r++)
                a[b * stride + n + r] = r == 1 ? TINY_MINUS : r == 2 && b == 0 ? 0.0 : -0.0;
        } else if (!odd && n > 3) {
            a[b * stride + n / 2] = -0.0;
            a[b * stride + n / 3] = 0.0;
            a[b * stride + n] = fabs(a[b * stride + n]) + 0.5;
            if (rows > 1)
                a[b * stride + n + 1] = -fabs(a[b * stride + n + 1]) - 0.5;
        }
    }
    for (Py_ssize_t b = 0; minus && b < samples; b++)
        for (Py_ssize_t r = 0; r < rows; r++)
            a[b * stride + n + r] = next() % 100 < 96 ? -0.0 : 0.0;
    for (Py_ssize_t i = 0; i < samples * stride; i++)
        z[i] = uniform();
    /* The kernels read each sample's inputs where they lie, rows of x in `order` (rows
     * between them, backwards; the last of three or more samples the second's row again),
     * as load_layer loads them: input 0 the bias's 1.0, and -0.0 as +0.0; the rows' loops
     * below take a, so loaded. */
    const Py_ssize_t lines = 2 * samples + 3;
    real *x = malloc(sizeof(real) * (lines * (n - 1) + 1));
    Py_ssize_t *order = malloc(sizeof(Py_ssize_t) * samples);
    for (Py_ssize_t i = 0; i < lines * (n - 1); i++)
        x[i] = uniform();
    for (Py_ssize_t b = 0; b < samples; b++) {
        const int again = samples > 2 && b == samples - 1;
        order[b] = again ? order[1] : lines - 1 - 2 * b;
        for (Py_ssize_t i = 1; i < n; i++) {
            if (!again)
                x[order[b] * (n - 1) + i - 1] = a[b * stride + i];
            a[b * stride + i] = x[order[b] * (n - 1) + i - 1] + 0.0;
        }
        a[b * stride] = 1.0;
    }

    T(lernmi_t_copy)(w, rows, n, t, 0);
    real *before = malloc(sizeof(real) * samples * stride);
    memcpy(before, z, sizeof(real) * samples * stride);
    int finite = 1;  /* told to the forward pass, or (half the time) left for it to find */
    for (Py_ssize_t i = 0; i < rows * n; i++)
        finite &= isfinite(w[i]) != 0;
    const int known = (rows + n + samples) % 2 ? -1 : finite;
    const int listed = T(lernmi_t_forward)(t, rows, n, x, order, samples, z + n, stride,
                                           room, masks, known);
    for (Py_ssize_t b = 0; b < samples; b++)
        for (Py_ssize_t i = 0; i < stride; i++, numbers++)
            mismatches += same(z[b * stride + i],
                               i >= n && i < n + rows
                                   ? before[b * stride + i] + dot(w + (i - n) * n,
                                                                  a + b * stride, n)
                                   : before[b * stride + i]);

    /* all the samples, from the forward pass's masks if they are still there; then half of
     * them, listed again; over garbage in g, which a fresh sum must not read */
    for (int round = 0; round < 2; round++) {
        const Py_ssize_t taken = round == 0 ? samples : (samples + 1) / 2;
        for (Py_ssize_t i = 0; i < size; i++)
            gt[i] = 12345.0;
        T(lernmi_t_gradient)(gt, rows, n, x, order, s, stride, taken,
                             round == 0 ? listed : -1, room, masks);
        T(lernmi_t_copy)(g, rows, n, gt, 1);
        for (Py_ssize_t r = 0; r < rows; r++) {
            scale(s[r], a, want, n);
            for (Py_ssize_t b = 1; b < taken; b++)
                axpy(s[b * stride + r], a + b * stride, want, n);
            for (Py_ssize_t i = 0; i < n; i++, numbers++)
                mismatches += same(g[r * n + i], want[i]);
        }
        /* the rows of zeros that pad the last vector of rows stay 0 */
        const Py_ssize_t positions = lernmi_t_positions(n), blocks = T(lernmi_t_blocks)(rows);
        const Py_ssize_t v0 = T(lernmi_t_first)(blocks - 1, rows);
        const Py_ssize_t width = PER * (T(lernmi_t_vectors)(rows) - v0);
        for (Py_ssize_t p = 0; p < positions; p++)
            for (Py_ssize_t r = rows - PER * v0; r < width; r++, numbers++)
                mismatches += same(gt[positions * PER * v0 + p * width + r],
                                   lernmi_t_input(p, n) < n ? 0.0 : 12345.0);
    }
#ifndef LERNMI_TEST_FLOATS
    /* the step's word on whether every weight it stepped is finite, which the next forward
     * pass takes: 1e308 weights stepped past the largest double in some trials */
    if (size >= 2 && odd)
        t[size - 2] = t[size - 1] = 1e308;
    for (Py_ssize_t i = 0; i < size; i++)
        gt[i] = (odd ? -1e308 : -1e-3) * (double)(i % 3);
    lernmi_rule rule = {LERNMI_PLAIN, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0};
    real *m = calloc(size, sizeof(real)), *v = calloc(size, sizeof(real));
    const int said = lernmi_mean_step(t, m, v, gt, &rule, size);
    free(m); free(v);
    int stepped_finite = 1;
    for (Py_ssize_t i = 0; i < size; i++)
        stepped_finite &= isfinite(t[i]) != 0;
    mismatches += said != stepped_finite, numbers++;
    finite_steps += stepped_finite, steps++;
#endif
    free(w); free(g); free(want); free(z); free(a); free(t); free(gt); free(room);
    free(masks); free(before); free(x); free(order);
}
#endif

int main(void)
{
#if LERNMI_T_READY
    if (!lernmi_t_ready()) {
        printf("this CPU has no AVX-512\n");
        return 0;
    }
    /* (blocks of 16 and 14 vectors of doubles; 256 rows, one of 16 of floats) */
    const Py_ssize_t rows[] = {1, 3, 8, 9, 30, 100, 128, 129, 224, 256, 300};
    const Py_ssize_t n[] = {1, 5, 16, 17, 33, 785, 1100};
    const Py_ssize_t samples[] = {1, 2, 7, 32, 33, 45, 70};  /* (45: a GROUP of 13) */
    int trials = 0;
    for (int r = 0; r < 11; r++)
        for (int i = 0; i < 7; i++)
            for (int b = 0; b < 7; b++)
                for (int odd = 0; odd < 4; odd++)
                    if (rows[r] * n[i] * samples[b] <= 3000000)
                        trial(rows[r], n[i], samples[b], odd % 2, odd / 2, 0), trials++;
    for (int r = 0; r < 11; r++)
        for (int i = 0; i < 7; i++)
            for (Py_ssize_t b = 32; b <= 64; b += 32)
                if (rows[r] * n[i] * b <= 3000000)
                    trial(rows[r], n[i], b, 0, 0, 1), trials++;
    printf("%ld mismatches in %ld numbers (%d trials; %ld of %ld steps finite)\n", mismatches,
           numbers, trials, finite_steps, steps);
    return mismatches != 0;
#else
    printf("not built\n");
    return 0;
#endif
}
