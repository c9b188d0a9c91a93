/**
 * Plain-JS float64 references for the backend tests, written from the definitions (no tfjs code):
 * NHWC conv2d and its two adjoints, max pooling's gradient, and mirror padding as an index map.
 */

/** A dense NHWC (or any-rank, row-major) array with its shape. */
export interface Dense {
  shape: number[];
  data: Float64Array;
}

/** Deterministic values in [-1, 1) (xorshift). */
export function rand(shape: number[], seed: number): Dense {
  let s = seed >>> 0 || 1;
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return { shape, data };
}

/** Padding as the tests describe it. */
export type RefPad = 'same' | 'valid' | number | [[number, number], [number, number]];

/** Resolved geometry of one spatial dimension. */
export interface Dim {
  size: number;
  out: number;
  before: number;
  stride: number;
  dilation: number;
  filter: number;
}

/** TensorFlow's padding rules, per dimension (explicit pads give [before, after]). */
export function resolveDim(
  size: number,
  filter: number,
  stride: number,
  dilation: number,
  pad: number | 'same' | 'valid' | [number, number],
): Dim {
  const eff = (filter - 1) * dilation + 1;
  if (pad === 'same') {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + eff - size, 0);
    return { size, out, before: Math.floor(total / 2), stride, dilation, filter };
  }
  if (pad === 'valid') return { size, out: Math.floor((size - eff) / stride) + 1, before: 0, stride, dilation, filter };
  const [b, a] = typeof pad === 'number' ? [pad, pad] : pad;
  return { size, out: Math.floor((size + b + a - eff) / stride) + 1, before: b, stride, dilation, filter };
}

/** Geometry of a conv: x [n,H,W,ci], w [fh,fw,ci,co]. */
export interface Geom {
  n: number;
  ci: number;
  co: number;
  h: Dim;
  w: Dim;
}

export function geom(xShape: number[], wShape: number[], strides: [number, number], pad: RefPad, dilations: [number, number]): Geom {
  const [n, H, W, ci] = xShape as [number, number, number, number];
  const [fh, fw, , co] = wShape as [number, number, number, number];
  const ph = typeof pad === 'object' ? pad[0] : pad;
  const pw = typeof pad === 'object' ? pad[1] : pad;
  return {
    n,
    ci,
    co,
    h: resolveDim(H, fh, strides[0], dilations[0], ph),
    w: resolveDim(W, fw, strides[1], dilations[1], pw),
  };
}

/** Calls f(n, p, q, i, j, hIn, wIn) for every (output, tap) pair reading an in-range input. */
function forEachTap(g: Geom, f: (n: number, p: number, q: number, i: number, j: number, hh: number, ww: number) => void) {
  for (let n = 0; n < g.n; n++)
    for (let p = 0; p < g.h.out; p++)
      for (let q = 0; q < g.w.out; q++)
        for (let i = 0; i < g.h.filter; i++) {
          const hh = p * g.h.stride + i * g.h.dilation - g.h.before;
          if (hh < 0 || hh >= g.h.size) continue;
          for (let j = 0; j < g.w.filter; j++) {
            const ww = q * g.w.stride + j * g.w.dilation - g.w.before;
            if (ww < 0 || ww >= g.w.size) continue;
            f(n, p, q, i, j, hh, ww);
          }
        }
}

/** y = conv2d(x, w). */
export function convRef(x: Dense, w: Dense, g: Geom): Dense {
  const y = new Float64Array(g.n * g.h.out * g.w.out * g.co);
  forEachTap(g, (n, p, q, i, j, hh, ww) => {
    const yo = ((n * g.h.out + p) * g.w.out + q) * g.co;
    const xo = ((n * g.h.size + hh) * g.w.size + ww) * g.ci;
    for (let c = 0; c < g.ci; c++) {
      const xv = x.data[xo + c]!;
      const wo = ((i * g.w.filter + j) * g.ci + c) * g.co;
      for (let o = 0; o < g.co; o++) y[yo + o]! += xv * w.data[wo + o]!;
    }
  });
  return { shape: [g.n, g.h.out, g.w.out, g.co], data: y };
}

