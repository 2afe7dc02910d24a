/* The vector arithmetic under lernmi's layer loops, in C so that compilers vectorise it.
 *
 * propagation.py, the loops of a layer of links, and steps.py, an optimiser's step on a row
 * of weights, call these primitives for the long runs of numbers a row of links works on,
 * and run a Python copy of each (beside its call) when they run uncompiled.
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

#include <math.h>
#include <stdlib.h>  /* also defines __GLIBC__ where there is one; target_clones needs it */

/* Every module that cimports propagation or steps includes this header, but only those two
 * call these functions: the others would warn that they are unused. */
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

/* GCC and Clang's vector types: four doubles that the compiler keeps in one AVX register,
 * or two SSE2 ones, doing each operation lane by lane with IEEE rounding, exactly as the
 * plain C loops below do them one double at a time (MSVC compiles those). aligned(8): they
 * may be loaded from any double. */
#if defined(__GNUC__)
#define LERNMI_VECTORS 1
typedef double lernmi_v4 __attribute__((vector_size(32), aligned(8)));
#endif

/* Six sums at once, for two rows of weights and three samples: out[r + b * stride] +=
 * lernmi_dot(w + r * ldw, x + b * stride, n) for r < 2 and b < 3, each taken exactly as
 * lernmi_dot takes it. Each partial sum adds its terms in lernmi_dot's order; the lanes are
 * taken in two halves (lanes 0-7 over the whole row, then lanes 8-15), which changes no
 * partial sum but halves the registers the six need. Each number of w is read once for
 * three samples, each of x once for two rows. */
LERNMI_CLONES static void lernmi_dot_2x3_add(const double *LERNMI_RESTRICT w, Py_ssize_t ldw,
                                             const double *LERNMI_RESTRICT x,
                                             Py_ssize_t stride, double *LERNMI_RESTRICT out,
                                             Py_ssize_t n)
{
    double lane[2][3][LERNMI_LANES];
    Py_ssize_t i = 0;
    for (int h = 0; h < 2; h++) {
        const Py_ssize_t o = h * (LERNMI_LANES / 2);
#ifdef LERNMI_VECTORS
        lernmi_v4 acc[2][3][2] = {{{{0.0}}}};
        for (i = 0; i + LERNMI_LANES <= n; i += LERNMI_LANES)
            for (int q = 0; q < 2; q++) {
                lernmi_v4 w0 = *(const lernmi_v4 *)(w + i + o + 4 * q);
                lernmi_v4 w1 = *(const lernmi_v4 *)(w + ldw + i + o + 4 * q);
                for (int b = 0; b < 3; b++) {
                    lernmi_v4 xb = *(const lernmi_v4 *)(x + b * stride + i + o + 4 * q);
                    acc[0][b][q] += w0 * xb;
                    acc[1][b][q] += w1 * xb;
                }
            }
        for (int r = 0; r < 2; r++)
            for (int b = 0; b < 3; b++)
                for (int q = 0; q < 2; q++)
                    for (int k = 0; k < 4; k++)
                        lane[r][b][o + 4 * q + k] = acc[r][b][q][k];
#else
        double acc[2][3][LERNMI_LANES / 2] = {{{0.0}}};
        for (i = 0; i + LERNMI_LANES <= n; i += LERNMI_LANES)
            for (int k = 0; k < LERNMI_LANES / 2; k++)
                for (int b = 0; b < 3; b++) {
                    acc[0][b][k] += w[i + o + k] * x[b * stride + i + o + k];
                    acc[1][b][k] += w[ldw + i + o + k] * x[b * stride + i + o + k];
                }
        for (int r = 0; r < 2; r++)
            for (int b = 0; b < 3; b++)
                for (int k = 0; k < LERNMI_LANES / 2; k++)
                    lane[r][b][o + k] = acc[r][b][k];
#endif
    }
    for (int r = 0; r < 2; r++)
        for (int b = 0; b < 3; b++) {
            double *sum = lane[r][b];
            for (int k = 0; i + k < n; k++)
                sum[k] += w[r * ldw + i + k] * x[b * stride + i + k];
            for (int width = LERNMI_LANES / 2; width > 0; width /= 2)
                for (int k = 0; k < width; k++)
                    sum[k] += sum[k + width];
            out[r + b * stride] += sum[0];
        }
}

