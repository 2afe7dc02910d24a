/* The part of vector.h written once for each type of number: vector.h includes it twice,
 * with LV_R double (the names as they are: lernmi_dot, ...) and with LV_R float (the same
 * names and _f32: lernmi_dot_f32, ...). What differs between the two is set before each
 * (vector.h says what each LV_ macro is). Every literal is cast to LV_R, so that nothing
 * a float loop works out is promoted to double and rounded once at the end: each operation
 * rounds to its type, as the float32 source's numbers will (vector.h has the compiler warn
 * of any promotion in the floats' loops). The order of every sum is the one vector.h
 * describes, for either type; no include guard.
 */

#define LV_NAME(name) LV_NAMED(lernmi_##name)

/* sum of x[i] * y[i] for i < n, in the fixed order vector.h describes. */
LERNMI_CLONES static LV_R LV_NAME(dot)(const LV_R *LERNMI_RESTRICT x,
                                       const LV_R *LERNMI_RESTRICT y, Py_ssize_t n)
{
    LV_R lane[LERNMI_LANES] = {(LV_R)0.0};
    Py_ssize_t i = 0;
    for (; i + LERNMI_LANES <= n; i += LERNMI_LANES)
        for (int k = 0; k < LERNMI_LANES; k++)
            lane[k] += x[i + k] * y[i + k];
    for (int k = 0; i + k < n; k++)
        lane[k] += x[i + k] * y[i + k];
    LERNMI_ADD_LANES(lane);
    return lane[0];
}

/* The same sum for four rows x, x + stride, x + 2 stride, x + 3 stride at once, each taken
 * exactly as lernmi_dot takes it, added to out[0], out[stride], out[2 stride] and
 * out[3 stride]: w is read once for all four, and the four sums overlap in the CPU. */
LERNMI_CLONES static void LV_NAME(dot4_add)(const LV_R *LERNMI_RESTRICT w,
                                            const LV_R *LERNMI_RESTRICT x,
                                            LV_R *LERNMI_RESTRICT out, Py_ssize_t stride,
                                            Py_ssize_t n)
{
    LV_R lane[4][LERNMI_LANES] = {{(LV_R)0.0}};
    Py_ssize_t i = 0;
    for (; i + LERNMI_LANES <= n; i += LERNMI_LANES)
        for (int k = 0; k < LERNMI_LANES; k++) {
            LV_R wk = w[i + k];
            lane[0][k] += wk * x[i + k];
            lane[1][k] += wk * x[stride + i + k];
            lane[2][k] += wk * x[2 * stride + i + k];
            lane[3][k] += wk * x[3 * stride + i + k];
        }
    for (int b = 0; b < 4; b++) {
        for (int k = 0; i + k < n; k++)
            lane[b][k] += w[i + k] * x[b * stride + i + k];
        LERNMI_ADD_LANES(lane[b]);
        out[b * stride] += lane[b][0];
    }
}

/* Lists in room the columns i < n that are not +0.0 in all of `samples` samples (x[b *
 * stride + i]), or with `every`, or if fewer than an eighth of them are +0.0 (leaving out
 * so few would save less than listing costs), all of them; in order of lane (LANES lanes:
 * column i in lane i % LANES, as lernmi_dot adds them) or, with one lane, of column. A
 * column of +0.0 adds 0 to every forward sum, and its gradient is a sum of zeros: the tiles
 * leave it out. Returns m, how many are listed. */
LERNMI_CLONES static Py_ssize_t LV_NAME(list_columns)(const LV_R *LERNMI_RESTRICT x,
                                                      Py_ssize_t stride, Py_ssize_t samples,
                                                      Py_ssize_t n, int lanes, int every,
                                                      LV_R *LERNMI_RESTRICT room)
{
    Py_ssize_t *order = LERNMI_ORDER(room), *count = LERNMI_COUNT(room, n), m = 0;
    Py_ssize_t *runs = LERNMI_RUNS(room, n), run = 0;
    uint64_t *live = LERNMI_LIVE(room, n);
    for (Py_ssize_t i = 0; i < n; i++)
        live[i] = every ? 1 : 0;
    for (Py_ssize_t b = 0; b < samples && !every; b++)
        for (Py_ssize_t i = 0; i < n; i++) {
            LV_U bits;  /* 0 only for +0.0 */
            memcpy(&bits, x + b * stride + i, sizeof bits);
            live[i] |= bits;
        }
    Py_ssize_t blank = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        blank += live[i] == 0;
    for (Py_ssize_t i = 0; i < n && blank < (n + 7) / 8; i++)
        live[i] = 1;
    for (int k = 0; k < lanes; k++) {
        count[k] = 0;
        for (Py_ssize_t i = k; i < n; i += lanes) {  /* (no branch: a column left out */
            const Py_ssize_t taken = live[i] != 0;     /* is written over by the next) */
            order[m] = i;
            m += taken;
            count[k] += taken;
        }
    }
    count[LERNMI_LANES] = m;
    runs[0] = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if ((live[i] != 0) != (run % 2 == 0))  /* runs taken are even, left out odd */
            runs[++run] = 0;
        runs[run]++;
    }
    return m;
}

/* How many numbers the room of lernmi_list_columns takes, for rows of n: 3 n + LANES + 2
 * slots of eight bytes. */
LERNMI_INLINE Py_ssize_t LV_NAME(list_room)(Py_ssize_t n)
{
    return (3 * n + LERNMI_LANES + 2) * (Py_ssize_t)(8 / sizeof(LV_R));
}

/* How many columns room lists (lernmi_list_columns), in rows of n. */
LERNMI_INLINE Py_ssize_t LV_NAME(listed)(const LV_R *room, Py_ssize_t n)
{
    return LERNMI_COUNT(room, n)[LERNMI_LANES];
}

/* Whether x[b * stride + i] is finite for every b < count and i < n. */
LERNMI_CLONES static int LV_NAME(all_finite)(const LV_R *LERNMI_RESTRICT x, Py_ssize_t stride,
                                             Py_ssize_t count, Py_ssize_t n)
{
    int finite = 1;
    for (Py_ssize_t b = 0; b < count; b++)
        for (Py_ssize_t i = 0; i < n; i++)
            finite &= x[b * stride + i] - x[b * stride + i] == (LV_R)0.0;  /* NaN: inf, NaN */
    return finite;
}

/* Packs up to a tile of samples (LV_TILE: eight doubles, 16 floats) for lernmi_dot_tile_add:
 * sample b's numbers are x[b * stride + i] for the columns i listed in room
 * (lernmi_list_columns, lane by lane), and for each of them the tile's samples side by
 * side, zero past the last sample: LV_TILE m numbers. */
