/* transposed.h's two kernels timed alone, on the batches benchmarks/kernels.py writes.
 *
 *     kernels FILE ROWS BATCH BATCHES REPEAT
 *
 * FILE holds BATCHES x BATCH samples of 784 inputs (float64, sample after sample). For a
 * layer of ROWS x 784 weights held transposed, each batch goes forward
 * (lernmi_t_forward, which lists the batch's inputs) and back (lernmi_t_gradient, from
 * those lists), as learning_loops.learn_batches takes them for the first of two threads
 * that share a 784-(2 ROWS)-10 network: in a store laid out as the network's (a sample's
 * neurons one after another, bias neurons first; the outputs a, sums z and sensitivities s
 * in arrays of their own), its inputs copied in first, as the loops load theirs. The
 * sensitivities are random, half of them 0.0, as a ReLU layer's are. Every array starts
 * on a cache line, as the loops' do (stores.zeros). REPEAT passes over the batches, the
 * first left out. Prints the microseconds a batch takes in each kernel, the medians of the
 * passes, or "not built" / "this CPU has no AVX-512" where transposed.h's kernels do not
 * run.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef ptrdiff_t Py_ssize_t;  /* Python.h's, which this program does without */

#include "transposed.h"

#define INPUTS 784

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count)
{
    qsort(values, (size_t)count, sizeof(double), by_value);
    return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

/* Room for n doubles, zeros, from the start of a cache line, as stores.zeros gives the
 * loops theirs. */
static double *lined(Py_ssize_t n)
{
    double *room = aligned_alloc(64, 64 * ((sizeof(double) * (size_t)n + 63) / 64));
    if (room == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return memset(room, 0, sizeof(double) * (size_t)n);
}

#if LERNMI_T_READY
static int timed(const char *file, Py_ssize_t rows, Py_ssize_t batch, Py_ssize_t batches,
                 int repeat)
{
    const Py_ssize_t stride = 1 + INPUTS + 1 + 2 * rows + 1 + 10, hidden = 1 + INPUTS + 1;
    const Py_ssize_t size = lernmi_t_size(rows, INPUTS), samples = batch * batches;
    double *inputs = lined(samples * INPUTS), *sensitivities = lined(samples * rows);
    double *a = lined(batch * stride), *s = lined(batch * stride), *z = lined(batch * stride);
    double *t = lined(size), *g = lined(size), *room = lined(lernmi_t_doubles(rows));
    uint64_t *masks = (uint64_t *)lined(lernmi_t_masks(INPUTS, batch));
    double *forward = malloc(sizeof(double) * repeat), *back = malloc(sizeof(double) * repeat);
    FILE *in = fopen(file, "rb");
    if (in == NULL || fread(inputs, sizeof(double), (size_t)(samples * INPUTS), in)
                          != (size_t)(samples * INPUTS)) {
        fprintf(stderr, "cannot read %lld samples from %s\n", (long long)samples, file);
        return 1;
    }
    fclose(in);
    srand(1);
    for (Py_ssize_t i = 0; i < samples * rows; i++)
        sensitivities[i] = rand() % 2 ? ((double)rand() / RAND_MAX - 0.5) / 64 : 0.0;
    for (Py_ssize_t i = 0; i < size; i++) {
        t[i] = ((double)rand() / RAND_MAX - 0.5) / 8;
        g[i] = 0.0;
    }
    for (int pass = 0; pass < repeat; pass++) {
        double ahead = 0.0, behind = 0.0;
        for (Py_ssize_t k = 0; k < batches; k++) {
            for (Py_ssize_t b = 0; b < batch; b++) {
                memcpy(a + b * stride + 1, inputs + (k * batch + b) * INPUTS,
                       sizeof(double) * INPUTS);
                memcpy(s + b * stride + hidden, sensitivities + (k * batch + b) * rows,
                       sizeof(double) * rows);
            }
            const double t0 = now();
            const int listed = lernmi_t_forward(t, rows, INPUTS, a + 1, stride, batch,
                                                z + hidden, room, masks, 1);
            const double t1 = now();
            lernmi_t_gradient(g, rows, INPUTS, a + 1, stride, s + hidden, batch, listed, room,
                              masks);
            ahead += t1 - t0;
            behind += now() - t1;
        }
        forward[pass] = 1e6 * ahead / (double)batches;
        back[pass] = 1e6 * behind / (double)batches;
    }
    printf("forward %.2f us, gradient %.2f us a batch\n", median(forward + 1, repeat - 1),
           median(back + 1, repeat - 1));
    return 0;
}
#endif

int main(int argc, char **argv)
{
    if (argc != 6 || atoi(argv[2]) < 1 || atoi(argv[3]) < 1 || atoi(argv[4]) < 1
            || atoi(argv[5]) < 2) {
        fprintf(stderr, "usage: kernels FILE ROWS BATCH BATCHES REPEAT, each number 1 or "
                        "more (REPEAT 2 or more)\n");
        return 2;
    }
#if LERNMI_T_READY
    if (!lernmi_t_ready()) {
        printf("this CPU has no AVX-512\n");
        return 0;
    }
    return timed(argv[1], atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
#else
    printf("not built\n");
    return 0;
#endif
}
