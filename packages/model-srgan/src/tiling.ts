/**
 * Tiled inference: the low-resolution input is cut into `tile`×`tile` squares, each run through the
 * generator with `overlap` pixels of context on every side (cut away again from the output), and
 * the outputs are written into one buffer. Peak memory is the buffer plus one tile's activations,
 * whatever the image size; with an overlap of at least the generator's receptive radius, the
 * result equals untiled inference.
 */
import { tf } from '@translate/core';

/** A generator call: input [N, H, W, C] → a new output [N, H·s, W·s, C'] (the input stays the caller's). */
export type Generate = (input: tf.Tensor4D) => tf.Tensor4D;

/** How to tile. */
export interface TileOptions {
  /** Side of a tile in input pixels; 0 runs the whole image at once. */
  tile: number;
  /** Input pixels of context added around each tile (clipped at the image border). */
  overlap: number;
  /** Output pixels per input pixel. */
  scale: number;
}

/** Runs `generate` tile by tile (e.g. `(x) => g.infer(x)`); see the module comment. */
export function runTiled(generate: Generate, input: tf.Tensor4D, options: TileOptions): tf.Tensor4D {
  const { tile, overlap, scale } = options;
  const [n, h, w, c] = input.shape;
  if (tile <= 0 || (h <= tile && w <= tile)) return generate(input);
  let out: Float32Array | null = null;
  let channels = 0;
  const [outH, outW] = [h * scale, w * scale];
  for (let y0 = 0; y0 < h; y0 += tile) {
    for (let x0 = 0; x0 < w; x0 += tile) {
      const [y1, x1] = [Math.min(y0 + tile, h), Math.min(x0 + tile, w)];
      const [cy0, cx0] = [Math.max(0, y0 - overlap), Math.max(0, x0 - overlap)];
      const [cy1, cx1] = [Math.min(h, y1 + overlap), Math.min(w, x1 + overlap)];
      const piece = tf.tidy(() => {
        const context = tf.slice(input, [0, cy0, cx0, 0], [n, cy1 - cy0, cx1 - cx0, c]);
        const y = generate(context);
        return tf.slice(y, [0, (y0 - cy0) * scale, (x0 - cx0) * scale, 0], [n, (y1 - y0) * scale, (x1 - x0) * scale, y.shape[3]]);
      });
      channels = piece.shape[3];
      out ??= new Float32Array(n * outH * outW * channels);
      const values = piece.dataSync() as Float32Array;
      piece.dispose();
      const [th, tw] = [(y1 - y0) * scale, (x1 - x0) * scale];
      for (let b = 0; b < n; b++)
        for (let r = 0; r < th; r++) {
          const from = (b * th + r) * tw * channels;
          out.set(values.subarray(from, from + tw * channels), ((b * outH + y0 * scale + r) * outW + x0 * scale) * channels);
        }
    }
  }
  return tf.tensor4d(out!, [n, outH, outW, channels]);
}