LERNMI_CLONES static void LV_NAME(pack_lanes)(const LV_R *LERNMI_RESTRICT x, Py_ssize_t stride,
                                              Py_ssize_t samples, LV_R *LERNMI_RESTRICT xp,
                                              const LV_R *room, Py_ssize_t n)
{
    const Py_ssize_t *order = LERNMI_ORDER(room), m = LERNMI_COUNT(room, n)[LERNMI_LANES];
    for (Py_ssize_t c = 0; c < m; c++) {
        for (Py_ssize_t b = 0; b < LV_TILE; b++)
            xp[b] = b < samples ? x[b * stride + order[c]] : (LV_R)0.0;
        xp += LV_TILE;
    }
}

/* Packs four rows of weights (w, w + n, w + 2 n, w + 3 n) for lernmi_dot_tile_add, in the
 * order it reads them: element by element in lernmi_pack_lanes's order for every column,
 * and for each element i the four rows' weights side by side: 4 n numbers. Read in place,
 * a tile would take each row's lane k from every sixteenth number, a cache line for each
 * weight: when every column is taken, that is slower than packing (when some are left
 * out, packing the ones listed is the slower, see lernmi_dot_tile_on). */
LERNMI_CLONES static void LV_NAME(pack_rows)(const LV_R *LERNMI_RESTRICT w, Py_ssize_t n,
                                             LV_R *LERNMI_RESTRICT wp)
{
    /* where lane k's elements start in wp, in fours: lane k has (n - k + 15) / 16 */
    Py_ssize_t at[LERNMI_LANES], whole = n - n % 4;
    at[0] = 0;
    for (int k = 1; k < LERNMI_LANES; k++)
        at[k] = at[k - 1] + 4 * ((n - k + LERNMI_LANES) / LERNMI_LANES);
#ifdef LERNMI_VECTORS
    /* four elements of the four rows at a time, turned from rows into elements (a 4 x 4
     * transpose in registers), each element's four then stored where its lane goes on */
    for (Py_ssize_t i = 0; i < whole; i += 4) {
        LV_V4 r0 = *(const LV_V4 *)(w + i), r1 = *(const LV_V4 *)(w + n + i);
        LV_V4 r2 = *(const LV_V4 *)(w + 2 * n + i);
        LV_V4 r3 = *(const LV_V4 *)(w + 3 * n + i);
        LV_V4 t0 = LV_SHUFFLE(r0, r1, 0, 4, 2, 6);
        LV_V4 t1 = LV_SHUFFLE(r0, r1, 1, 5, 3, 7);
        LV_V4 t2 = LV_SHUFFLE(r2, r3, 0, 4, 2, 6);
        LV_V4 t3 = LV_SHUFFLE(r2, r3, 1, 5, 3, 7);
        Py_ssize_t k = i % LERNMI_LANES, q = 4 * (i / LERNMI_LANES);
        *(LV_V4 *)(wp + at[k] + q) = LV_SHUFFLE(t0, t2, 0, 1, 4, 5);
        *(LV_V4 *)(wp + at[k + 1] + q) = LV_SHUFFLE(t1, t3, 0, 1, 4, 5);
        *(LV_V4 *)(wp + at[k + 2] + q) = LV_SHUFFLE(t0, t2, 2, 3, 6, 7);
        *(LV_V4 *)(wp + at[k + 3] + q) = LV_SHUFFLE(t1, t3, 2, 3, 6, 7);
    }
#else
    whole = 0;
#endif
    for (Py_ssize_t i = whole; i < n; i++)
        for (int r = 0; r < 4; r++)
            wp[at[i % LERNMI_LANES] + 4 * (i / LERNMI_LANES) + r] = w[r * n + i];
}

/* The batch tiles' arithmetic on vectors of W numbers (type V), a tile's LV_TILE samples or
 * numbers being LV_TILE / W vectors. A vector wider than the CPU's registers is compiled in
 * pieces, which GCC keeps in memory rather than in registers (7 to 11 times slower in a C
 * harness: eight doubles on AVX2, four on SSE2), and one narrower than them leaves half of
 * each register unused (AVX-512 took 1.3 to 1.6 times as long on four doubles), so each CPU
 * gets the tiles in the width of its registers (LV_PICK, below). */
#define LV_PIECES(W) (LV_TILE / (W))

/* lernmi_dot_tile_add's loops: lane[r][q][k] is lane k of the sums of row r for samples q W
 * to q W + W - 1 side by side, so that the tree adds W samples' lanes at once. WEIGHT is
 * row r's weight of the column the loop is on, and NEXT moves on to the next column. */
#define LV_DOT_TILE_ON(V, W, WEIGHT, NEXT)                                                    \
    {                                                                                         \
        V lane[4][LV_PIECES(W)][LERNMI_LANES];                                                \
        for (int k = 0; k < LERNMI_LANES; k++) {                                              \
            V acc[4][LV_PIECES(W)];                                                           \
            for (int r = 0; r < 4; r++)                                                       \
                for (int q = 0; q < LV_PIECES(W); q++)                                        \
                    acc[r][q] = (V){(LV_R)0.0};                                               \
            for (Py_ssize_t c = count[k]; c > 0; c--, xp += LV_TILE, NEXT) {                  \
                V x[LV_PIECES(W)];                                                            \
                for (int q = 0; q < LV_PIECES(W); q++)                                        \
                    x[q] = *(const V *)(xp + q * (W));                                        \
                for (int r = 0; r < 4; r++) {                                                 \
                    LV_R wr = WEIGHT;                                                         \
                    for (int q = 0; q < LV_PIECES(W); q++)                                    \
                        acc[r][q] += wr * x[q];                                               \
                }                                                                             \
            }                                                                                 \
            for (int r = 0; r < 4; r++)                                                       \
                for (int q = 0; q < LV_PIECES(W); q++)                                        \
                    lane[r][q][k] = acc[r][q];                                                \
        }                                                                                     \
        for (int r = 0; r < 4; r++)                                                           \
            for (int q = 0; q < LV_PIECES(W); q++) {                                          \
                V *sum = lane[r][q];                                                          \
                LERNMI_ADD_LANES(sum);                                                        \
                for (Py_ssize_t b = q * (W); b < (q + 1) * (W) && b < samples; b++)           \
                    out[r + b * stride] += sum[0][b - q * (W)];                               \
            }                                                                                 \
    }

/* Four rows of weights and up to a tile of samples (packed into xp by lernmi_pack_lanes), for
 * the columns listed in room: out[r + b * stride] += lernmi_dot(row r, sample b, n) for
 * r < 4 and b < samples, each sum taken exactly as lernmi_dot takes it, but for the terms
 * of columns left out, each +0.0 or -0.0 (the weights being finite), which change no sum
 * of lanes that start at +0.0. Lane by lane: lane k of all 4 LV_TILE sums in registers at
 * once, each weight read once for the tile's samples and each sample's number once for
 * four rows; then lernmi_dot's tree adds each sum's lanes. On vectors of W numbers (1:
 * plain C). The rows are w, w + n, w + 2 n and w + 3 n, read where they are (`listed`: a C
 * harness on MNIST groups took 10% less time so than packing the columns listed), or packed
 * into w by lernmi_pack_rows when every column is taken (a dense harness: 11% less than in
 * place). */