/** dx = adjoint of conv2d in x, applied to dy. */
export function convInputGradRef(dy: Dense, w: Dense, g: Geom): Dense {
  const dx = new Float64Array(g.n * g.h.size * g.w.size * g.ci);
  forEachTap(g, (n, p, q, i, j, hh, ww) => {
    const yo = ((n * g.h.out + p) * g.w.out + q) * g.co;
    const xo = ((n * g.h.size + hh) * g.w.size + ww) * g.ci;
    for (let c = 0; c < g.ci; c++) {
      const wo = ((i * g.w.filter + j) * g.ci + c) * g.co;
      let s = 0;
      for (let o = 0; o < g.co; o++) s += dy.data[yo + o]! * w.data[wo + o]!;
      dx[xo + c]! += s;
    }
  });
  return { shape: [g.n, g.h.size, g.w.size, g.ci], data: dx };
}

/** dW = adjoint of conv2d in w, applied to dy. */
export function convFilterGradRef(x: Dense, dy: Dense, g: Geom): Dense {
  const dw = new Float64Array(g.h.filter * g.w.filter * g.ci * g.co);
  forEachTap(g, (n, p, q, i, j, hh, ww) => {
    const yo = ((n * g.h.out + p) * g.w.out + q) * g.co;
    const xo = ((n * g.h.size + hh) * g.w.size + ww) * g.ci;
    for (let c = 0; c < g.ci; c++) {
      const xv = x.data[xo + c]!;
      const wo = ((i * g.w.filter + j) * g.ci + c) * g.co;
      for (let o = 0; o < g.co; o++) dw[wo + o]! += xv * dy.data[yo + o]!;
    }
  });
  return { shape: [g.h.filter, g.w.filter, g.ci, g.co], data: dw };
}

/** Gradient of max pooling (first maximum of each window in row-major order gets the gradient). */
export function maxPoolGradRef(x: Dense, dy: Dense, g: Geom): Dense {
  const C = g.ci;
  const dx = new Float64Array(x.data.length);
  for (let n = 0; n < g.n; n++)
    for (let p = 0; p < g.h.out; p++)
      for (let q = 0; q < g.w.out; q++)
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let at = -1;
          for (let i = 0; i < g.h.filter; i++) {
            const hh = p * g.h.stride + i - g.h.before;
            if (hh < 0 || hh >= g.h.size) continue;
            for (let j = 0; j < g.w.filter; j++) {
              const ww = q * g.w.stride + j - g.w.before;
              if (ww < 0 || ww >= g.w.size) continue;
              const idx = ((n * g.h.size + hh) * g.w.size + ww) * C + c;
              if (at < 0 || x.data[idx]! > best) {
                best = x.data[idx]!;
                at = idx;
              }
            }
          }
          if (at >= 0) dx[at]! += dy.data[((n * g.h.out + p) * g.w.out + q) * C + c]!;
        }
  return { shape: x.shape, data: dx };
}

/** Source index along one axis for padded position k (TensorFlow MirrorPad semantics). */
export function mirrorSource(k: number, n: number, before: number, mode: 'reflect' | 'symmetric'): number {
  const t = k - before;
  if (t >= 0 && t < n) return t;
  if (t < 0) return mode === 'reflect' ? -t : -t - 1;
  const over = t - n; // 0 for the first element past the end
  return mode === 'reflect' ? n - 2 - over : n - 1 - over;
}

/** Flat source index of every element of the padded array. */
export function mirrorIndexMap(
  shape: number[],
  paddings: Array<[number, number]>,
  mode: 'reflect' | 'symmetric',
): { outShape: number[]; map: Int32Array } {
  const outShape = shape.map((s, a) => s + paddings[a]![0] + paddings[a]![1]);
  const size = outShape.reduce((a, b) => a * b, 1);
  const map = new Int32Array(size);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < size; flat++) {
    let rem = flat;
    for (let a = rank - 1; a >= 0; a--) {
      idx[a] = rem % outShape[a]!;
      rem = Math.floor(rem / outShape[a]!);
    }
    let src = 0;
    for (let a = 0; a < rank; a++) src = src * shape[a]! + mirrorSource(idx[a]!, shape[a]!, paddings[a]![0], mode);
    map[flat] = src;
  }
  return { outShape, map };
}

/** Largest |a − b| divided by max(1e-6, largest |b|). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`size mismatch ${a.length} vs ${b.length}`);
  let m = 0;
  let scale = 1e-6;
  for (let i = 0; i < b.length; i++) {
    m = Math.max(m, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return m / scale;
}
