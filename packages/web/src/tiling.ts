/**
 * Tiled inference with linear blending. Tiles of `tile` input pixels overlap their neighbours by at
 * least `overlap`; each output pixel is the weighted mean of the tiles covering it, a tile's weight
 * rising linearly from 0 at overlap/4 to 1 at 3·overlap/4 from its inner edges (image borders are no
 * edges). A pixel is thus only taken from tiles whose inner edges are over overlap/4 away: with
 * overlap/4 at least the network's receptive radius, tiled equals untiled; otherwise seams fade
 * smoothly instead of jumping.
 */
import type { FloatImage } from './pixels.js';

/** Tile starts along one axis: evenly spread, the first at 0 and the last flush with the end. */
export function tileStarts(size: number, tile: number, overlap: number): number[] {
  if (size <= tile) return [0];
  const count = Math.ceil((size - overlap) / (tile - overlap));
  return Array.from({ length: count }, (_, i) => Math.round((i * (size - tile)) / (count - 1)));
}

/** A tile's blending weight along one axis at input coordinate `at` (may be fractional for ×scale outputs). */
export function axisWeight(at: number, start: number, tile: number, size: number, overlap: number): number {
  const ramp = (distance: number) => Math.min(1, Math.max(0, (distance - overlap / 4) / (overlap / 2)));
  const fromStart = start === 0 ? Infinity : at - start + 0.5;
  const fromEnd = start + tile >= size ? Infinity : start + tile - 0.5 - at;
  return Math.min(ramp(fromStart), ramp(fromEnd));
}

/** How to tile one image. */
export interface TileOptions {
  tile: number;
  overlap: number;
  /** Output pixels per input pixel. */
  scale: number;
  /** Called after every tile with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** Runs `run` (input tile → output tile, both HWC) over the tiles of `input` and blends the results. */
export async function runTiled(
  run: (tile: FloatImage) => Promise<FloatImage>,
  input: FloatImage,
  options: TileOptions,
): Promise<FloatImage> {
  const { tile, overlap, scale } = options;
  const ys = tileStarts(input.height, tile, overlap);
  const xs = tileStarts(input.width, tile, overlap);
  const [th, tw] = [Math.min(tile, input.height), Math.min(tile, input.width)];
  const [outH, outW] = [input.height * scale, input.width * scale];
  let sum: Float32Array | null = null;
  const weights = new Float32Array(outH * outW);
  let channels = 0;
  let done = 0;
  for (const y0 of ys) {
    for (const x0 of xs) {
      const result = await run(cut(input, y0, x0, th, tw));
      channels = result.channels;
      sum ??= new Float32Array(outH * outW * channels);
      for (let r = 0; r < th * scale; r++) {
        const wy = axisWeight(y0 + (r + 0.5) / scale - 0.5, y0, th, input.height, overlap);
        if (wy === 0) continue;
        for (let c = 0; c < tw * scale; c++) {
          const w = wy * axisWeight(x0 + (c + 0.5) / scale - 0.5, x0, tw, input.width, overlap);
          if (w === 0) continue;
          const at = (y0 * scale + r) * outW + x0 * scale + c;
          weights[at]! += w;
          for (let k = 0; k < channels; k++) sum[at * channels + k]! += w * result.data[(r * tw * scale + c) * channels + k]!;
        }
      }
      options.onProgress?.(++done, ys.length * xs.length);
    }
  }
  for (let i = 0; i < weights.length; i++) for (let k = 0; k < channels; k++) sum![i * channels + k]! /= weights[i]!;
  return { data: sum!, width: outW, height: outH, channels };
}

function cut(image: FloatImage, y0: number, x0: number, height: number, width: number): FloatImage {
  const { channels } = image;
  const out = new Float32Array(height * width * channels);
  for (let r = 0; r < height; r++) {
    const from = ((y0 + r) * image.width + x0) * channels;
    out.set(image.data.subarray(from, from + width * channels), r * width * channels);
  }
  return { data: out, width, height, channels };
}
