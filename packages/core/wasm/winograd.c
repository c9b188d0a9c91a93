/*
 * Winograd F(4x4, 3x3) convolution kernels (and a direct convolution as columns times filter, for
 * large filters on small outputs) for the tfjs wasm backend, compiled to a small
 * WebAssembly module that imports the backend's own memory: every pointer is a byte offset into
 * tfjs' wasm heap, so tensors are used in place. Build: packages/core/scripts/build-wasm.sh.
 *
 * Forward:          Y = A^T [ (G g G^T) . (B^T d B) ] A            per 6x6 input tile d, 4x4 output tile
 * Filter gradient:  dg = G^T [ sum_tiles (B^T d B) . (A dY A^T) ] G (the adjoint of the forward in g)
 * The sum over input channels (forward) or tiles (filter gradient) is one matrix product per each
 * of the 36 tile positions: wino_gemm.
 *
 * The input gradient is the forward with the flipped, in/out-swapped filter (wino_filter_flipped).
 *
 * Every function takes a [lo, hi) range of one dimension (channels, or positions for the products)
 * as its last two arguments, so that several threads can share a call. Tiles are processed in bands
 * of tile rows [r0, r1) over (image, tile row), so scratch stays bounded on large inputs.
 * Layouts: activations NHWC, filters HWIO [3][3][C][K], transformed data [36][T][C] (T = tiles of
 * the band), right operands of the products in panels of 8 columns, [36][cols/8][inner][8]; the
 * 36 planes of each are `plane` floats apart. Channel counts are multiples of 8.
 *
 * Built twice: plain SIMD, and with -DRELAXED for engines with relaxed SIMD (the products' multiply-adds
 * fused, one rounding instead of two); winograd_runtime.ts picks the one the engine runs.
 *
 * Constraints of sharing tfjs' memory: no static data and no use of the shadow stack (the module
 * has neither; check with `wasm-objdump -x`), so nothing outside the given buffers is written.
 */
#include <wasm_simd128.h>

typedef v128_t V;
typedef unsigned long size_t;
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define K(x) wasm_f32x4_splat(x)
#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store((p), (v))
#define EXPORT(name) __attribute__((export_name(#name))) void name
/* c + a*b: one fused multiply-add with relaxed SIMD (built with -DRELAXED -mrelaxed-simd), else two ops. */
#ifdef RELAXED
#define MADD(a, b, c) ((V)__builtin_wasm_relaxed_madd_f32x4((__f32x4)(a), (__f32x4)(b), (__f32x4)(c)))
#else
#define MADD(a, b, c) ADD((c), MUL((a), (b)))
#endif
#define UNROLL _Pragma("clang loop unroll(full)")

/* B^T d for one column of 6 vectors (in place on s0..s5). */
#define INPUT_1D(s0, s1, s2, s3, s4, s5)                                              \
  do {                                                                                \
    V w_t1 = SUB(s4, MUL(K(4.f), s2)), w_t2 = SUB(s3, MUL(K(4.f), s1));               \
    V w_t3 = SUB(s4, s2), w_t4 = MUL(K(2.f), SUB(s3, s1));                            \
    V w_r0 = ADD(SUB(MUL(K(4.f), s0), MUL(K(5.f), s2)), s4);                          \
    V w_r5 = ADD(SUB(MUL(K(4.f), s1), MUL(K(5.f), s3)), s5);                          \
    s0 = w_r0; s1 = ADD(w_t1, w_t2); s2 = SUB(w_t1, w_t2);                            \
    s3 = ADD(w_t3, w_t4); s4 = SUB(w_t3, w_t4); s5 = w_r5;                            \
  } while (0)

