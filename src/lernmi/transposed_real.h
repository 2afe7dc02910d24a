/* The part of transposed.h written once for each type of number: transposed.h includes it
 * twice, with LT_R double (the names as they are: lernmi_t_forward, ...) and with LT_R float
 * (the same names and _f32: lernmi_t_forward_f32, ...). What differs between the two is
 * set before each: LT_R the number, LT_PER how many of them a 64-byte vector holds (and so
 * how many rows a vector of rows is), LT_V such a vector, LT_IV and LT_UV the signed and
 * unsigned integers of the same widths side by side, LT_I one of them, LT_M an AVX-512 mask
 * of LT_PER lanes, and the AVX-512 intrinsics for LT_R (LT_LOADZ, ...). The order of every
 * sum is the one transposed.h describes, for either type; no include guard.
 */

#define LT_NAME(name) LT_NAMED(lernmi_t_##name)

/* Vectors of LT_PER rows, blocks, and the first vector of block `block`. */
LERNMI_INLINE Py_ssize_t LT_NAME(vectors)(Py_ssize_t rows)
{
    return (rows + LT_PER - 1) / LT_PER;
}

LERNMI_INLINE Py_ssize_t LT_NAME(blocks)(Py_ssize_t rows)
{
    return (LT_NAME(vectors)(rows) + LERNMI_T_VECTORS - 1) / LERNMI_T_VECTORS;
}

LERNMI_INLINE Py_ssize_t LT_NAME(first)(Py_ssize_t block, Py_ssize_t rows)
{
    return block * LT_NAME(vectors)(rows) / LT_NAME(blocks)(rows);
}

/* How many numbers a layer of rows x n weights takes so (with the rows of zeros). */
LERNMI_INLINE Py_ssize_t LT_NAME(size)(Py_ssize_t rows, Py_ssize_t n)
{
    return lernmi_t_positions(n) * LT_PER * LT_NAME(vectors)(rows);
}

/* How many numbers of scratch room the kernels need. */
LERNMI_INLINE Py_ssize_t LT_NAME(room)(Py_ssize_t rows)
{
    return (LERNMI_GROUP + 2) * LT_PER * LT_NAME(vectors)(rows)
           + LERNMI_GROUP * LERNMI_T_WAITING * LT_PER * LERNMI_T_VECTORS;
}

