/**
 * The bicubic baseline of SR evaluation: Pillow's `Image.resize(BICUBIC)` enlargement (Keys cubic,
 * a = −0.5, pixel centres aligned, the window clipped at the border and renormalised), computed in
 * float on both axes and rounded to 8 bits once at the end. Plain JavaScript over the pixels, so a
 * large image costs no more memory than its result.
 */
import { tf } from '@translate/core';

/** Keys' cubic convolution kernel with a = −0.5 (Pillow's `bicubic_filter`). */
function cubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

/** Per output index: the first input index and the normalised weights of its window (Pillow's `precompute_coeffs`). */
function coefficients(inSize: number, outSize: number): Array<{ start: number; weights: Float64Array }> {
  const scale = inSize / outSize;
  const support = 2 * Math.max(scale, 1);
  const filterScale = Math.max(scale, 1);
  return Array.from({ length: outSize }, (_, o) => {
    const centre = (o + 0.5) * scale;
    const start = Math.max(Math.trunc(centre - support + 0.5), 0);
    const end = Math.min(Math.trunc(centre + support + 0.5), inSize);
    const weights = Float64Array.from({ length: end - start }, (_, k) => cubic((k + start - centre + 0.5) / filterScale));
    const sum = weights.reduce((s, w) => s + w, 0);
    return { start, weights: weights.map((w) => w / sum) };
  });
}

/**
 * Bicubic resize of an NHWC batch in [0, 1] to `scale`× its size, quantised to 8-bit levels
 * (round(v·255)/255, clipped), as a baseline image saved as PNG would be.
 */
export function bicubicUpscale(batch: tf.Tensor4D, scale: number): tf.Tensor4D {
  const [n, h, w, c] = batch.shape;
  const [outH, outW] = [h * scale, w * scale];
  const src = batch.dataSync() as Float32Array;
  const along = { x: coefficients(w, outW), y: coefficients(h, outH) };
  const out = new Float32Array(n * outH * outW * c);
  const rows = new Float64Array(h * outW * c);
  for (let b = 0; b < n; b++) {
    const base = b * h * w * c;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < outW; x++) {
        const { start, weights } = along.x[x]!;
        for (let ch = 0; ch < c; ch++) {
          let s = 0;
          for (let k = 0; k < weights.length; k++) s += weights[k]! * src[base + (y * w + start + k) * c + ch]!;
          rows[(y * outW + x) * c + ch] = s;
        }
      }
    const outBase = b * outH * outW * c;
    for (let y = 0; y < outH; y++) {
      const { start, weights } = along.y[y]!;
      for (let i = 0; i < outW * c; i++) {
        let s = 0;
        for (let k = 0; k < weights.length; k++) s += weights[k]! * rows[(start + k) * outW * c + i]!;
        out[outBase + y * outW * c + i] = Math.min(255, Math.max(0, Math.round(s * 255))) / 255;
      }
    }
  }
  return tf.tensor4d(out, [n, outH, outW, c]);
}