/* A^T m: 6 vectors to 4 (o0..o3). */
#define OUTPUT_1D(m0, m1, m2, m3, m4, m5, o0, o1, o2, o3)                             \
  do {                                                                                \
    V w_s12 = ADD(m1, m2), w_d12 = SUB(m1, m2);                                       \
    V w_s34 = ADD(m3, m4), w_d34 = SUB(m3, m4);                                       \
    o0 = ADD(ADD(m0, w_s12), w_s34);                                                  \
    o1 = ADD(w_d12, MUL(K(2.f), w_d34));                                              \
    o2 = ADD(w_s12, MUL(K(4.f), w_s34));                                              \
    o3 = ADD(ADD(w_d12, MUL(K(8.f), w_d34)), m5);                                     \
  } while (0)

/* A y: 4 vectors to 6 (the adjoint of OUTPUT_1D). */
#define OUTPUT_GRAD_1D(y0, y1, y2, y3, m0, m1, m2, m3, m4, m5)                        \
  do {                                                                                \
    V w_e = ADD(y0, y2), w_o = ADD(y1, y3);                                           \
    V w_e4 = ADD(y0, MUL(K(4.f), y2));                                                \
    V w_o8 = ADD(MUL(K(2.f), y1), MUL(K(8.f), y3));                                   \
    m0 = y0; m1 = ADD(w_e, w_o); m2 = SUB(w_e, w_o);                                  \
    m3 = ADD(w_e4, w_o8); m4 = SUB(w_e4, w_o8); m5 = y3;                              \
  } while (0)

/* G g: 3 vectors to 6. */
#define FILTER_1D(g0, g1, g2, f0, f1, f2, f3, f4, f5)                                 \
  do {                                                                                \
    V w_a = ADD(g0, g2);                                                              \
    V w_b = ADD(MUL(K(1.f / 24), g0), MUL(K(1.f / 6), g2));                           \
    f0 = MUL(K(0.25f), g0);                                                           \
    f1 = MUL(K(-1.f / 6), ADD(w_a, g1));                                              \
    f2 = MUL(K(-1.f / 6), SUB(w_a, g1));                                              \
    f3 = ADD(w_b, MUL(K(1.f / 12), g1));                                              \
    f4 = SUB(w_b, MUL(K(1.f / 12), g1));                                              \
    f5 = g2;                                                                          \
  } while (0)

/* G^T v: 6 vectors to 3 (the adjoint of FILTER_1D). */
#define FILTER_GRAD_1D(v0, v1, v2, v3, v4, v5, g0, g1, g2)                            \
  do {                                                                                \
    V w_s12 = ADD(v1, v2), w_d12 = SUB(v2, v1);                                       \
    V w_s34 = ADD(v3, v4), w_d34 = SUB(v3, v4);                                       \
    g0 = ADD(SUB(MUL(K(0.25f), v0), MUL(K(1.f / 6), w_s12)), MUL(K(1.f / 24), w_s34)); \
    g1 = ADD(MUL(K(1.f / 6), w_d12), MUL(K(1.f / 12), w_d34));                        \
    g2 = ADD(ADD(MUL(K(-1.f / 6), w_s12), MUL(K(1.f / 6), w_s34)), v5);               \
  } while (0)

/*
 * U[p][t][c] = (B^T d B)[p] for the 6x6 input tile d of every output tile t of tile rows [r0, r1),
 * channels [c0, c1). The tile at (ty, tx) of image b (row = b*th + ty) starts at input row
 * 4*ty - pad_t, column 4*tx - pad_l of x [b][h][w][c]; outside the input is zero.
 */
