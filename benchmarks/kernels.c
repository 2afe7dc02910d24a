/* transposed.h's two kernels timed alone, on the batches benchmarks/kernels.py writes.
 *
 *     kernels FILE INPUTS ROWS BATCH BATCHES REPEAT
 *
 * FILE holds BATCHES x BATCH samples of INPUTS numbers each (float64, or float32 in the
 * floats' build; sample after sample).
 * They go through the kernels as learning_loops.learn_batches sends them through the
 * links out of the input layer (transposed.py) for the first of two threads that share an
 * INPUTS-(2 ROWS)-10 network: the samples read where they lie, in a shuffled order as
 * train shuffles them; the network's store of a batch for the sums z and sensitivities s
 * (each sample's neurons one after another, each layer's bias neuron first, in arrays of
 * their own, each from the start of a cache line, as stores.zeros makes them); the
 * thread's ROWS rows of INPUTS + 1 weights, the bias's column first. Each batch: its
 * sensitivities copied into the store; then forward (lernmi_t_forward, which lists the
 * batch's inputs) and back (lernmi_t_gradient, from those lists). The sensitivities are
 * random, half of them 0.0, as a ReLU layer's are. The sizes come from the command line,
 * so that the compiler cannot build the kernels for one size only, which the extension's
 * never are.
 *
 * REPEAT passes over the batches, the first left out. Prints the microseconds a batch
 * takes in each kernel, the medians of the passes, or "not built" / "this CPU has no
 * AVX-512" where transposed.h's kernels do not run. Built with -DLERNMI_TEST_FLOATS, the
 * floats' kernels (lernmi_t_forward_f32, ...) on FILE's numbers as float32.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef ptrdiff_t Py_ssize_t;  /* Python.h's, which this program does without */

#include "transposed.h"

#ifdef LERNMI_T_FLOATS
#error "-DLERNMI_T_FLOATS is now -DLERNMI_TEST_FLOATS"
#endif

#ifdef LERNMI_TEST_FLOATS
typedef float real;
#define T(name) name##_f32
#else
typedef double real;
#define T(name) name
#endif

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

/* Room for n numbers of `size` bytes, zeros, from the start of a cache line. */
static void *lined(Py_ssize_t n, size_t size)
{
    void *room = aligned_alloc(64, 64 * ((size * (size_t)n + 63) / 64));
    if (room == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return memset(room, 0, size * (size_t)n);
}

#if LERNMI_T_READY
static int timed(const char *file, Py_ssize_t inputs, Py_ssize_t rows, Py_ssize_t batch,
                 Py_ssize_t batches, int repeat)
{
    /* the store of a sample: the input layer (bias, inputs), the hidden layer (bias, 2
     * rows), the output layer (bias, 10); the links take the input layer's n outputs */
    const Py_ssize_t n = 1 + inputs, hidden = n + 1, stride = n + 1 + 2 * rows + 1 + 10;
    const Py_ssize_t size = T(lernmi_t_size)(rows, n), samples = batch * batches;
    FILE *in = fopen(file, "rb");
    if (in == NULL) {
        fprintf(stderr, "cannot open %s\n", file);
        return 1;
    }
    real *x = lined(samples * inputs, sizeof(real));
    const size_t read = fread(x, sizeof(real), (size_t)(samples * inputs), in);
    fclose(in);
    if (read != (size_t)(samples * inputs)) {
        fprintf(stderr, "%s holds fewer than %lld numbers\n", file,
                (long long)(samples * inputs));
        free(x);
        return 1;
    }
    real *sensitivities = lined(samples * rows, sizeof(real));
    real *s = lined(batch * stride, sizeof(real)), *z = lined(batch * stride, sizeof(real));
    Py_ssize_t *order = malloc(sizeof(Py_ssize_t) * (size_t)samples);
    real *t = lined(size, sizeof(real)), *g = lined(size, sizeof(real));
    real *room = lined(T(lernmi_t_room)(rows), sizeof(real));
    uint64_t *masks = lined(lernmi_t_masks(n, batch), sizeof(uint64_t));
    double *forward = lined(repeat, sizeof(double)), *back = lined(repeat, sizeof(double));
    srand(1);
    for (Py_ssize_t i = 0; i < samples * rows; i++)
        sensitivities[i] = rand() % 2 ? ((double)rand() / RAND_MAX - 0.5) / 64 : 0.0;
    real *w = lined(rows * n, sizeof(real));  /* the rows' weights, held transposed */
    for (Py_ssize_t i = 0; i < rows * n; i++)
        w[i] = ((double)rand() / RAND_MAX - 0.5) / 8;
    T(lernmi_t_copy)(w, rows, n, t, 0);
    free(w);
    if (order == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (Py_ssize_t k = 0; k < samples; k++)  /* a shuffle, Fisher and Yates's */
        order[k] = k;
    for (Py_ssize_t k = samples - 1; k > 0; k--) {
        const Py_ssize_t j = rand() % (k + 1), was = order[k];
        order[k] = order[j], order[j] = was;
    }
    for (int pass = 0; pass < repeat; pass++) {
        double ahead = 0.0, behind = 0.0;
        for (Py_ssize_t k = 0; k < batches; k++) {
            for (Py_ssize_t b = 0; b < batch; b++)
                memcpy(s + b * stride + hidden, sensitivities + (k * batch + b) * rows,
                       sizeof(real) * rows);
            const Py_ssize_t *mine = order + k * batch;
            const double t0 = now();
            const int listed = T(lernmi_t_forward)(t, rows, n, x, mine, batch, z + hidden,
                                                   stride, room, masks, 1);
            const double t1 = now();
            T(lernmi_t_gradient)(g, rows, n, x, mine, s + hidden, stride, batch, listed, room,
                                 masks);
            ahead += t1 - t0;
            behind += now() - t1;
        }
        forward[pass] = 1e6 * ahead / (double)batches;
        back[pass] = 1e6 * behind / (double)batches;
    }
    printf("forward %.2f us, gradient %.2f us a batch\n", median(forward + 1, repeat - 1),
           median(back + 1, repeat - 1));
    free(x), free(sensitivities), free(order), free(s), free(z), free(t), free(g), free(room);
    free(masks), free(forward), free(back);
    return 0;
}
#endif

/* A positive count from the command line, below 2^31; 0 if it is none. */
static long count(const char *text)
{
    char *end;
    const long value = strtol(text, &end, 10);
    return *text != '\0' && *end == '\0' && value > 0 && value < 2147483647L ? value : 0;
}

int main(int argc, char **argv)
{
    if (argc != 7 || !count(argv[2]) || !count(argv[3]) || !count(argv[4]) || !count(argv[5])
            || count(argv[6]) < 2) {
        fprintf(stderr, "usage: kernels FILE INPUTS ROWS BATCH BATCHES REPEAT, each count 1 "
                        "or more (REPEAT 2 or more)\n");
        return 2;
    }
#if LERNMI_T_READY
    if (!lernmi_t_ready()) {
        printf("this CPU has no AVX-512\n");
        return 0;
    }
    return timed(argv[1], count(argv[2]), count(argv[3]), count(argv[4]), count(argv[5]),
                 (int)count(argv[6]));
#else
    printf("not built\n");
    return 0;
#endif
}
