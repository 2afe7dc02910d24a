/* The vector arithmetic under lernmi's layer loops, in C so that compilers vectorise it.
 *
 * propagation.py, the loops of a layer of links, calls these four primitives for the long
 * runs of numbers a row of links works on, and runs a Python copy of each (in
 * propagation.py) when it runs uncompiled.
 *
 * Two rules keep every result the same on every machine:
 *   - A sum is taken in a fixed order that does not depend on the CPU: LANES running
 *     partial sums (element i goes to partial sum i % LANES), added up in a fixed tree.
 *     Such independent sums are what vector registers compute, so the compiler can
 *     vectorise them without reordering anything (it must not reorder a plain sum).
 *   - setup.py builds the loops with -ffp-contract=off, so no CPU fuses a multiply and an
 *     add into one rounding that another CPU would do in two.
 *
 * On x86-64 Linux with GCC or Clang each function is compiled three times, for the
 * baseline (SSE2), for AVX2 and for AVX-512, and the dynamic loader picks the widest the
 * CPU has (GCC's target_clones). The three give identical results; only speed differs.
 */
#ifndef LERNMI_VECTOR_H
#define LERNMI_VECTOR_H

#include <stdlib.h>  /* also defines __GLIBC__ where there is one; target_clones needs it */

/* Every module that cimports propagation includes this header, but only propagation calls
 * these functions: the others would warn that they are unused. */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__linux__) && defined(__GLIBC__)
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
    for (int width = LERNMI_LANES / 2; width > 0; width /= 2)
        for (int k = 0; k < width; k++)
            lane[k] += lane[k + width];
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
        for (int width = LERNMI_LANES / 2; width > 0; width /= 2)
            for (int k = 0; k < width; k++)
                lane[b][k] += lane[b][k + width];
        out[b * stride] += lane[b][0];
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

#endif