LERNMI_INLINE void LV_NAME(dot_tile_on)(const int W, const int listed,
                                        const LV_R *LERNMI_RESTRICT w,
                                        const LV_R *LERNMI_RESTRICT xp, const LV_R *room,
                                        Py_ssize_t n, LV_R *LERNMI_RESTRICT out,
                                        Py_ssize_t stride, Py_ssize_t samples)
{
    const Py_ssize_t *count = LERNMI_COUNT(room, n), *order = LERNMI_ORDER(room);
#ifdef LERNMI_VECTORS
    if (W == LV_W512 && listed)
        LV_DOT_TILE_ON(LV_V512, LV_W512, w[r * n + *order], order++)
    else if (W == LV_W512)
        LV_DOT_TILE_ON(LV_V512, LV_W512, w[r], w += 4)
    else if (W == LV_W256 && listed)
        LV_DOT_TILE_ON(LV_V256, LV_W256, w[r * n + *order], order++)
    else if (W == LV_W256)
        LV_DOT_TILE_ON(LV_V256, LV_W256, w[r], w += 4)
    else if (W == LV_W128 && listed)
        LV_DOT_TILE_ON(LV_V128, LV_W128, w[r * n + *order], order++)
    else if (W == LV_W128)
        LV_DOT_TILE_ON(LV_V128, LV_W128, w[r], w += 4)
    if (W > 1)
        return;
#endif
    LV_R lane[4][LV_TILE][LERNMI_LANES];
    for (int k = 0; k < LERNMI_LANES; k++) {
        LV_R acc[4][LV_TILE] = {{(LV_R)0.0}};
        for (Py_ssize_t c = count[k]; c > 0; c--, xp += LV_TILE, order++, w += !listed * 4)
            for (int r = 0; r < 4; r++)
                for (int b = 0; b < LV_TILE; b++)
                    acc[r][b] += (listed ? w[r * n + *order] : w[r]) * xp[b];
        for (int r = 0; r < 4; r++)
            for (int b = 0; b < LV_TILE; b++)
                lane[r][b][k] = acc[r][b];
    }
    for (int r = 0; r < 4; r++)
        for (Py_ssize_t b = 0; b < samples; b++) {
            LV_R *sum = lane[r][b];
            LERNMI_ADD_LANES(sum);
            out[r + b * stride] += sum[0];
        }
}

/* Packs `samples` samples for lernmi_gradient, the columns listed in room (m of them): the
 * c-th is column order[c] of x, sample b's being x[b * stride + order[c]]. xp gets them in
 * runs of a tile's columns (LV_TILE: eight, or 16 in floats), and for each run every
 * sample's in turn: xp[(c / LV_TILE * samples + b) * LV_TILE + c % LV_TILE], zero past m. */
LERNMI_CLONES static void LV_NAME(pack_runs)(const LV_R *LERNMI_RESTRICT x, Py_ssize_t stride,
                                             Py_ssize_t samples, LV_R *LERNMI_RESTRICT xp,
                                             const LV_R *room, Py_ssize_t n)
{
    const Py_ssize_t *order = LERNMI_ORDER(room), m = LERNMI_COUNT(room, n)[LERNMI_LANES];
    for (Py_ssize_t run = 0; run < m; run += LV_TILE)
        for (Py_ssize_t b = 0; b < samples; b++) {
            for (Py_ssize_t k = 0; k < LV_TILE; k++)
                xp[k] = run + k < m ? x[b * stride + order[run + k]] : (LV_R)0.0;
            xp += LV_TILE;
        }
}

/* rows rows of gradients, g[r * n + i], gathered for the columns listed in room, which must
 * be listed in one lane, in order of column (lernmi_list_columns): gc[r * m + c] = g[r * n
 * + order[c]]. Run by run of columns taken. */
LERNMI_CLONES LERNMI_NO_MEMCPY static void LV_NAME(gather_rows)(const LV_R *LERNMI_RESTRICT g,
                                                                Py_ssize_t n, Py_ssize_t rows,
                                                                const LV_R *room,
                                                                LV_R *LERNMI_RESTRICT gc)
{
    const Py_ssize_t *runs = LERNMI_RUNS(room, n);
    for (Py_ssize_t r = 0; r < rows; r++)
        for (Py_ssize_t run = 0, i = 0; i < n; i += runs[run++])
            if (run % 2 == 0)
                for (Py_ssize_t k = 0; k < runs[run]; k++)
                    *gc++ = g[r * n + i + k];
}

/* The gradients of rows rows over `samples` samples, g[r * n + i], from those of the columns
 * listed in room (in one lane, as for lernmi_gather_rows), gc[r * m + c], and of the
 * columns left out. Those add `samples` terms s[b * stride + r] * +0.0, each -0.0 if s is
 * negative (or -0.0) and +0.0 otherwise; their sum, fresh, is -0.0 only if every term is,
 * and added on to what g holds, one after another, they give what adding that one zero
 * gives (g itself, unless g is 0: then -0.0 only if g and the zero both are). Every s must
 * be finite (0 * inf is NaN). Run by run. */
LERNMI_CLONES LERNMI_NO_MEMCPY static void LV_NAME(scatter_rows)(
    const LV_R *LERNMI_RESTRICT gc, const LV_R *room, const LV_R *LERNMI_RESTRICT s,
    Py_ssize_t stride, Py_ssize_t samples, int fresh, LV_R *LERNMI_RESTRICT g, Py_ssize_t n,
    Py_ssize_t rows)
{
    const Py_ssize_t *runs = LERNMI_RUNS(room, n);
    for (Py_ssize_t r = 0; r < rows; r++) {
        int negative = 1;
        for (Py_ssize_t b = 0; b < samples; b++)
            negative &= signbit(s[b * stride + r]) != 0;
        const LV_R zero = negative ? (LV_R)-0.0 : (LV_R)0.0;
        LV_R *row = g + r * n;
        for (Py_ssize_t run = 0, i = 0; i < n; i += runs[run++]) {
            const Py_ssize_t length = runs[run];
            if (run % 2 == 0)
                for (Py_ssize_t k = 0; k < length; k++)
                    row[i + k] = *gc++;
            else if (fresh)
                for (Py_ssize_t k = 0; k < length; k++)
                    row[i + k] = zero;
            else
                for (Py_ssize_t k = 0; k < length; k++)
                    row[i + k] += zero;
        }
    }
}

/* lernmi_gradient_rows's tile of R rows by the LV_TILE numbers of a whole run, in registers
 * through the samples. */