EXPORT(wino_input)(const float* x, int h, int w, int c, int pad_t, int pad_l, int th, int tw, int r0, int r1, float* u, int plane, int c0, int c1) {
  for (int row = r0; row < r1; row++)
    for (int tx = 0; tx < tw; tx++) {
        const int b = row / th, ty = row % th;
        const int y0 = ty * 4 - pad_t, x0 = tx * 4 - pad_l;
        const int inside = y0 >= 0 && x0 >= 0 && y0 + 6 <= h && x0 + 6 <= w;
        const float* base = x + (((size_t)b * h + y0) * w + x0) * c;
        float* out = u + ((size_t)(row - r0) * tw + tx) * c;
        for (int ch = c0; ch < c1; ch += 4) {
          V d[6][6];
          UNROLL for (int i = 0; i < 6; i++)
            UNROLL for (int j = 0; j < 6; j++) {
              const int ok = inside || (y0 + i >= 0 && y0 + i < h && x0 + j >= 0 && x0 + j < w);
              d[i][j] = ok ? LD(base + ((size_t)i * w + j) * c + ch) : K(0.f);
            }
          UNROLL for (int j = 0; j < 6; j++) INPUT_1D(d[0][j], d[1][j], d[2][j], d[3][j], d[4][j], d[5][j]);
          UNROLL for (int i = 0; i < 6; i++) INPUT_1D(d[i][0], d[i][1], d[i][2], d[i][3], d[i][4], d[i][5]);
          UNROLL for (int i = 0; i < 6; i++)
            UNROLL for (int j = 0; j < 6; j++) ST(out + (i * 6 + j) * plane + ch, d[i][j]);
        }
      }
}

/*
 * Y = A^T M A (+ bias, then ReLU when relu != 0) for output channels [k0, k1): M [36][T][k] of tile
 * rows [r0, r1) to the output tile's 4x4 positions that lie inside Y [n][oh][ow][k].
 */
EXPORT(wino_output)(const float* m, int plane, int oh, int ow, int k, int th, int tw, int r0, int r1, const float* bias, int relu, float* y, int k0, int k1) {
  for (int row = r0; row < r1; row++)
    for (int tx = 0; tx < tw; tx++) {
        const int b = row / th, ty = row % th;
        const float* in = m + ((size_t)(row - r0) * tw + tx) * k;
        float* base = y + (((size_t)b * oh + ty * 4) * ow + tx * 4) * k;
        const int rows = oh - ty * 4 < 4 ? oh - ty * 4 : 4, cols = ow - tx * 4 < 4 ? ow - tx * 4 : 4;
        for (int ch = k0; ch < k1; ch += 4) {
          V s[6][6], a[4][6], o[4][4];
          UNROLL for (int i = 0; i < 6; i++)
            UNROLL for (int j = 0; j < 6; j++) s[i][j] = LD(in + (i * 6 + j) * plane + ch);
          UNROLL for (int j = 0; j < 6; j++) OUTPUT_1D(s[0][j], s[1][j], s[2][j], s[3][j], s[4][j], s[5][j], a[0][j], a[1][j], a[2][j], a[3][j]);
          UNROLL for (int i = 0; i < 4; i++) OUTPUT_1D(a[i][0], a[i][1], a[i][2], a[i][3], a[i][4], a[i][5], o[i][0], o[i][1], o[i][2], o[i][3]);
          const V bv = bias ? LD(bias + ch) : K(0.f);
          UNROLL for (int i = 0; i < 4; i++)
            UNROLL for (int j = 0; j < 4; j++) {
              V v = ADD(o[i][j], bv);
              if (relu) v = wasm_f32x4_max(v, K(0.f));
              if (i < rows && j < cols) ST(base + ((size_t)i * ow + j) * k + ch, v);
            }
        }
      }
}

/*
 * dM = A dY A^T for output-gradient channels [k0, k1) (multiples of 8): dY [n][oh][ow][k] (zero beyond) to the
 * product's right operand layout, [36][k/8][T][8] (plane stride `plane`).
 */
