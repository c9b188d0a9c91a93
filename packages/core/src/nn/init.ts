/**
 * Weight initialisation, as PyTorch and the reference do it: layer defaults (PyTorch's
 * kaiming-uniform with a = √5) and the reference's `--init_type normal|xavier|kaiming|orthogonal`.
 * Fans are computed from the PyTorch layout of each weight, so the statistics match PyTorch's.
 */
import { tf } from '../tf.js';
import { globalRng } from '../random.js';
import { OptionError, unknownNameMessage } from '../errors.js';

/** Fan-in and fan-out of a weight given its PyTorch shape (dim 1 is fan-in, as `torch.nn.init` reads it). */
export function torchFans(torchShape: readonly number[]): { fanIn: number; fanOut: number } {
  const receptive = torchShape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: (torchShape[1] ?? 1) * receptive, fanOut: (torchShape[0] ?? 1) * receptive };
}

/** Uniform tensor in [-bound, bound) from the seeded global generator. */
export function uniformTensor(shape: number[], bound: number): tf.Tensor {
  return tf.randomUniform(shape, -bound, bound, 'float32', globalRng().nextSeed());
}

/** Normal tensor N(mean, std²) from the seeded global generator. */
export function normalTensor(shape: number[], mean: number, std: number): tf.Tensor {
  return tf.randomNormal(shape, mean, std, 'float32', globalRng().nextSeed());
}

/** The init types of the reference's `--init_type`. */
export const INIT_TYPES = ['normal', 'xavier', 'kaiming', 'orthogonal'] as const;
/** One of `INIT_TYPES`. */
export type InitType = (typeof INIT_TYPES)[number];

/**
 * A weight drawn as the reference's `init_weights` draws it for Conv/Linear layers, returned in
 * PyTorch layout (row-major over `torchShape`); callers convert it to their own layout.
 */
export function initWeightTorchLayout(torchShape: number[], type: string, gain: number): Float32Array {
  const { fanIn, fanOut } = torchFans(torchShape);
  const size = torchShape.reduce((a, b) => a * b, 1);
  const draw = (std: number) => tf.tidy(() => normalTensor([size], 0, std).dataSync() as Float32Array);
  switch (type) {
    case 'normal':
      return draw(gain);
    case 'xavier':
      return draw(gain * Math.sqrt(2 / (fanIn + fanOut)));
    case 'kaiming':
      return draw(Math.sqrt(2 / fanIn));
    case 'orthogonal':
      return orthogonal(torchShape[0] ?? 1, size / (torchShape[0] ?? 1), gain, draw(1));
    default:
      throw new OptionError(unknownNameMessage('--init_type', type, INIT_TYPES));
  }
}

/**
 * `torch.nn.init.orthogonal_`: rows × cols matrix with orthonormal rows (or columns when rows > cols),
 * from a Gaussian matrix by Gram–Schmidt in float64, scaled by `gain`.
 */
function orthogonal(rows: number, cols: number, gain: number, gaussian: Float32Array): Float32Array {
  const transpose = rows > cols;
  const [r, c] = transpose ? [cols, rows] : [rows, cols];
  const m = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) m[i * c + j] = gaussian[transpose ? j * r + i : i * c + j]!;
  for (let i = 0; i < r; i++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < i; k++) {
        let dot = 0;
        for (let j = 0; j < c; j++) dot += m[i * c + j]! * m[k * c + j]!;
        for (let j = 0; j < c; j++) m[i * c + j]! -= dot * m[k * c + j]!;
      }
    }
    let norm = 0;
    for (let j = 0; j < c; j++) norm += m[i * c + j]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < c; j++) m[i * c + j]! /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = gain * (transpose ? m[j * c + i]! : m[i * c + j]!);
  return out;
}