#define LV_GRADIENT_ON(V, W)                                                                  \
    {                                                                                         \
        V acc[6][LV_PIECES(W)];                                                               \
        for (int r = 0; r < R; r++)                                                           \
            for (int q = 0; q < LV_PIECES(W); q++)                                            \
                acc[r][q] = fresh ? s[r] * *(const V *)(x + q * (W))                          \
                                  : *(const V *)(g + r * n + run + q * (W));                  \
        for (Py_ssize_t b = from; b < samples; b++) {                                         \
            V xb[LV_PIECES(W)];                                                               \
            for (int q = 0; q < LV_PIECES(W); q++)                                            \
                xb[q] = *(const V *)(x + b * LV_TILE + q * (W));                              \
            for (int r = 0; r < R; r++) {                                                     \
                LV_R sr = s[b * stride + r];                                                  \
                for (int q = 0; q < LV_PIECES(W); q++)                                        \
                    acc[r][q] += sr * xb[q];                                                  \
            }                                                                                 \
        }                                                                                     \
        for (int r = 0; r < R; r++)                                                           \
            for (int q = 0; q < LV_PIECES(W); q++)                                            \
                *(V *)(g + r * n + run + q * (W)) = acc[r][q];                                \
        continue;                                                                             \
    }

/* R rows' gradients over a batch: g[r * n + i] = s[b * stride + r] * x_b[i] summed over
 * the samples b < samples in turn, as lernmi_scale then lernmi_axpy sum them: `fresh`, from
 * the first sample's term; otherwise added on to what g holds (the next samples). r < R and
 * i < n; x_b is sample b's numbers as lernmi_pack_runs packed them into xp, and s[b *
 * stride + r] its sensitivity of row r's neuron. A tile of R rows by LV_TILE numbers stays in
 * registers through the samples, on vectors of W numbers (1: plain C). */
LERNMI_INLINE void LV_NAME(gradient_rows)(const int W, const int R, const int fresh,
                                          const LV_R *LERNMI_RESTRICT s, Py_ssize_t stride,
                                          const LV_R *LERNMI_RESTRICT xp, Py_ssize_t samples,
                                          LV_R *LERNMI_RESTRICT g, Py_ssize_t n)
{
    const Py_ssize_t from = fresh ? 1 : 0;  /* the first sample taken for the tile to add */
    for (Py_ssize_t run = 0; run < n; run += LV_TILE) {
        const LV_R *x = xp + run * samples;
        const Py_ssize_t width = n - run < LV_TILE ? n - run : LV_TILE;
#ifdef LERNMI_VECTORS
        if (width == LV_TILE && W == LV_W512)
            LV_GRADIENT_ON(LV_V512, LV_W512)
        if (width == LV_TILE && W == LV_W256)
            LV_GRADIENT_ON(LV_V256, LV_W256)
        if (width == LV_TILE && W == LV_W128)
            LV_GRADIENT_ON(LV_V128, LV_W128)
#endif
        for (int r = 0; r < R; r++)
            for (Py_ssize_t k = 0; k < width; k++) {
                LV_R sum = fresh ? s[r] * x[k] : g[r * n + run + k];
                for (Py_ssize_t b = from; b < samples; b++)
                    sum += s[b * stride + r] * x[b * LV_TILE + k];
                g[r * n + run + k] = sum;
            }
    }
}

/* The tiles in one width, W numbers a vector, compiled for the CPU named by ATTRIBUTES:
 * lernmi_dot_tile_add_W (rows packed) and lernmi_dot_tile_listed_W (rows in place), and
 * lernmi_gradient_W for six rows or four, fresh or going on (for floats lernmi_..._f32_W). */
#define LV_TILES(W, ATTRIBUTES)                                                               \
    ATTRIBUTES static void LERNMI_PASTE(LV_NAME(dot_tile_add), W)(                            \
        const LV_R *LERNMI_RESTRICT wp, const LV_R *LERNMI_RESTRICT xp, const LV_R *room,     \
        Py_ssize_t n, LV_R *LERNMI_RESTRICT out, Py_ssize_t stride, Py_ssize_t samples)       \
    {                                                                                         \
        LV_NAME(dot_tile_on)(W, 0, wp, xp, room, n, out, stride, samples);                    \
    }                                                                                         \
    ATTRIBUTES static void LERNMI_PASTE(LV_NAME(dot_tile_listed), W)(                         \
        const LV_R *LERNMI_RESTRICT w, const LV_R *LERNMI_RESTRICT xp, const LV_R *room,      \
        Py_ssize_t n, LV_R *LERNMI_RESTRICT out, Py_ssize_t stride, Py_ssize_t samples)       \
    {                                                                                         \
        LV_NAME(dot_tile_on)(W, 1, w, xp, room, n, out, stride, samples);                     \
    }                                                                                         \
    ATTRIBUTES static void LERNMI_PASTE(LV_NAME(gradient), W)(                                \
        int rows, int fresh, const LV_R *LERNMI_RESTRICT s, Py_ssize_t stride,                \
        const LV_R *LERNMI_RESTRICT xp, Py_ssize_t samples, LV_R *LERNMI_RESTRICT g,          \
        Py_ssize_t n)                                                                         \
    {                                                                                         \
        if (rows == 6 && fresh)                                                               \
            LV_NAME(gradient_rows)(W, 6, 1, s, stride, xp, samples, g, n);                    \
        else if (rows == 6)                                                                   \
            LV_NAME(gradient_rows)(W, 6, 0, s, stride, xp, samples, g, n);                    \
        else if (fresh)                                                                       \
            LV_NAME(gradient_rows)(W, 4, 1, s, stride, xp, samples, g, n);                    \
        else                                                                                  \
            LV_NAME(gradient_rows)(W, 4, 0, s, stride, xp, samples, g, n);                    \
    }

/* The tiles in each width this platform has (vector.h's LERNMI_PICKS_WIDTH), and LV_PICK,
 * the call of the widest this CPU has. */
#if defined(LERNMI_PICKS_WIDTH)
LV_TILES(LV_W512, __attribute__((unused, target("avx512f"))))
LV_TILES(LV_W256, __attribute__((unused, target("avx2"))))
LV_TILES(LV_W128, __attribute__((unused)))
#define LV_PICK(NAME, ARGS)                                                                   \
    (__builtin_cpu_supports("avx512f") ? LERNMI_PASTE(NAME, LV_W512) ARGS                     \
     : __builtin_cpu_supports("avx2")  ? LERNMI_PASTE(NAME, LV_W256) ARGS                     \
                                       : LERNMI_PASTE(NAME, LV_W128) ARGS)
#elif defined(LERNMI_VECTORS)
LV_TILES(LV_W128, LERNMI_CLONES)
#define LV_PICK(NAME, ARGS) LERNMI_PASTE(NAME, LV_W128) ARGS
#else
LV_TILES(1, LERNMI_CLONES)
#define LV_PICK(NAME, ARGS) LERNMI_PASTE(NAME, 1) ARGS
#endif

/* The forward tiles in the width picked for this CPU: four rows packed (lernmi_pack_rows),
 * every column taken, or four rows read in place, the columns listed in room. */