/* Four rows' gradients summed over a batch, in one pass over the samples' outputs:
 * g[r * n + i] = s[r] * x[i] + s[stride + r] * x[stride + i] + ... (the samples b <
 * samples in order, as lernmi_scale then lernmi_axpy add them) for r < 4, i < n. s[b *
 * stride + r] is sample b's sensitivity of row r's neuron, x + b * stride its outputs. */
LERNMI_CLONES static void lernmi_gradient4(const double *LERNMI_RESTRICT s,
                                           const double *LERNMI_RESTRICT x, Py_ssize_t stride,
                                           double *LERNMI_RESTRICT g, Py_ssize_t samples,
                                           Py_ssize_t n)
{
    Py_ssize_t i = 0;
#ifdef LERNMI_VECTORS
    for (; i + 8 <= n; i += 8) {
        lernmi_v4 acc[4][2];
        lernmi_v4 x0 = *(const lernmi_v4 *)(x + i), x1 = *(const lernmi_v4 *)(x + i + 4);
        for (int r = 0; r < 4; r++) {
            acc[r][0] = s[r] * x0;
            acc[r][1] = s[r] * x1;
        }
        for (Py_ssize_t b = 1; b < samples; b++) {
            x0 = *(const lernmi_v4 *)(x + b * stride + i);
            x1 = *(const lernmi_v4 *)(x + b * stride + i + 4);
            for (int r = 0; r < 4; r++) {
                double sr = s[b * stride + r];
                acc[r][0] += sr * x0;
                acc[r][1] += sr * x1;
            }
        }
        for (int r = 0; r < 4; r++) {
            *(lernmi_v4 *)(g + r * n + i) = acc[r][0];
            *(lernmi_v4 *)(g + r * n + i + 4) = acc[r][1];
        }
    }
#endif
    for (; i < n; i++)
        for (int r = 0; r < 4; r++) {
            double sum = s[r] * x[i];
            for (Py_ssize_t b = 1; b < samples; b++)
                sum += s[b * stride + r] * x[b * stride + i];
            g[r * n + i] = sum;
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

/* g[i] = g[i] / batch + decay * w[i]: a summed gradient made the batch's mean, plus weight
 * decay. The caller leaves it out when it would change nothing (a batch of 1, no decay). */
LERNMI_CLONES static void lernmi_mean_decay(double *LERNMI_RESTRICT g,
                                            const double *LERNMI_RESTRICT w,
                                            const lernmi_rule *r, Py_ssize_t n)
{
    double batch = r->batch, decay = r->decay;
    for (Py_ssize_t i = 0; i < n; i++)
        g[i] = g[i] / batch + decay * w[i];
}

/* Momentum: m[i] = mu * m[i] + g[i], then w[i] -= rate * m[i]; or, with Nesterov's look
 * ahead, w[i] -= rate * (g[i] + mu * m[i]). */
LERNMI_CLONES static void lernmi_momentum(double *LERNMI_RESTRICT w, double *LERNMI_RESTRICT m,
                                          const double *LERNMI_RESTRICT g,
                                          const lernmi_rule *r, int nesterov, Py_ssize_t n)
{
    double rate = r->rate, mu = r->momentum;
    if (nesterov)
        for (Py_ssize_t i = 0; i < n; i++) {
            m[i] = mu * m[i] + g[i];
            w[i] -= rate * (g[i] + mu * m[i]);
        }
    else
        for (Py_ssize_t i = 0; i < n; i++) {
            m[i] = mu * m[i] + g[i];
            w[i] -= rate * m[i];
        }
}

/* Adam: m[i] = b1 * m[i] + (1 - b1) * g[i] and v[i] = b2 * v[i] + (1 - b2) * g[i]^2, then
 * w[i] -= size * m[i] / (sqrt(v[i]) / root + eps), arranged as torch.optim.Adam arranges it
 * (size and root are the bias corrections, see lernmi_rule). */
LERNMI_CLONES static void lernmi_adam(double *LERNMI_RESTRICT w, double *LERNMI_RESTRICT m,
                                      double *LERNMI_RESTRICT v, const double *LERNMI_RESTRICT g,
                                      const lernmi_rule *r, Py_ssize_t n)
{
    double b1 = r->beta1, b2 = r->beta2, size = r->size, root = r->root, eps = r->epsilon;
    double one1 = 1.0 - b1, one2 = 1.0 - b2;
    for (Py_ssize_t i = 0; i < n; i++) {
        m[i] = b1 * m[i] + one1 * g[i];
        v[i] = b2 * v[i] + one2 * g[i] * g[i];
        w[i] -= size * m[i] / (sqrt(v[i]) / root + eps);
    }
}

#endif
