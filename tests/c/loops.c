/* vector.h's plain loops against the same arithmetic written here the plain way, number by
 * number, bit for bit: the sums (lernmi_dot, lernmi_dot4_add), the axpys and scalings, an
 * input layer's load, the outputs and sensitivities of ReLU and identity neurons, the
 * sigmoid, and the optimisers' steps (momentum, Nesterov's, Adam's, a batch's mean step of
 * every rule, a step fused with the next sample's sum), with weight decay or without.
 * tiles.c checks the batch tiles against these loops; the loops themselves are checked here
 * against this file's, which take each operation one at a time in the type of number tested:
 * a sum lane by lane (element i in lane i % 16) then the tree, a step as torch.optim arranges
 * it, a subnormal velocity flushed by comparing with the smallest normal number, and a
 * batch's mean always divided (vector.h multiplies by the inverse of a power of two, which
 * must give the same). The numbers are random with every bit of their type, and among them
 * zeros of both signs, numbers near and below the smallest normal one, infinities and NaNs.
 * A NaN matches any NaN: which one an operation passes on is the CPU's choice.
 *
 * Built with -DLERNMI_TEST_FLOATS, the same for the floats' loops (lernmi_dot_f32, ...),
 * whose every operation must round to a float: the C library's exp is taken in double and
 * rounded, as vector.h takes it. Prints how many numbers did not match, of how many.
 */

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef ptrdiff_t Py_ssize_t;  /* Python.h's, which this test does without */

#include "vector.h"

#ifdef LERNMI_TEST_FLOATS
typedef float real;
typedef lernmi_rule_f32 rule;
#define T(name) name##_f32
#define SMALLEST FLT_MIN
#define ROOT(x) sqrtf(x)
#else
typedef double real;
typedef lernmi_rule rule;
#define T(name) name
#define SMALLEST DBL_MIN
#define ROOT(x) sqrt(x)
#endif
#define N 300  /* numbers in a run, at most */

static unsigned long long seed = 2718281828;

static double uniform(void)  /* in [0, 1), 53 bits */
{
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;  /* xorshift64 */
    return (double)(seed >> 11) / 9007199254740992.0;
}

/* A number in [-scale, scale), or now and then (with `odd`) a zero of either sign, one near
 * or below the smallest normal number, an infinity or a NaN. */
static real number(double scale, int odd)
{
    double u = uniform();
    if (odd && u < 0.03) {
        const double odd_ones[] = {0.0, -0.0, SMALLEST, -SMALLEST / 3, SMALLEST * 1.5,
                                   INFINITY, -INFINITY, NAN};
        return (real)odd_ones[(int)(uniform() * 8)];
    }
    return (real)((2 * uniform() - 1) * scale);
}

static long mismatches = 0, numbers = 0;

static void expect(real got, real want)
{
    numbers++;
    if (isnan(got) && isnan(want))
        return;
    mismatches += memcmp(&got, &want, sizeof got) != 0;
}

static void expect_all(const real *got, const real *want, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        expect(got[i], want[i]);
}

static real dot(const real *x, const real *y, Py_ssize_t n)
{
    real lane[LERNMI_LANES] = {0};
    for (Py_ssize_t i = 0; i < n; i++)
        lane[i % LERNMI_LANES] += x[i] * y[i];
    for (int width = LERNMI_LANES / 2; width > 0; width /= 2)
        for (int k = 0; k < width; k++)
            lane[k] += lane[k + width];
    return lane[0];
}

static real flushed(real x)
{
    return x > -(real)SMALLEST && x < (real)SMALLEST ? (signbit(x) ? -(real)0 : (real)0) : x;
}

/* weight i's step by the rule r on its gradient g (decay added to g first if `decayed`) */
static void step(const rule *r, int decayed, real g, real *w, real *m, real *v)
{
    if (decayed)
        g = g + r->decay * *w;
    if (r->kind == LERNMI_PLAIN) {
        *w = *w + -r->rate * g;
    } else if (r->kind == LERNMI_ADAM) {
        *m = flushed(r->beta1 * *m + ((real)1 - r->beta1) * g);
        real vi = r->beta2 * *v + ((real)1 - r->beta2) * g * g;
        *v = *m == 0 ? flushed(vi) : vi;
        real denominator = ROOT(*v) / r->root + r->epsilon;
        *w = *w - r->size * *m / denominator;
    } else {
        *m = flushed(r->momentum * *m + g);
        real change = r->kind == LERNMI_NESTEROV ? g + r->momentum * *m : *m;
        *w = *w - r->rate * change;
    }
}