LERNMI_INLINE void LV_NAME(dot_tile_add)(const LV_R *LERNMI_RESTRICT wp,
                                         const LV_R *LERNMI_RESTRICT xp, const LV_R *room,
                                         Py_ssize_t n, LV_R *LERNMI_RESTRICT out,
                                         Py_ssize_t stride, Py_ssize_t samples)
{
    LV_PICK(LV_NAME(dot_tile_add), (wp, xp, room, n, out, stride, samples));
}

LERNMI_INLINE void LV_NAME(dot_tile_listed)(const LV_R *LERNMI_RESTRICT w,
                                            const LV_R *LERNMI_RESTRICT xp, const LV_R *room,
                                            Py_ssize_t n, LV_R *LERNMI_RESTRICT out,
                                            Py_ssize_t stride, Py_ssize_t samples)
{
    LV_PICK(LV_NAME(dot_tile_listed), (w, xp, room, n, out, stride, samples));
}

/* A gradient tile of `rows` rows (six or four) over a group of samples whose outputs
 * lernmi_pack_runs packed into xp, for the columns listed in room: their sums in gc (room
 * for rows m numbers: lernmi_gather_rows first if not `fresh`), then lernmi_scatter_rows;
 * or, if every column is listed, straight into g. */
LERNMI_CLONES static void LV_NAME(gradient_listed)(int rows, int fresh,
                                                   const LV_R *LERNMI_RESTRICT s,
                                                   Py_ssize_t stride, const LV_R *xp,
                                                   Py_ssize_t samples, LV_R *g, Py_ssize_t n,
                                                   const LV_R *room, LV_R *gc)
{
    const Py_ssize_t m = LV_NAME(listed)(room, n);
    if (m < n && !fresh)
        LV_NAME(gather_rows)(g, n, rows, room, gc);
    LV_PICK(LV_NAME(gradient), (rows, fresh, s, stride, xp, samples, m < n ? gc : g, m));
    if (m < n)
        LV_NAME(scatter_rows)(gc, room, s, stride, samples, fresh, g, n, rows);
}

/* The forward tiles' loops for a batch (propagation.propagate_links): z[b * stride + j] +=
 * the sum of w[j * n + i] * x[b * stride + i] over i < n, as lernmi_dot takes it, for the
 * samples b < samples and the rows j < rows - rows % 4. A GROUP of samples at a time is
 * packed (lernmi_pack_lanes, LV_TILE samples to a block, at the start of pack), then four rows
 * at a time (packed by lernmi_pack_rows after GROUP n numbers, if every column is taken) go
 * through every block. Columns whose outputs are +0.0 in all the group's samples, such as
 * an image's blank margins, are left out: they add 0 to each sum. But not for four rows
 * with a weight that is not finite, which would make 0 * w NaN: their weights are checked
 * just before the tiles read them, and if they fail, the group is packed again with every
 * column (the rows before it had theirs checked). room: as lernmi_list_columns takes it. */
LERNMI_CLONES static void LV_NAME(forward_tiles)(const LV_R *w, Py_ssize_t rows, Py_ssize_t n,
                                                 const LV_R *x, Py_ssize_t stride,
                                                 Py_ssize_t samples, LV_R *z, LV_R *pack,
                                                 LV_R *room)
{
    Py_ssize_t sound = 0;     /* the rows before it: every weight checked, finite */
    Py_ssize_t unsound = rows;  /* the first row of four that has one that is not */
    for (Py_ssize_t first = 0; first < samples; first += LERNMI_GROUP) {
        const Py_ssize_t group = samples - first < LERNMI_GROUP ? samples - first : LERNMI_GROUP;
        const LV_R *xg = x + first * stride;
        Py_ssize_t m = LV_NAME(list_columns)(xg, stride, group, n, LERNMI_LANES, 0, room);
        for (Py_ssize_t b = 0; b < group; b += LV_TILE)
            LV_NAME(pack_lanes)(xg + b * stride, stride, group - b, pack + b * n, room, n);
        for (Py_ssize_t j = 0; j + 4 <= rows; j += 4) {
            if (m < n && j >= sound) {
                if (j < unsound && LV_NAME(all_finite)(w + j * n, n, 4, n)) {
                    sound = j + 4;
                } else {
                    unsound = j;
                    m = LV_NAME(list_columns)(xg, stride, group, n, LERNMI_LANES, 1, room);
                    for (Py_ssize_t b = 0; b < group; b += LV_TILE)
                        LV_NAME(pack_lanes)(xg + b * stride, stride, group - b, pack + b * n,
                                            room, n);
                }
            }
            LV_R *wp = pack + LERNMI_GROUP * n;
            if (m == n)
                LV_NAME(pack_rows)(w + j * n, n, wp);
            for (Py_ssize_t b = 0; b < group; b += LV_TILE) {
                LV_R *out = z + (first + b) * stride + j;
                const Py_ssize_t count = group - b < LV_TILE ? group - b : LV_TILE;
                if (m == n)
                    LV_NAME(dot_tile_add)(wp, pack + b * n, room, n, out, stride, count);
                else
                    LV_NAME(dot_tile_listed)(w + j * n, pack + b * n, room, n, out, stride,
                                             count);
            }
        }
    }
}

/* y[i] += alpha * x[i] for i < n. */
LERNMI_CLONES static void LV_NAME(axpy)(LV_R alpha, const LV_R *LERNMI_RESTRICT x,
                                        LV_R *LERNMI_RESTRICT y, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        y[i] += alpha * x[i];
}

/* Both at once, in one pass over w: y[i] += alpha * w[i], then w[i] += beta * x[i]. */
LERNMI_CLONES static void LV_NAME(axpy_pair)(LV_R alpha, LV_R *LERNMI_RESTRICT w,
                                             LV_R *LERNMI_RESTRICT y, LV_R beta,
                                             const LV_R *LERNMI_RESTRICT x, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        y[i] += alpha * w[i];
        w[i] += beta * x[i];
    }
}

/* A plain step and the next sample's sum in one pass over a row of weights: w[i] += alpha *
 * kept[i] (as lernmi_axpy), then the sum of w[i] * x[i] (as lernmi_dot), each weight read
 * and written once instead of read twice and written once. Only for the columns i < head
 * and start <= i < end, head and start multiples of LERNMI_LANES, head <= start <= end: the
 * caller leaves out columns where kept[i] and x[i] are both 0, whose steps and terms add
 * zeros (deferred.step_and_sum). */
#define LV_AXPY_DOT_ONE(i, k)                                                                 \
    {                                                                                         \
        LV_R wk = w[(i) + (k)] + alpha * kept[(i) + (k)];                                     \
        w[(i) + (k)] = wk;                                                                    \
        lane[k] += wk * x[(i) + (k)];                                                         \
    }
