/** One image through an exported generator: padding, tiling or not, and the network call per tile. */
import { tf } from '@translate/core/tf';
import type { Module } from '@translate/core/nn';
import type { GeneratorClass, Preprocessing } from './manifest.js';
import { cropTopLeft, padEdges, type FloatImage } from './pixels.js';
import { runTiled } from './tiling.js';

/** The network call of a generator class on an NHWC batch (SPADE-style ones take `{ segmap }`, SRResNet its low-memory `infer`). */
export function networkCall(module: Module<any, any>, cls: GeneratorClass): (x: tf.Tensor4D) => tf.Tensor4D {
  if (cls === 'SPADEGenerator' || cls === 'Pix2PixHDGenerator') return (x) => module.forward({ segmap: x });
  if (cls === 'SRResNetGenerator') return (x) => (module as unknown as { infer(x: tf.Tensor4D): tf.Tensor4D }).infer(x);
  return (x) => module.forward(x);
}

/** How to run: the manifest's preprocessing, optionally a different tile side (0: never tile), and progress. */
export interface InferenceOptions {
  preprocessing: Preprocessing;
  tile?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs `call` on `input` (float HWC in the network's range) and returns the output at input size ×
 * scale: sides padded up to the size multiple (or the fixed size) by repeating edges, tiled when
 * larger than a tile, the padding cut off again.
 */
export async function infer(call: (x: tf.Tensor4D) => tf.Tensor4D, input: FloatImage, options: InferenceOptions): Promise<FloatImage> {
  const p = options.preprocessing;
  const tile = options.tile ?? p.tile;
  const m = p.sizeMultiple;
  const [minH, minW] = p.fixedSize ?? [1, 1];
  const height = Math.max(minH, Math.ceil(input.height / m) * m);
  const width = Math.max(minW, Math.ceil(input.width / m) * m);
  const padded = padEdges(input, height, width);
  const runOne = async (piece: FloatImage): Promise<FloatImage> => {
    const y = tf.tidy(() => call(tf.tensor4d(piece.data, [1, piece.height, piece.width, piece.channels])));
    const data = (await y.data()) as Float32Array;
    const [, h, w, c] = y.shape;
    y.dispose();
    return { data, height: h, width: w, channels: c };
  };
  const fits = tile <= 0 || (height <= tile && width <= tile);
  const output = fits
    ? await runOne(padded).then((out) => {
        options.onProgress?.(1, 1);
        return out;
      })
    : await runTiled(runOne, padded, { tile, overlap: p.overlap, scale: p.scale, onProgress: options.onProgress });
  return cropTopLeft(output, input.height * p.scale, input.width * p.scale);
}
