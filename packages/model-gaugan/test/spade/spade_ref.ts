/**
 * Plain-JS float64 NCHW references of SPADE's layers, written from the SPADE paper and
 * `normalization.py` / `architecture.py`, for checking the tfjs modules.
 */
import { conv2dRef, type Nchw } from '../../../core/test/reference_ops.js';
import type { RawStateDict } from '@translate/core';

const at = (t: Nchw, n: number, c: number, y: number, x: number) => t.data[((n * t.c + c) * t.h + y) * t.w + x]!;

/** `F.interpolate(mode='nearest')`: source index floor(dst · in / out). */
export function nearestRef(x: Nchw, h: number, w: number): Nchw {
  const out = new Float64Array(x.n * x.c * h * w);
  for (let n = 0; n < x.n; n++)
    for (let c = 0; c < x.c; c++)
      for (let y = 0; y < h; y++)
        for (let z = 0; z < w; z++)
          out[((n * x.c + c) * h + y) * w + z] = at(x, n, c, Math.floor((y * x.h) / h), Math.floor((z * x.w) / w));
  return { n: x.n, c: x.c, h, w, data: out };
}

/** Parameter-free normalisation over (H, W) per sample ('instance') or over (N, H, W) ('batch'), eps 1e-5, biased variance. */
export function paramFreeNormRef(x: Nchw, kind: 'instance' | 'batch'): Nchw {
  const out = new Float64Array(x.data.length);
  const groups = kind === 'instance' ? [...Array(x.n).keys()].map((n) => [n]) : [[...Array(x.n).keys()]];
  for (let c = 0; c < x.c; c++) {
    for (const ns of groups) {
      const values = ns.flatMap((n) => Array.from({ length: x.h * x.w }, (_, i) => at(x, n, c, Math.floor(i / x.w), i % x.w)));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      for (const n of ns)
        for (let i = 0; i < x.h * x.w; i++) {
          const k = (n * x.c + c) * x.h * x.w + i;
          out[k] = (x.data[k]! - mean) / Math.sqrt(variance + 1e-5);
        }
    }
  }
  return { ...x, data: out };
}

/** Element-wise map of one or more same-shaped arrays. */
export function mapRef(f: (...v: number[]) => number, ...xs: Nchw[]): Nchw {
  return { ...xs[0]!, data: xs[0]!.data.map((_, i) => f(...xs.map((x) => x.data[i]!))) };
}

/** A conv of a state dict (PyTorch layout): `prefix.weight`, optional `prefix.bias`, padding p. */
export function convOf(state: RawStateDict, prefix: string, x: Nchw, padding: number): Nchw {
  const w = state.get(`${prefix}.weight`)!;
  const bias = state.get(`${prefix}.bias`);
  const [co, , kh, kw] = w.shape as [number, number, number, number];
  return conv2dRef(x, Float64Array.from(w.data as Float32Array), [co, kh, kw], {
    padding: [padding, padding],
    ...(bias ? { bias: Float64Array.from(bias.data as Float32Array) } : {}),
  });
}

/** SPADE: norm(x)·(1 + γ) + β with γ, β from conv(relu(conv(nearest(segmap)))); `prefix` locates its keys. */
export function spadeRef(state: RawStateDict, prefix: string, x: Nchw, segmap: Nchw, kind: 'instance' | 'batch', k: number): Nchw {
  const p = Math.floor(k / 2);
  const actv = mapRef((v) => Math.max(0, v), convOf(state, `${prefix}mlp_shared.0`, nearestRef(segmap, x.h, x.w), p));
  const gamma = convOf(state, `${prefix}mlp_gamma`, actv, p);
  const beta = convOf(state, `${prefix}mlp_beta`, actv, p);
  return mapRef((v, g, b) => v * (1 + g) + b, paramFreeNormRef(x, kind), gamma, beta);
}