LERNMI_CLONES static LV_R LV_NAME(axpy_dot)(LV_R alpha, const LV_R *LERNMI_RESTRICT kept,
                                            LV_R *LERNMI_RESTRICT w,
                                            const LV_R *LERNMI_RESTRICT x, Py_ssize_t head,
                                            Py_ssize_t start, Py_ssize_t end)
{
    LV_R lane[LERNMI_LANES] = {(LV_R)0.0};
    Py_ssize_t i;
    for (i = 0; i < head; i += LERNMI_LANES)
        for (int k = 0; k < LERNMI_LANES; k++)
            LV_AXPY_DOT_ONE(i, k)
    kept += start;  /* so that i counts from 0: Python's -fwrapv stops GCC's vectoriser */
    w += start;     /* on a loop from start (signed overflow might wrap), 6x slower */
    x += start;
    end -= start;
    for (i = 0; i + LERNMI_LANES <= end; i += LERNMI_LANES)
        for (int k = 0; k < LERNMI_LANES; k++)
            LV_AXPY_DOT_ONE(i, k)
    for (int k = 0; i + k < end; k++)
        LV_AXPY_DOT_ONE(i, k)
    LERNMI_ADD_LANES(lane);
    return lane[0];
}

/* A layer of identity neurons loaded with x (activations.load_layer): z[i] = 0.0 + x[i], the
 * sum reset and x[i] added to it (which makes an x of -0.0 a sum of +0.0: the 0.0 + stays),
 * and a[i] = z[i] * keep[i], the output. */
LERNMI_CLONES static void LV_NAME(load_identity)(const LV_R *LERNMI_RESTRICT x,
                                                 LV_R *LERNMI_RESTRICT z,
                                                 LV_R *LERNMI_RESTRICT a,
                                                 const LV_R *LERNMI_RESTRICT keep, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        const LV_R sum = (LV_R)0.0 + x[i];
        z[i] = sum;
        a[i] = sum * keep[i];
    }
}

/* The outputs of a run of identity neurons, or of ReLU neurons (`relu`), whose sums are
 * worked out (activations.compute_outputs): a[i] = z[i] * keep[i], or
 * (z[i] > 0.0 ? z[i] : 0.0) * keep[i], a select that the compiler vectorises. */
LERNMI_CLONES static void LV_NAME(run_outputs)(int relu, LV_R *LERNMI_RESTRICT a,
                                               const LV_R *LERNMI_RESTRICT z,
                                               const LV_R *LERNMI_RESTRICT keep, Py_ssize_t n)
{
    if (relu)
        for (Py_ssize_t i = 0; i < n; i++)
            a[i] = (z[i] > (LV_R)0.0 ? z[i] : (LV_R)0.0) * keep[i];
    else
        for (Py_ssize_t i = 0; i < n; i++)
            a[i] = z[i] * keep[i];
}

/* The sums of a run of neurons zeroed (activations.reset_sums): z, delta and direct, +0.0
 * being all zero bits. */
LERNMI_INLINE void LV_NAME(zero_sums)(LV_R *z, LV_R *delta, LV_R *direct, Py_ssize_t n)
{
    memset(z, 0, sizeof(LV_R) * (size_t)n);
    memset(delta, 0, sizeof(LV_R) * (size_t)n);
    memset(direct, 0, sizeof(LV_R) * (size_t)n);
}

/* Ask for n numbers from x (n >= 1) to be brought into the cache, a line of 64 bytes at a
 * time (and the line of the last, which those steps miss when x does not start a line),
 * without waiting for them: a sample's inputs, to be read soon. Where the compiler has no
 * way to ask, nothing (vector.h's LERNMI_PREFETCH). */
LERNMI_INLINE void LV_NAME(prefetch)(const LV_R *x, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i += LV_LINE)
        LERNMI_PREFETCH(x + i);
    LERNMI_PREFETCH(x + n - 1);
}

/* The sensitivities of a run of ReLU neurons (activations.compute_sensitivities):
 * s[i] = (delta[i] * f'(z[i]) + direct[i]) * keep[i], f'(z) being 1.0 for z > 0.0 and 0.0
 * otherwise, and 0.0 for a neuron dropped (keep 0.0); both worked out, then one taken, a
 * select with no branch that the compiler vectorises. */
LERNMI_CLONES static void LV_NAME(relu_sensitivities)(LV_R *LERNMI_RESTRICT s,
                                                      const LV_R *LERNMI_RESTRICT z,
                                                      const LV_R *LERNMI_RESTRICT delta,
                                                      const LV_R *LERNMI_RESTRICT direct,
                                                      const LV_R *LERNMI_RESTRICT keep,
                                                      Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        const LV_R kept = (delta[i] * (LV_R)(z[i] > (LV_R)0.0) + direct[i]) * keep[i];
        LV_R taken;
        if (keep[i] == (LV_R)0.0)
            taken = (LV_R)0.0;
        else
            taken = kept;
        s[i] = taken;
    }
}

/* The logistic sigmoid 1 / (1 + e^-z) as activations.activate takes it, in two forms so
 * that exp never sees a large positive argument: 1 / (1 + e^-z) for z >= 0, e^z / (1 + e^z)
 * otherwise (NaN too). The same numbers, picked by masks rather than a branch: the sign of
 * a hidden neuron's sum is a coin toss, and a branch on it is mispredicted half the time
 * (in a C harness on random sums, 7.4 ns a sigmoid with the branch, 3.8 ns without). */
LERNMI_INLINE LV_R LV_NAME(sigmoid)(LV_R z)
{
    const LV_U up = z >= (LV_R)0.0, mask = (LV_U)0 - up;
    const LV_R one = (LV_R)1.0;
    LV_U bits, e_bits, one_bits;
    LV_R e, top;
    memcpy(&bits, &z, sizeof bits);
    bits ^= up << (8 * sizeof bits - 1);  /* the sign flipped: -z for z >= 0, z otherwise */
    memcpy(&e, &bits, sizeof e);
    e = LV_EXP(e);
    memcpy(&e_bits, &e, sizeof e_bits);
    memcpy(&one_bits, &one, sizeof one_bits);
    bits = (one_bits & mask) | (e_bits & ~mask);  /* 1 for z >= 0, e^z otherwise */
    memcpy(&top, &bits, sizeof top);
    return top / ((LV_R)1.0 + e);
}

/* y[i] = alpha * x[i] for i < n. */
LERNMI_CLONES static void LV_NAME(scale)(LV_R alpha, const LV_R *LERNMI_RESTRICT x,
                                         LV_R *LERNMI_RESTRICT y, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        y[i] = alpha * x[i];
}

/* Four axpys in one pass over y: y[i] += alpha[b] * x[b * stride + i] for b = 0, 1, 2, 3 in
 * turn, each rounded as lernmi_axpy rounds it. */