EXPORT(wino_output_grad)(const float* dy, int oh, int ow, int k, int th, int tw, int r0, int r1, float* dm, int plane, int k0, int k1) {
  const size_t tiles = (size_t)(r1 - r0) * tw;
  // One 8-channel panel at a time, so consecutive tiles write consecutive 32-byte rows.
  for (int kb = k0; kb < k1; kb += 8)
    for (int row = r0; row < r1; row++)
      for (int tx = 0; tx < tw; tx++) {
          const int b = row / th, ty = row % th;
          const float* base = dy + (((size_t)b * oh + ty * 4) * ow + tx * 4) * k;
          const size_t t = (size_t)(row - r0) * tw + tx;
          const int rows = oh - ty * 4 < 4 ? oh - ty * 4 : 4, cols = ow - tx * 4 < 4 ? ow - tx * 4 : 4;
          for (int ch = kb; ch < kb + 8; ch += 4) {
            V s[4][4], a[6][4], o[6][6];
            UNROLL for (int i = 0; i < 4; i++)
              UNROLL for (int j = 0; j < 4; j++) s[i][j] = i < rows && j < cols ? LD(base + ((size_t)i * ow + j) * k + ch) : K(0.f);
            UNROLL for (int j = 0; j < 4; j++) OUTPUT_GRAD_1D(s[0][j], s[1][j], s[2][j], s[3][j], a[0][j], a[1][j], a[2][j], a[3][j], a[4][j], a[5][j]);
            UNROLL for (int i = 0; i < 6; i++) OUTPUT_GRAD_1D(a[i][0], a[i][1], a[i][2], a[i][3], o[i][0], o[i][1], o[i][2], o[i][3], o[i][4], o[i][5]);
            float* out = dm + (size_t)(kb >> 3) * tiles * 8 + t * 8 + (ch - kb);
            UNROLL for (int i = 0; i < 6; i++)
              UNROLL for (int j = 0; j < 6; j++) ST(out + (size_t)(i * 6 + j) * plane, o[i][j]);
          }
        }
}

/*
 * V = G g G^T for input channels [c0, c1): g is HWIO [3][3][c][k]; V in the product's right operand
 * layout, [36][k/8][c][8] (plane stride `plane`).
 */
EXPORT(wino_filter)(const float* g, int c, int k, float* v, int plane, int c0, int c1) {
  const size_t taps = (size_t)c * k;
  // One 8-channel panel at a time, so consecutive input channels write consecutive 32-byte rows.
  for (int kb = 0; kb < k; kb += 8)
    for (int ci = c0; ci < c1; ci++)
      for (int ch = kb; ch < kb + 8; ch += 4) {
        V s[3][3], a[6][3], f[6][6];
        UNROLL for (int i = 0; i < 3; i++)
          UNROLL for (int j = 0; j < 3; j++) s[i][j] = LD(g + (i * 3 + j) * taps + (size_t)ci * k + ch);
        UNROLL for (int j = 0; j < 3; j++) FILTER_1D(s[0][j], s[1][j], s[2][j], a[0][j], a[1][j], a[2][j], a[3][j], a[4][j], a[5][j]);
        UNROLL for (int i = 0; i < 6; i++) FILTER_1D(a[i][0], a[i][1], a[i][2], f[i][0], f[i][1], f[i][2], f[i][3], f[i][4], f[i][5]);
        float* out = v + (size_t)(kb >> 3) * c * 8 + (size_t)ci * 8 + (ch - kb);
        UNROLL for (int i = 0; i < 6; i++)
          UNROLL for (int j = 0; j < 6; j++) ST(out + (size_t)(i * 6 + j) * plane, f[i][j]);
      }
}

/*
 * V' = G g' G^T for the input gradient's filter g'[i][j][k][c] = g[2-i][2-j][c][k] (flipped, input
 * and output swapped) of HWIO g [3][3][c][k], for its output channels c in [c0, c1) (multiples of 8),
 * in the product's right operand layout [36][c/8][k][8] (plane stride `plane`).
 */