int main(void)
{
    static real x[4 * N], y[4 * N], w[N], m[N], v[N], g[N], keep[N];
    static real want[4 * N], got[4 * N], wm[N], wv[N], gm[N], gv[N], gg[N];
    long finite_steps = 0;
    for (int trial = 0; trial < 2000; trial++) {
        const Py_ssize_t n = 1 + trial % N, stride = N;
        const int odd = trial % 3 == 0;  /* zeros, subnormals, infinities and NaNs */
        const double scale = trial % 7 == 0 ? 4 * SMALLEST : trial % 5 == 0 ? 1e6 : 1.0;
        for (Py_ssize_t i = 0; i < 4 * N; i++) {
            x[i] = number(scale, odd);
            y[i] = number(1.0, odd);
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            w[i] = number(1.0, odd);
            /* every rule's velocities and moments near the smallest normal number now and
             * then, where the steps flush them */
            m[i] = number(trial / 4 % 3 == 1 ? 4 * SMALLEST : 0.1, odd);
            v[i] = (real)fabs((double)number(trial / 4 % 3 == 1 ? 4 * SMALLEST : 0.01, odd));
            g[i] = number(scale, odd);
            keep[i] = uniform() < 0.2 ? (real)0 : (real)(1.0 / 0.8);
        }
        const real alpha = number(2.0, 0), beta = number(2.0, 0);

        /* the sums */
        expect(T(lernmi_dot)(x, y, n), dot(x, y, n));
        for (int b = 0; b < 4; b++)
            want[b * stride] = got[b * stride] = y[b];
        T(lernmi_dot4_add)(w, x, got, stride, n);
        for (int b = 0; b < 4; b++)
            expect(got[b * stride], want[b * stride] + dot(w, x + b * stride, n));

        /* y = alpha x, y += alpha x, four of them, and a pair */
        T(lernmi_scale)(alpha, x, got, n);
        for (Py_ssize_t i = 0; i < n; i++)
            want[i] = alpha * x[i];
        expect_all(got, want, n);
        memcpy(got, y, sizeof(real) * n);
        memcpy(want, y, sizeof(real) * n);
        T(lernmi_axpy)(alpha, x, got, n);
        for (Py_ssize_t i = 0; i < n; i++)
            want[i] = want[i] + alpha * x[i];
        expect_all(got, want, n);
        const real alphas[4] = {alpha, beta, -alpha, (real)0.5 * beta};
        T(lernmi_axpy4)(alphas, x, stride, got, n);
        for (int b = 0; b < 4; b++)
            for (Py_ssize_t i = 0; i < n; i++)
                want[i] = want[i] + alphas[b] * x[b * stride + i];
        expect_all(got, want, n);
        memcpy(wm, w, sizeof(real) * n);
        T(lernmi_axpy_pair)(alpha, wm, got, beta, x, n);
        for (Py_ssize_t i = 0; i < n; i++) {
            want[i] = want[i] + alpha * w[i];
            expect(wm[i], w[i] + beta * x[i]);
        }
        expect_all(got, want, n);

        /* an input layer loaded; outputs and sensitivities of identity and ReLU neurons */
        T(lernmi_load_identity)(x, got, got + N, keep, n);
        for (Py_ssize_t i = 0; i < n; i++) {
            expect(got[i], (real)0 + x[i]);
            expect(got[N + i], ((real)0 + x[i]) * keep[i]);
        }
        for (int relu = 0; relu < 2; relu++) {
            T(lernmi_run_outputs)(relu, got, x, keep, n);
            for (Py_ssize_t i = 0; i < n; i++)
                expect(got[i], (relu && !(x[i] > 0) ? (real)0 : x[i]) * keep[i]);
        }
        T(lernmi_relu_sensitivities)(got, x, y, y + N, keep, n);
        for (Py_ssize_t i = 0; i < n; i++)
            expect(got[i], keep[i] == 0 ? (real)0
                                        : (y[i] * (x[i] > 0 ? (real)1 : (real)0) + y[N + i])
                                          * keep[i]);
        for (Py_ssize_t i = 0; i < n; i++) {
            real e = (real)exp((double)(x[i] >= 0 ? -x[i] : x[i]));
            expect(T(lernmi_sigmoid)(x[i]), (x[i] >= 0 ? (real)1 : e) / ((real)1 + e));
        }
        T(lernmi_zero_sums)(got, got + N, got + 2 * N, n);
        for (Py_ssize_t i = 0; i < n; i++)
            for (int b = 0; b < 3; b++)
                expect(got[b * N + i], (real)0);

        /* the steps: each rule, a batch's mean (of a power of two or not), decay or not */
        const int batch = trial % 2 ? 32 : 1 + trial % 50;
        const double rate = 0.01 + uniform(), beta1 = 0.9, beta2 = 0.999, k = 1 + trial % 9;
        rule r = {trial % 4, (real)rate, (real)(0.5 + uniform() / 2), (real)beta1, (real)beta2,
                  (real)(trial % 11 ? 1e-8 : 1e-30), (real)(trial % 3 ? 0.0 : 1e-3),
                  (real)batch, (real)(rate / (1 - pow(beta1, k))),
                  (real)sqrt(1 - pow(beta2, k))};
        memcpy(wm, w, sizeof(real) * n), memcpy(gm, m, sizeof(real) * n);
        memcpy(wv, v, sizeof(real) * n), memcpy(gg, g, sizeof(real) * n);
        int finite = T(lernmi_mean_step)(wm, gm, wv, gg, &r, n), all = 1;
        memcpy(gv, v, sizeof(real) * n);
        for (Py_ssize_t i = 0; i < n; i++) {
            real gi = g[i] / r.batch + r.decay * w[i], wi = w[i], mi = m[i];
            step(&r, 0, gi, &wi, &mi, &gv[i]);
            expect(gg[i], gi);
            expect(wm[i], wi);
            if (r.kind != LERNMI_PLAIN)
                expect(gm[i], mi);
            if (r.kind == LERNMI_ADAM)
                expect(wv[i], gv[i]);
            all &= isfinite(wi) != 0;
        }
        mismatches += finite != all, numbers++;
        finite_steps += finite;
        if (r.kind == LERNMI_MOMENTUM || r.kind == LERNMI_NESTEROV || r.kind == LERNMI_ADAM) {
            memcpy(wm, w, sizeof(real) * n), memcpy(gm, m, sizeof(real) * n);
            memcpy(wv, v, sizeof(real) * n);
            if (r.kind == LERNMI_ADAM)
                T(lernmi_adam)(wm, gm, wv, g, &r, n);
            else
                T(lernmi_momentum)(wm, gm, g, &r, r.kind == LERNMI_NESTEROV, n);
            for (Py_ssize_t i = 0; i < n; i++) {
                real wi = w[i], mi = m[i], vi = v[i];
                step(&r, 0, g[i], &wi, &mi, &vi);
                expect(wm[i], wi);
                expect(gm[i], mi);
                if (r.kind == LERNMI_ADAM)
                    expect(wv[i], vi);
            }
        }
        /* one sample's step of a row, by the gradient alpha * keep[i], and the next sum */
        memcpy(wm, w, sizeof(real) * n), memcpy(gm, m, sizeof(real) * n);
        memcpy(wv, v, sizeof(real) * n);
        real sum = T(lernmi_step_dot)(alpha, keep, wm, gm, wv, x, &r, n);
        for (Py_ssize_t i = 0; i < n; i++) {
            real wi = w[i], mi = m[i], vi = v[i];
            step(&r, r.decay != 0, alpha * keep[i], &wi, &mi, &vi);
            want[i] = wi;
            expect(wm[i], wi);
        }
        expect(sum, dot(want, x, n));
    }
    printf("%ld mismatches in %ld numbers (%ld of 2000 mean steps finite)\n", mismatches,
           numbers, finite_steps);
    return mismatches != 0;
}