LERNMI_CLONES static void LV_NAME(axpy4)(const LV_R *LERNMI_RESTRICT alpha,
                                         const LV_R *LERNMI_RESTRICT x, Py_ssize_t stride,
                                         LV_R *LERNMI_RESTRICT y, Py_ssize_t n)
{
    LV_R a0 = alpha[0], a1 = alpha[1], a2 = alpha[2], a3 = alpha[3];
    for (Py_ssize_t i = 0; i < n; i++) {
        LV_R sum = y[i] + a0 * x[i];
        sum += a1 * x[stride + i];
        sum += a2 * x[2 * stride + i];
        y[i] = sum + a3 * x[3 * stride + i];
    }
}

/* One optimiser step's numbers, for a layer of links (steps.pxd's Rule). */
typedef struct {
    int kind;           /* steps.py's code: plain, momentum, Nesterov or Adam (vector.h) */
    LV_R rate;          /* the training rate */
    LV_R momentum;      /* SGD's momentum */
    LV_R beta1;         /* Adam's decay rates of its moments */
    LV_R beta2;
    LV_R epsilon;       /* Adam's */
    LV_R decay;         /* weight decay: decay * w is added to each weight's gradient */
    LV_R batch;         /* how many samples the summed gradient is over */
    LV_R size;          /* Adam's step size after k steps: rate / (1 - beta1^k) */
    LV_R root;          /* and its other bias correction: sqrt(1 - beta2^k) */
} LV_NAME(rule);

/* x, or a zero of x's sign if x is subnormal (smaller in size than LV_MIN, the smallest
 * normal number: DBL_MIN, or FLT_MIN in floats), like a CPU set to flush to zero. The
 * rules keep their velocities and Adam's m so. One whose gradient turns 0 and stays 0 (a
 * pixel lit in a few pictures, then blank for thousands) shrinks step after step into the
 * subnormals, and there it stays: 0.9 times a few of the smallest subnormals rounds back to
 * the same number, so without this it never reaches 0, and many x86 CPUs (Intel's among
 * them) multiply subnormals far more slowly, in microcode. A weight moves by rate * m
 * (Adam: at most size * m / epsilon), which no ordinary rate or epsilon makes big enough to
 * change a weight of normal size; flushing m makes the step it is flushed in smaller, never
 * bigger. Adam's v, under the square root, is flushed only once m is 0, when that step is 0
 * whatever v is: alone it could make it bigger. (Later steps start from the zero; only an
 * epsilon near sqrt(LV_MIN) or below, 1.5e-154 in doubles and 1.1e-19 in floats, can that
 * change.) steps.py's Python does the same, so both give the same numbers. */
LERNMI_INLINE LV_R LV_NAME(flushed)(LV_R x)
{
    return LV_FABS(x) < LV_MIN ? LV_COPYSIGN((LV_R)0.0, x) : x;
}

/* One weight's step, w[i], by the rule r on its gradient g, `kind` being r's: decay * w[i]
 * added first if `decayed` (as lernmi_mean_step adds it, for a batch of one), then plain
 * gradient descent, momentum (Nesterov's too) or Adam, arranged as torch.optim arranges
 * them, a new velocity or moment flushed to zero if subnormal (lernmi_flushed: v only once
 * m is 0). Returns the stepped weight. The loops below that step a row take each weight
 * through it; r should be a local copy, which their stores cannot change. */
LERNMI_INLINE LV_R LV_NAME(rule_one)(int kind, int decayed, LV_R g, Py_ssize_t i,
                                     LV_R *LERNMI_RESTRICT w, LV_R *LERNMI_RESTRICT m,
                                     LV_R *LERNMI_RESTRICT v, const LV_NAME(rule) *r)
{
    if (decayed)
        g = g + r->decay * w[i];
    if (kind == LERNMI_PLAIN) {
        w[i] += -r->rate * g;
    } else if (kind == LERNMI_ADAM) {
        m[i] = LV_NAME(flushed)(r->beta1 * m[i] + ((LV_R)1.0 - r->beta1) * g);
        const LV_R vi = r->beta2 * v[i] + ((LV_R)1.0 - r->beta2) * g * g;
        v[i] = m[i] == (LV_R)0.0 ? LV_NAME(flushed)(vi) : vi;
        w[i] -= r->size * m[i] / (LV_SQRT(v[i]) / r->root + r->epsilon);
    } else {                            /* momentum, or Nesterov's */
        m[i] = LV_NAME(flushed)(r->momentum * m[i] + g);
        w[i] -= kind == LERNMI_NESTEROV ? r->rate * (g + r->momentum * m[i]) : r->rate * m[i];
    }
    return w[i];
}

/* Momentum: m[i] = mu * m[i] + g[i], then w[i] -= rate * m[i]; or, with Nesterov's look
 * ahead, w[i] -= rate * (g[i] + mu * m[i]). */
LERNMI_CLONES static void LV_NAME(momentum)(LV_R *LERNMI_RESTRICT w, LV_R *LERNMI_RESTRICT m,
                                            const LV_R *LERNMI_RESTRICT g,
                                            const LV_NAME(rule) *r, int nesterov, Py_ssize_t n)
{
    const LV_NAME(rule) rule = *r;
    if (nesterov)
        for (Py_ssize_t i = 0; i < n; i++)
            LV_NAME(rule_one)(LERNMI_NESTEROV, 0, g[i], i, w, m, NULL, &rule);
    else
        for (Py_ssize_t i = 0; i < n; i++)
            LV_NAME(rule_one)(LERNMI_MOMENTUM, 0, g[i], i, w, m, NULL, &rule);
}

/* Adam: m[i] = b1 * m[i] + (1 - b1) * g[i] and v[i] = b2 * v[i] + (1 - b2) * g[i]^2, then
 * w[i] -= size * m[i] / (sqrt(v[i]) / root + eps) (size and root are the bias corrections,
 * see lernmi_rule). */
LERNMI_CLONES static void LV_NAME(adam)(LV_R *LERNMI_RESTRICT w, LV_R *LERNMI_RESTRICT m,
                                        LV_R *LERNMI_RESTRICT v, const LV_R *LERNMI_RESTRICT g,
                                        const LV_NAME(rule) *r, Py_ssize_t n)
{
    const LV_NAME(rule) rule = *r;
    for (Py_ssize_t i = 0; i < n; i++)
        LV_NAME(rule_one)(LERNMI_ADAM, 0, g[i], i, w, m, v, &rule);
}

/* lernmi_mean_step for one kind of rule, its batch a power of two or not: both constants
 * where it is called, so that each of its loops is compiled for one rule. */
LERNMI_INLINE int LV_NAME(mean_step_as)(int kind, int power_of_two, LV_R *LERNMI_RESTRICT w,
                                        LV_R *LERNMI_RESTRICT m, LV_R *LERNMI_RESTRICT v,
                                        LV_R *LERNMI_RESTRICT g, const LV_NAME(rule) *r,
                                        Py_ssize_t n)
{
    const LV_NAME(rule) rule = *r;        /* a copy that no store to w, m or v can change */
    const LV_R inverse = (LV_R)1.0 / rule.batch;
    int finite = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        g[i] = (power_of_two ? g[i] * inverse : g[i] / rule.batch) + rule.decay * w[i];
        const LV_R stepped = LV_NAME(rule_one)(kind, 0, g[i], i, w, m, v, &rule);
        finite &= stepped - stepped == (LV_R)0.0;  /* NaN for inf, NaN */
    }
    return finite;
}