EXPORT(wino_filter_flipped)(const float* g, int c, int k, float* v, int plane, int c0, int c1) {
  const size_t taps = (size_t)c * k;
  for (int cb = c0; cb < c1; cb += 8)
    for (int ko = 0; ko < k; ko++)
      for (int half = 0; half < 8; half += 4) {
        V s[3][3], a[6][3], f[6][6];
        const float* src = g + (size_t)(cb + half) * k + ko;
        UNROLL for (int i = 0; i < 3; i++)
          UNROLL for (int j = 0; j < 3; j++) {
            const float* t = src + ((2 - i) * 3 + (2 - j)) * taps;
            s[i][j] = wasm_f32x4_make(t[0], t[k], t[2 * k], t[3 * k]);
          }
        UNROLL for (int j = 0; j < 3; j++) FILTER_1D(s[0][j], s[1][j], s[2][j], a[0][j], a[1][j], a[2][j], a[3][j], a[4][j], a[5][j]);
        UNROLL for (int i = 0; i < 6; i++) FILTER_1D(a[i][0], a[i][1], a[i][2], f[i][0], f[i][1], f[i][2], f[i][3], f[i][4], f[i][5]);
        float* out = v + (size_t)(cb >> 3) * k * 8 + (size_t)ko * 8 + half;
        UNROLL for (int i = 0; i < 6; i++)
          UNROLL for (int j = 0; j < 6; j++) ST(out + (size_t)(i * 6 + j) * plane, f[i][j]);
      }
}

/* dg = G^T dV G for input channels [c0, c1): dV [36][c][k] (plane stride `plane`) to HWIO [3][3][c][k]. */
EXPORT(wino_filter_grad)(const float* dv, int plane, int c, int k, float* dg, int c0, int c1) {
  const size_t taps = (size_t)c * k;
  for (int ci = c0; ci < c1; ci++)
    for (int ch = 0; ch < k; ch += 4) {
      V s[6][6], a[3][6], o[3][3];
      UNROLL for (int i = 0; i < 6; i++)
        UNROLL for (int j = 0; j < 6; j++) s[i][j] = LD(dv + (size_t)(i * 6 + j) * plane + (size_t)ci * k + ch);
      UNROLL for (int j = 0; j < 6; j++) FILTER_GRAD_1D(s[0][j], s[1][j], s[2][j], s[3][j], s[4][j], s[5][j], a[0][j], a[1][j], a[2][j]);
      UNROLL for (int i = 0; i < 3; i++) FILTER_GRAD_1D(a[i][0], a[i][1], a[i][2], a[i][3], a[i][4], a[i][5], o[i][0], o[i][1], o[i][2]);
      UNROLL for (int i = 0; i < 3; i++)
        UNROLL for (int j = 0; j < 3; j++) ST(dg + (i * 3 + j) * taps + (size_t)ci * k + ch, o[i][j]);
    }
}

/* Rows per block of the product: 4 x 8 keeps 8 accumulators in registers (57 GFLOP/s on one core
 * measured); 5 or 6 rows spill (28-32 GFLOP/s), also with relaxed SIMD's fused multiply-add (which
 * makes a Winograd-heavy CycleGAN step about 7 % faster on its own). */
#define GEMM_ROWS 4

/* Rows [i, i + R) of C = A B for columns [j, j + 8): A element (r, l) at a[r * ars + l * acs]. */
#define GEMM_BLOCK(R)                                                                \
  do {                                                                                \
    V acc0[R], acc1[R];                                                               \
    UNROLL for (int r = 0; r < R; r++) {                                              \
      acc0[r] = accumulate ? LD(cp + (size_t)(i + r) * ldc + j) : K(0.f);             \
      acc1[r] = accumulate ? LD(cp + (size_t)(i + r) * ldc + j + 4) : K(0.f);         \
    }                                                                                 \
    const float* ap = a + (size_t)i * ars;                                            \
    const float* bp = panel;                                                          \
    for (int l = 0; l < inner; l++, ap += acs, bp += bstep) {                         \
      const V b0 = LD(bp), b1 = LD(bp + 4);                                           \
      UNROLL for (int r = 0; r < R; r++) {                                            \
        const V av = wasm_v128_load32_splat(ap + (size_t)r * ars);                    \
        acc0[r] = MADD(av, b0, acc0[r]);                                              \
        acc1[r] = MADD(av, b1, acc1[r]);                                              \
      }                                                                               \
    }                                                                                 \
    UNROLL for (int r = 0; r < R; r++) {                                              \
      ST(cp + (size_t)(i + r) * ldc + j, acc0[r]);                                    \
      ST(cp + (size_t)(i + r) * ldc + j + 4, acc1[r]);                                \
    }                                                                                 \
  } while (0)

