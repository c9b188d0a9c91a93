/**
 * Independent plain-JS implementations of PyTorch layer semantics on NCHW / OIHW float64 arrays,
 * written from the PyTorch documentation formulas, used to check our tfjs layers.
 */

/** A dense NCHW array. */
export interface Nchw {
  n: number;
  c: number;
  h: number;
  w: number;
  data: Float64Array;
}

/** Deterministic pseudo-random values in [-1, 1). */
export function randomArray(size: number, seed: number): Float64Array {
  let s = seed >>> 0 || 1;
  return Float64Array.from({ length: size }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 4294967296) * 2 - 1;
  });
}

/** Builds an NCHW array of random values. */
export function randomNchw(n: number, c: number, h: number, w: number, seed: number): Nchw {
  return { n, c, h, w, data: randomArray(n * c * h * w, seed) };
}

const at = (t: Nchw, n: number, c: number, y: number, x: number) => t.data[((n * t.c + c) * t.h + y) * t.w + x]!;

/** `nn.Conv2d` forward with zero padding: weight OIHW [co, ci, kh, kw]. */
export function conv2dRef(
  x: Nchw,
  weight: Float64Array,
  [co, kh, kw]: [number, number, number],
  {
    stride = [1, 1],
    padding = [0, 0],
    dilation = [1, 1],
    bias,
  }: { stride?: number[]; padding?: number[]; dilation?: number[]; bias?: Float64Array },
): Nchw {
  const [sh, sw] = stride as [number, number];
  const [ph, pw] = padding as [number, number];
  const [dh, dw] = dilation as [number, number];
  const oh = Math.floor((x.h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((x.w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  const out = new Float64Array(x.n * co * oh * ow);
  for (let n = 0; n < x.n; n++)
    for (let o = 0; o < co; o++)
      for (let y = 0; y < oh; y++)
        for (let z = 0; z < ow; z++) {
          let acc = bias ? bias[o]! : 0;
          for (let i = 0; i < x.c; i++)
            for (let a = 0; a < kh; a++)
              for (let b = 0; b < kw; b++) {
                const iy = y * sh - ph + a * dh;
                const ix = z * sw - pw + b * dw;
                if (iy < 0 || iy >= x.h || ix < 0 || ix >= x.w) continue;
                acc += at(x, n, i, iy, ix) * weight[((o * x.c + i) * kh + a) * kw + b]!;
              }
          out[((n * co + o) * oh + y) * ow + z] = acc;
        }
  return { n: x.n, c: co, h: oh, w: ow, data: out };
}

/** `nn.ConvTranspose2d` forward: weight [ci, co, kh, kw]; output (H−1)s − 2p + k + op. */
export function convTranspose2dRef(
  x: Nchw,
  weight: Float64Array,
  [co, kh, kw]: [number, number, number],
  { stride, padding, outputPadding, bias }: { stride: number; padding: number; outputPadding: number; bias?: Float64Array },
): Nchw {
  const oh = (x.h - 1) * stride - 2 * padding + kh + outputPadding;
  const ow = (x.w - 1) * stride - 2 * padding + kw + outputPadding;
  const out = new Float64Array(x.n * co * oh * ow);
  for (let n = 0; n < x.n; n++)
    for (let o = 0; o < co; o++) for (let k = 0; k < oh * ow; k++) out[(n * co + o) * oh * ow + k] = bias ? bias[o]! : 0;
  for (let n = 0; n < x.n; n++)
    for (let i = 0; i < x.c; i++)
      for (let y = 0; y < x.h; y++)
        for (let z = 0; z < x.w; z++)
          for (let o = 0; o < co; o++)
            for (let a = 0; a < kh; a++)
              for (let b = 0; b < kw; b++) {
                const oy = y * stride - padding + a;
                const ox = z * stride - padding + b;
                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                out[((n * co + o) * oh + oy) * ow + ox]! += at(x, n, i, y, z) * weight[((i * co + o) * kh + a) * kw + b]!;
              }
  return { n: x.n, c: co, h: oh, w: ow, data: out };
}

/** Index of the source pixel for padding mode at position p (may be out of range) of a side of length len. */
export function padIndex(p: number, len: number, mode: 'reflect' | 'replicate'): number {
  if (mode === 'replicate') return Math.min(len - 1, Math.max(0, p));
  if (p < 0) return -p;
  if (p >= len) return 2 * (len - 1) - p;
  return p;
}

/** ReflectionPad2d / ReplicationPad2d with widths (left, right, top, bottom). */
export function pad2dRef(x: Nchw, [l, r, t, b]: number[], mode: 'reflect' | 'replicate'): Nchw {
  const h = x.h + t! + b!;
  const w = x.w + l! + r!;
  const out = new Float64Array(x.n * x.c * h * w);
  for (let n = 0; n < x.n; n++)
    for (let c = 0; c < x.c; c++)
      for (let y = 0; y < h; y++)
        for (let z = 0; z < w; z++)
          out[((n * x.c + c) * h + y) * w + z] = at(x, n, c, padIndex(y - t!, x.h, mode), padIndex(z - l!, x.w, mode));
  return { n: x.n, c: x.c, h, w, data: out };
}

/** Converts a float64 NCHW array to a float32 NHWC array (for tfjs). */
export function toNhwc(x: Nchw): Float32Array {
  const out = new Float32Array(x.data.length);
  for (let n = 0; n < x.n; n++)
    for (let c = 0; c < x.c; c++)
      for (let y = 0; y < x.h; y++) for (let z = 0; z < x.w; z++) out[((n * x.h + y) * x.w + z) * x.c + c] = at(x, n, c, y, z);
  return out;
}

/** OIHW float64 weight → HWIO float32 (tfjs conv2d filter). */
export function oihwToHwio(wt: Float64Array, [o, i, kh, kw]: number[]): Float32Array {
  const out = new Float32Array(wt.length);
  for (let a = 0; a < o!; a++)
    for (let b = 0; b < i!; b++)
      for (let y = 0; y < kh!; y++)
        for (let z = 0; z < kw!; z++) out[((y * kw! + z) * i! + b) * o! + a] = wt[((a * i! + b) * kh! + y) * kw! + z]!;
  return out;
}