/* One step of the rule r on gradients summed over a batch, in one pass over the weights:
 * g[i] = g[i] / batch + decay * w[i], the batch's mean plus weight decay (left in g), then
 * the rule's step as lernmi_rule_one takes it. Dividing by a power of two is multiplying by
 * its inverse, exactly (both are the one correctly rounded g[i] * 2^-k), and much faster;
 * any other batch size is divided by. Returns whether every weight stepped is finite. */
LERNMI_CLONES static int LV_NAME(mean_step)(LV_R *LERNMI_RESTRICT w, LV_R *LERNMI_RESTRICT m,
                                            LV_R *LERNMI_RESTRICT v, LV_R *LERNMI_RESTRICT g,
                                            const LV_NAME(rule) *r, Py_ssize_t n)
{
    int exponent;
    const int power_of_two = frexp((double)r->batch, &exponent) == 0.5;
    switch (r->kind * 2 + power_of_two) {
    case LERNMI_PLAIN * 2:     return LV_NAME(mean_step_as)(LERNMI_PLAIN, 0, w, m, v, g, r, n);
    case LERNMI_PLAIN * 2 + 1: return LV_NAME(mean_step_as)(LERNMI_PLAIN, 1, w, m, v, g, r, n);
    case LERNMI_MOMENTUM * 2:  return LV_NAME(mean_step_as)(LERNMI_MOMENTUM, 0, w, m, v, g, r, n);
    case LERNMI_MOMENTUM * 2 + 1:
        return LV_NAME(mean_step_as)(LERNMI_MOMENTUM, 1, w, m, v, g, r, n);
    case LERNMI_NESTEROV * 2:  return LV_NAME(mean_step_as)(LERNMI_NESTEROV, 0, w, m, v, g, r, n);
    case LERNMI_NESTEROV * 2 + 1:
        return LV_NAME(mean_step_as)(LERNMI_NESTEROV, 1, w, m, v, g, r, n);
    case LERNMI_ADAM * 2:      return LV_NAME(mean_step_as)(LERNMI_ADAM, 0, w, m, v, g, r, n);
    default:                   return LV_NAME(mean_step_as)(LERNMI_ADAM, 1, w, m, v, g, r, n);
    }
}

/* lernmi_step_dot for one kind of rule, decayed or not: both constants where it is called,
 * so that each of its loops is compiled for one rule. */
LERNMI_INLINE LV_R LV_NAME(step_dot_as)(int kind, int decayed, LV_R s,
                                        const LV_R *LERNMI_RESTRICT kept,
                                        LV_R *LERNMI_RESTRICT w, LV_R *LERNMI_RESTRICT m,
                                        LV_R *LERNMI_RESTRICT v,
                                        const LV_R *LERNMI_RESTRICT x, const LV_NAME(rule) *r,
                                        Py_ssize_t n)
{
    const LV_NAME(rule) rule = *r;        /* a copy that no store to w, m or v can change */
    LV_R lane[LERNMI_LANES] = {(LV_R)0.0};
    Py_ssize_t i = 0;
    for (; i + LERNMI_LANES <= n; i += LERNMI_LANES)
        for (int k = 0; k < LERNMI_LANES; k++)
            lane[k] += LV_NAME(rule_one)(kind, decayed, s * kept[i + k], i + k, w, m, v, &rule)
                       * x[i + k];
    for (int k = 0; i + k < n; k++)
        lane[k] += LV_NAME(rule_one)(kind, decayed, s * kept[i + k], i + k, w, m, v, &rule)
                   * x[i + k];
    LERNMI_ADD_LANES(lane);
    return lane[0];
}

/* One sample's step of a row of weights by its rule, and the next sample's sum, in one pass
 * over the row: the gradient g[i] = s * kept[i] (lernmi_scale), the step as lernmi_rule_one
 * takes it, m and v being the rule's numbers for the row, then the sum of w[i] * x[i] over
 * i < n as lernmi_dot takes it. (For plain gradient descent without decay learn_samples
 * takes lernmi_axpy_dot instead, which rounds -rate * s first, as a Link's step does.) */
LERNMI_CLONES static LV_R LV_NAME(step_dot)(LV_R s, const LV_R *LERNMI_RESTRICT kept,
                                            LV_R *LERNMI_RESTRICT w,
                                            LV_R *LERNMI_RESTRICT m,
                                            LV_R *LERNMI_RESTRICT v,
                                            const LV_R *LERNMI_RESTRICT x,
                                            const LV_NAME(rule) *r, Py_ssize_t n)
{
    int decayed = r->decay != (LV_R)0.0;
    switch (r->kind * 2 + decayed) {
    case 2 * LERNMI_PLAIN: return LV_NAME(step_dot_as)(LERNMI_PLAIN, 0, s, kept, w, m, v, x, r, n);
    case 2 * LERNMI_PLAIN + 1:
        return LV_NAME(step_dot_as)(LERNMI_PLAIN, 1, s, kept, w, m, v, x, r, n);
    case 2 * LERNMI_MOMENTUM:
        return LV_NAME(step_dot_as)(LERNMI_MOMENTUM, 0, s, kept, w, m, v, x, r, n);
    case 2 * LERNMI_MOMENTUM + 1:
        return LV_NAME(step_dot_as)(LERNMI_MOMENTUM, 1, s, kept, w, m, v, x, r, n);
    case 2 * LERNMI_NESTEROV:
        return LV_NAME(step_dot_as)(LERNMI_NESTEROV, 0, s, kept, w, m, v, x, r, n);
    case 2 * LERNMI_NESTEROV + 1:
        return LV_NAME(step_dot_as)(LERNMI_NESTEROV, 1, s, kept, w, m, v, x, r, n);
    case 2 * LERNMI_ADAM: return LV_NAME(step_dot_as)(LERNMI_ADAM, 0, s, kept, w, m, v, x, r, n);
    default: return LV_NAME(step_dot_as)(LERNMI_ADAM, 1, s, kept, w, m, v, x, r, n);
    }
}

#undef LV_NAME
#undef LV_PIECES
#undef LV_DOT_TILE_ON
#undef LV_GRADIENT_ON
#undef LV_TILES
#undef LV_PICK
#undef LV_AXPY_DOT_ONE
#undef LV_R
#undef LV_U
#undef LV_NAMED
#undef LV_TILE
#undef LV_LINE
#undef LV_W512
#undef LV_W256
#undef LV_W128
#undef LV_V512
#undef LV_V256
#undef LV_V128
#undef LV_V4
#undef LV_SHUFFLE
#undef LV_MIN
#undef LV_FABS
#undef LV_COPYSIGN
#undef LV_SQRT
#undef LV_EXP