/* w (rows x n, row by row) into t, the layout above; or back (`back`). */
LERNMI_CLONES static void LT_NAME(copy)(LT_R *w, Py_ssize_t rows, Py_ssize_t n, LT_R *t,
                                        int back)
{
    const Py_ssize_t positions = lernmi_t_positions(n), blocks = LT_NAME(blocks)(rows);
    if (!back)
        memset(t, 0, sizeof(LT_R) * LT_NAME(size)(rows, n));
    for (Py_ssize_t block = 0; block < blocks; block++) {
        const Py_ssize_t v0 = LT_NAME(first)(block, rows), v1 = LT_NAME(first)(block + 1, rows);
        const Py_ssize_t width = LT_PER * (v1 - v0);
        LT_R *base = t + positions * LT_PER * v0;
        for (Py_ssize_t r = LT_PER * v0; r < LT_PER * v1 && r < rows; r++)
            for (Py_ssize_t i = 0; i < n; i++) {
                LT_R *at = base + lernmi_t_at(i, n) * width + (r - LT_PER * v0);
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
LERNMI_INLINE void LT_NAME(rows)(const LT_R *x, const Py_ssize_t *order, Py_ssize_t n,
                                 Py_ssize_t first, Py_ssize_t group, Py_ssize_t samples,
                                 const LT_R **row)
{
    for (Py_ssize_t b = 0; b <= group; b++)
        row[b] = first + b < samples ? x + order[first + b] * (n - 1) : NULL;
}

/* Input i of the sample whose row of inputs is `row` (lernmi_t_rows). */
LERNMI_INLINE LT_R LT_NAME(input_of)(const LT_R *row, Py_ssize_t i)
{
    return i > 0 ? row[i - 1] + (LT_R)0.0 : (LT_R)1.0;
}

#if LERNMI_T_READY
#define LT_SIGN ((LT_IV){0} + (LT_I)LT_SIGN_BIT)
/* A number's exponent bits: all set in an infinity or a NaN, and in nothing else. */
#define LT_EXPONENT ((LT_IV){0} + (LT_I)LT_EXPONENT_BITS)

/* The first `left` of a vector's LT_PER lanes (all of them if left is LT_PER or more;
 * left >= 1). */
LERNMI_T_INLINE LT_M LT_NAME(lanes_of)(Py_ssize_t left)
{
    return left >= LT_PER ? (LT_M)~(LT_M)0 : (LT_M)((1u << left) - 1);
}

/* Inputs h to h + LT_PER - 1 of a sample whose inputs from 1 on are at x (the first `in` of
 * them, the others 0.0), input 0 being the bias neuron's output, 1.0. */
LERNMI_T_INLINE LT_SIMD LT_NAME(inputs)(const LT_R *x, Py_ssize_t h, LT_M in)
{
    if (h > 0)
        return LT_LOADZ(in, x + h - 1);
    return LT_MOVM(LT_EXPANDZ((LT_M)(in & ~(LT_M)1), x), 1, LT_SET1((LT_R)1.0));
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
LERNMI_T_TARGET static void LT_NAME(list)(const LT_R *const *row, Py_ssize_t samples,
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
            for (Py_ssize_t h = i; h < i + 1024 && h < n; h += LT_PER) {
                const LT_M in = LT_NAME(lanes_of)(n - h);
                if (row[b + 1] != NULL)
                    _mm_prefetch((const char *)(row[b + 1] + h), _MM_HINT_T0);
                const __m512i x = LT_CAST_SI(LT_ADD(LT_NAME(inputs)(row[b], h, in), LT_ZERO()));
                bits = _mm512_or_si512(bits, x);
                taken[(h - i) / 64] |= (uint64_t)(every ? in : LT_TEST(x, x)) << (h - i) % 64;
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
    mask[LERNMI_GROUP * LERNMI_LANES * words] = !LT_TEST(bits, (__m512i)LT_SIGN);
}

/* Each sample b's sums of a block of V vectors of rows (`width` rows at t), as lernmi_dot
 * takes them, in lanes[b * WAITING * width + r]: lane k of row r's sum adds the inputs i
 * taken (at row[b]: lernmi_t_rows), for i % LANES = k, in order, and lernmi_dot's tree
 * adds the lanes, k to k + 8 for k < 8, then those k to k + 4 for k < 4, and so on. Here the lanes
 * are summed in the order 0, 8, 4, 12, 2, 10, ... (k's bits reversed), each for every
 * sample in turn (the columns of a lane stay in the cache meanwhile), and added to the
 * one it pairs with as soon as both are done: a binary counter, whose lanes waiting for
 * their pairs, at most WAITING of them, are kept in `lanes`. */
LERNMI_T_INLINE void LT_NAME(lanes)(const int V, const LT_R *t, Py_ssize_t n,
                                    const LT_R *const *row, Py_ssize_t samples,
                                    const uint64_t *mask, LT_R *lanes)
{
    const Py_ssize_t width = LT_PER * V;  /* (a constant where V is: the loads' offsets too) */
    const Py_ssize_t words = lernmi_t_words(n), per_lane = lernmi_t_positions(n) / LERNMI_LANES;
    for (unsigned turn = 0; turn < LERNMI_LANES; turn++) {
        int k = 0;  /* turn's bits reversed */
        for (unsigned bit = 1; bit < LERNMI_LANES; bit *= 2)
            k = 2 * k + ((turn & bit) != 0);
        /* the lanes waiting before this one is done, and how many of them it pairs with in
         * turn, the last done first (turn's trailing ones), leaving their sum to wait */
        const int waiting = __builtin_popcount(turn), pairs = __builtin_ctz(~turn);
        for (Py_ssize_t b = 0; b < samples; b++) {
            LT_V acc[LERNMI_T_VECTORS];
            for (int v = 0; v < V; v++)
                acc[v] = (LT_V){0};
            const LT_R *x = row[b];  /* input 16 q + k at x[16 q + k - 1], for q or k > 0 */
            const LT_R *columns = t + k * per_lane * width;
            for (Py_ssize_t j = 0; j < words; j++) {
                uint64_t m = mask[lernmi_t_mask_at(k, j, b, words)];
                if (k == 0 && j == 0 && (m & 1)) {  /* input 0, the bias's 1.0 */
                    for (int v = 0; v < V; v++)
                        acc[v] += ((const LT_V *)columns)[v] * (LT_R)1.0;
                    m &= m - 1;
                }
                for (; m; m &= m - 1) {
                    const Py_ssize_t q = 64 * j + __builtin_ctzll(m);
                    /* (no + 0.0 here: an input taken is not 0.0 unless every one is, and
                     * then the sign of w * x's zero is lost in a lane, never -0.0) */
                    const LT_R xq = x[LERNMI_LANES * q + k - 1];
                    const LT_V *column = (const LT_V *)(columns + q * width);
                    for (int v = 0; v < V; v++)
                        acc[v] += column[v] * xq;
                }
            }
            LT_R *mine = lanes + b * LERNMI_T_WAITING * width;
            for (int d = waiting - 1; d >= waiting - pairs; d--)
                for (int v = 0; v < V; v++)
                    acc[v] = *(const LT_V *)(mine + d * width + LT_PER * v) + acc[v];
            for (int v = 0; v < V; v++)
                *(LT_V *)(mine + (waiting - pairs) * width + LT_PER * v) = acc[v];
        }
    }
}

/* The kernels' scratch: room (lernmi_t_room) for the rows' sensitivities (sp), the sign
 * of the zero a column of +0.0 inputs adds (minus), which samples' sensitivities have their
 * sign bit set (signs), and the forward lanes; masks (lernmi_t_masks) for which samples
 * each column takes, then lernmi_t_list's masks of each GROUP of the batch in turn, each
 * with its word on whether no input of the GROUP has its sign bit set. */
#define LT_SCRATCH                                                                            \
    const Py_ssize_t positions = lernmi_t_positions(n);                                       \
    const Py_ssize_t padded = LT_PER * LT_NAME(vectors)(rows);                                \
    LT_R *sp = room, *minus = sp + LERNMI_GROUP * padded;                                     \
    LT_I *signs = (LT_I *)(minus + padded);                                                   \
    LT_R *lanes = minus + 2 * padded;                                                         \
    uint64_t *taken = masks;                                                                  \
    (void)sp, (void)minus, (void)signs, (void)lanes, (void)taken

/* Whether every one of the `count` numbers at x is finite. */
LERNMI_T_INLINE int LT_NAME(finite)(const LT_R *x, Py_ssize_t count)
{
    const LT_IV exponent = LT_EXPONENT;
    LT_IV unsound = {0};
    for (Py_ssize_t i = 0; i < count; i += LT_PER) {
        const LT_IV bits = (LT_IV)LT_LOADZ_I(LT_NAME(lanes_of)(count - i), x + i);
        unsound |= (bits & exponent) == exponent;
    }
    return !LT_TEST((__m512i)unsound, (__m512i)unsound);
}

/* z[b * stride + r] += the sum of w[r, i] times sample b's input i over i < n, as
 * lernmi_dot takes it, for the rows r < rows and the samples b < samples, the weights at t
 * (the layout above), the inputs in x (lernmi_t_rows). Each GROUP's masks (lernmi_t_list)
 * are left in `masks` for lernmi_t_gradient to take: of every input if some weight is not
 * finite (then w * 0.0 may be NaN), which it returns. `finite`: 1 if every weight is known
 * to be finite, 0 if some is known not to be, -1 to check. */
LERNMI_T_TARGET static int LT_NAME(forward)(const LT_R *t, Py_ssize_t rows, Py_ssize_t n,
                                            const LT_R *x, const Py_ssize_t *order,
                                            Py_ssize_t samples, LT_R *z, Py_ssize_t stride,
                                            LT_R *room, uint64_t *masks, int finite)
{
    LT_SCRATCH;
    const int every = finite < 0 ? !LT_NAME(finite)(t, LT_NAME(size)(rows, n)) : !finite;
    for (Py_ssize_t first = 0; first < samples; first += LERNMI_GROUP) {
        const Py_ssize_t group = samples - first < LERNMI_GROUP ? samples - first : LERNMI_GROUP;
        const LT_R *row[LERNMI_GROUP + 1];
        LT_NAME(rows)(x, order, n, first, group, samples, row);
        uint64_t *mask = lernmi_t_group_mask(masks, n, first);
        LT_NAME(list)(row, group, n, every, mask);
        for (Py_ssize_t block = 0; block < LT_NAME(blocks)(rows); block++) {
            const Py_ssize_t v0 = LT_NAME(first)(block, rows);
            const int V = (int)(LT_NAME(first)(block + 1, rows) - v0);
            const Py_ssize_t width = LT_PER * V;
            const LT_R *tb = t + positions * LT_PER * v0;
            switch (V) {
#define LERNMI_T_CASE(q)                                                                      \
    case q: LT_NAME(lanes)(q, tb, n, row, group, mask, lanes); break;
                LERNMI_T_CASES
#undef LERNMI_T_CASE
            }
            for (Py_ssize_t b = 0; b < group; b++) {
                const LT_R *sum = lanes + b * LERNMI_T_WAITING * width;
                LT_R *out = z + (first + b) * stride + LT_PER * v0;
                for (int v = 0; v < V; v++) {  /* (the rows of zeros left out) */
                    const LT_M in = LT_NAME(lanes_of)(rows - LT_PER * (v0 + v));
                    const LT_SIMD was = LT_LOADZ(in, out + LT_PER * v);
                    LT_STOREM(out + LT_PER * v, in, LT_ADD(was, LT_LOADU(sum + LT_PER * v)));
                }
            }
        }
    }
    return every;
}

/* Whether each lane is -0.0. */
LERNMI_T_INLINE LT_IV LT_NAME(minus_zero)(LT_V x)
{
    return (LT_IV)(x == (LT_R)0.0) & ((LT_IV)x < 0);
}

/* lernmi_t_gradient's loop for a block of V vectors of rows (`width`, at g): column p takes
 * the samples whose bits are set in taken[p]. The columns go in the inputs' order, not the
 * positions': each sample's inputs are then read along its row, a cache line's in turn,
 * where the positions' order reads them 16 apart, a line each; g's columns are visited in
 * 16 interleaved runs, one a lane, instead of one after another. Each column's sum is the
 * same either way; the inputs' order is the faster (docs/speed.md, "The fifteenth day"). */
LERNMI_T_INLINE void LT_NAME(columns)(const int V, int fresh, LT_R *g, Py_ssize_t width,
                                      Py_ssize_t n, const LT_R *sp, Py_ssize_t padded,
                                      const LT_R *minus, const LT_I *signs,
                                      const uint64_t *taken, const LT_R *const *row,
                                      Py_ssize_t group, LT_IV real, int unsigned_)
{
    const uint64_t samples = ((uint64_t)1 << group) - 1;  /* (group <= GROUP < 64) */
    for (Py_ssize_t i = 0; i < n; i++) {
        const Py_ssize_t p = lernmi_t_at(i, n);
        LT_V *column = (LT_V *)(g + p * width), acc[LERNMI_T_VECTORS];
        if (!taken[p]) {  /* +0.0 in every sample */
            for (int v = 0; v < V; v++)
                column[v] = fresh ? *(const LT_V *)(minus + LT_PER * v)
                                  : column[v] + *(const LT_V *)(minus + LT_PER * v);
            continue;
        }
        for (int v = 0; v < V; v++)
            acc[v] = fresh ? (LT_V){0} : column[v];
        for (uint64_t m = taken[p]; m; m &= m - 1) {
            const Py_ssize_t b = __builtin_ctzll(m);
            const LT_R x = LT_NAME(input_of)(row[b], i);
            for (int v = 0; v < V; v++)
                acc[v] += *(const LT_V *)(sp + b * padded + LT_PER * v) * x;
        }
        for (int v = 0; v < V; v++) {
            if (unsigned_) {
                /* No input signed: each term's sign is its s's, so a zero sum is -0.0 only
                 * if every sample's s is signed (minus), and g's zero, added on to, too */
                const LT_IV zero = (LT_IV)(acc[v] == (LT_R)0.0);
                LT_IV sign = (LT_IV)*(const LT_V *)(minus + LT_PER * v) & LT_SIGN;
                if (!fresh)
                    sign &= LT_NAME(minus_zero)(column[v]);
                const LT_IV bits = ((LT_IV)acc[v] & ~zero) | (zero & sign);
                column[v] = (LT_V)(v == V - 1 ? bits & real : bits);
                continue;
            }
            if (!LT_CMPM((LT_SIMD)acc[v], LT_ZERO(), _CMP_EQ_OQ)) {
                column[v] = v == V - 1 ? (LT_V)((LT_IV)acc[v] & real) : acc[v];
                continue;
            }
            /* A zero: -0.0 only if every term of the whole sum is (see lernmi_t_gradient):
             * that of each sample whose input is +0.0 if its s has its sign bit set, that of
             * each other if its product is -0.0 (and g's, added on) */
            const LT_IV zero = (LT_IV)(acc[v] == (LT_R)0.0);
            const LT_IV others = (LT_IV){0} + (LT_I)(~taken[p] & samples);
            LT_IV minus_zero = (~*(const LT_IV *)(signs + LT_PER * v) & others) == 0;
            if (!fresh)
                minus_zero &= LT_NAME(minus_zero)(column[v]);
            for (uint64_t m = taken[p]; m && LT_TEST(
                     (__m512i)(minus_zero & zero), (__m512i)(minus_zero & zero)); m &= m - 1) {
                const Py_ssize_t b = __builtin_ctzll(m);
                minus_zero &= LT_NAME(minus_zero)(*(const LT_V *)(sp + b * padded + LT_PER * v)
                                                  * LT_NAME(input_of)(row[b], i));
            }
            LT_IV bits = ((LT_IV)acc[v] & ~zero) | (zero & minus_zero & LT_SIGN);
            column[v] = (LT_V)(v == V - 1 ? bits & real : bits);
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
LERNMI_T_TARGET static void LT_NAME(gradient)(LT_R *g, Py_ssize_t rows, Py_ssize_t n,
                                              const LT_R *x, const Py_ssize_t *order,
                                              const LT_R *s, Py_ssize_t stride,
                                              Py_ssize_t samples, int listed, LT_R *room,
                                              uint64_t *masks)
{
    LT_SCRATCH;
    const Py_ssize_t words = lernmi_t_words(n);
    for (Py_ssize_t first = 0; first < samples; first += LERNMI_GROUP) {
        const Py_ssize_t group = samples - first < LERNMI_GROUP ? samples - first : LERNMI_GROUP;
        const LT_R *sg = s + first * stride, *row[LERNMI_GROUP + 1];
        LT_NAME(rows)(x, order, n, first, group, samples, row);
        LT_IV unsound = {0};  /* the lanes where some s is infinite or NaN */
        for (Py_ssize_t r = 0; r < padded; r += LT_PER) {  /* a vector of rows at a time */
            const LT_M in = LT_NAME(lanes_of)(rows - r);
            LT_IV all = LT_SIGN, signed_ = {0};
            for (Py_ssize_t b = 0; b < group; b++) {  /* (the rows of zeros get +0.0) */
                const LT_R *sb = sg + b * stride + r;
                const LT_IV bits = (LT_IV)LT_LOADZ_I(in, sb);
                all &= bits;
                signed_ |= (LT_IV)((LT_UV)((bits < 0) & 1) << b);
                unsound |= (bits & LT_EXPONENT) == LT_EXPONENT;
                *(LT_V *)(sp + b * padded + r) = (LT_V)bits;  /* (numbers as numbers) */
            }
            *(LT_V *)(minus + r) = (LT_V)all;  /* -0.0 if every s is signed, else +0.0 */
            *(LT_IV *)(signs + r) = signed_;
        }
        /* whether every s is finite (vector.h's lernmi_all_finite), from the numbers just read */
        const int finite = !LT_TEST((__m512i)unsound, (__m512i)unsound);
        uint64_t *mask = lernmi_t_group_mask(masks, n, first);
        if (listed < 0 || (!finite && !listed))
            LT_NAME(list)(row, group, n, !finite, mask);
        const int unsigned_ = (int)mask[LERNMI_GROUP * LERNMI_LANES * words];
        lernmi_t_taken(mask, n, group, taken);
        for (Py_ssize_t block = 0; block < LT_NAME(blocks)(rows); block++) {
            const Py_ssize_t v0 = LT_NAME(first)(block, rows);
            const int V = (int)(LT_NAME(first)(block + 1, rows) - v0);
            LT_IV real = {0};  /* the lanes of the block's last vector that are rows */
            for (int k = 0; k < LT_PER; k++)
                real[k] = LT_PER * (v0 + V - 1) + k < rows ? -1 : 0;
            LT_R *gb = g + positions * LT_PER * v0;
            switch (V) {
#define LERNMI_T_CASE(q)                                                                      \
    case q:                                                                                   \
        LT_NAME(columns)(q, first == 0, gb, LT_PER * q, n, sp + LT_PER * v0, padded,          \
                         minus + LT_PER * v0, signs + LT_PER * v0, taken, row, group, real,   \
                         unsigned_);                                                          \
        break;
                LERNMI_T_CASES
#undef LERNMI_T_CASE
            }
        }
    }
}

#undef LT_SCRATCH
#undef LT_SIGN
#undef LT_EXPONENT
#else
/* Never called where lernmi_t_ready is 0; here only so that transposed.py compiles. */
LERNMI_INLINE int LT_NAME(forward)(const LT_R *t, Py_ssize_t rows, Py_ssize_t n,
                                   const LT_R *x, const Py_ssize_t *order, Py_ssize_t samples,
                                   LT_R *z, Py_ssize_t stride, LT_R *room, uint64_t *masks,
                                   int finite)
{
    (void)t, (void)rows, (void)n, (void)x, (void)order, (void)samples, (void)z, (void)stride;
    (void)room, (void)masks, (void)finite;
    return 1;
}

LERNMI_INLINE void LT_NAME(gradient)(LT_R *g, Py_ssize_t rows, Py_ssize_t n,
                                     const LT_R *x, const Py_ssize_t *order, const LT_R *s,
                                     Py_ssize_t stride, Py_ssize_t samples, int listed,
                                     LT_R *room, uint64_t *masks)
{
    (void)g, (void)rows, (void)n, (void)x, (void)order, (void)s, (void)stride, (void)samples;
    (void)listed, (void)room, (void)masks;
}
#endif

#undef LT_NAME

/* What transposed.h set for this type, unset for the next. */
#undef LT_R
#undef LT_PER
#undef LT_NAMED
#undef LT_V
#undef LT_IV
#undef LT_UV
#undef LT_I
#undef LT_M
#undef LT_SIMD
#undef LT_LOADZ
#undef LT_LOADU
#undef LT_STOREM
#undef LT_ADD
#undef LT_ZERO
#undef LT_SET1
#undef LT_EXPANDZ
#undef LT_MOVM
#undef LT_CMPM
#undef LT_CAST_SI
#undef LT_TEST
#undef LT_LOADZ_I
#undef LT_SIGN_BIT
#undef LT_EXPONENT_BITS