/*
 * For each position p in [p0, p1): C_p = A_p B_p. A_p is rows x inner with element (r, l) at
 * a + p*apl + r*ars + l*acs (so either layout of A); B_p is inner x cols at b + p*bpl, its 8-column
 * panel j/8 starting at j*bjs and its rows bstep apart (packed panels [cols/8][inner][8]: bjs = inner,
 * bstep = 8; row-major with row stride ldb: bjs = 1, bstep = ldb); C_p is rows x cols, row stride
 * ldc, at c + p*cpl; with accumulate != 0, C_p += A_p B_p. cols is a multiple of 8.
 */
EXPORT(wino_gemm)(const float* a0, int apl, int ars, int acs, const float* b0, int bpl, int bjs, int bstep, float* c0, int cpl,
                  int ldc, int rows, int cols, int inner, int accumulate, int p0, int p1) {
  for (int p = p0; p < p1; p++) {
    const float* a = a0 + (size_t)p * apl;
    float* cp = c0 + (size_t)p * cpl;
    for (int j = 0; j < cols; j += 8) {
      const float* panel = b0 + (size_t)p * bpl + (size_t)j * bjs;
      int i = 0;
      for (; i + GEMM_ROWS <= rows; i += GEMM_ROWS) GEMM_BLOCK(GEMM_ROWS);
      for (; i < rows; i++) GEMM_BLOCK(1);
    }
  }
}

/*
 * The columns of a direct convolution, rows [r0, r1) of cols [n*oh*ow][fh*fw*c] (row r = output
 * position (b, oy, ox), tap-major then channel, zero where the tap reads padding) from x [n][h][w][c],
 * c a multiple of 4: the left operand of y = cols W with W the HWIO filter read as [fh*fw*c][k].
 */
EXPORT(conv_columns)(const float* x, int h, int w, int c, int fh, int fw, int sh, int sw, int dh, int dw, int top, int left,
                     int oh, int ow, float* cols, int r0, int r1) {
  const size_t inner = (size_t)fh * fw * c;
  for (int r = r0; r < r1; r++) {
    const int b = r / (oh * ow), oy = r / ow % oh, ox = r % ow;
    float* out = cols + (size_t)r * inner;
    for (int i = 0; i < fh; i++)
      for (int j = 0; j < fw; j++, out += c) {
        const int y = oy * sh - top + i * dh, xx = ox * sw - left + j * dw;
        if (y < 0 || y >= h || xx < 0 || xx >= w) {
          for (int ch = 0; ch < c; ch += 4) ST(out + ch, K(0.f));
        } else {
          const float* in = x + (((size_t)b * h + y) * w + xx) * c;
          for (int ch = 0; ch < c; ch += 4) ST(out + ch, LD(in + ch));
        }
      }
  }
}

/* y[r][ch] += bias[ch] (when bias is not null), then max(0, .) when relu != 0, for rows [r0, r1) of y [rows][k]. */
EXPORT(bias_act)(float* y, int k, const float* bias, int relu, int r0, int r1) {
  for (int r = r0; r < r1; r++)
    for (int ch = 0; ch < k; ch += 4) {
      float* p = y + (size_t)r * k + ch;
      V v = LD(p);
      if (bias) v = ADD(v, LD(bias + ch));
      if (relu) v = wasm_f32x4_max(v, K(0.f));
      ST(p, v);
    }
}
