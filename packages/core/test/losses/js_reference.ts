/** Plain-JS (float64) reference formulas and data for the loss tests, independent of tfjs. */
import { tf } from '../../src/tf.js';
import { SeededRandom } from '../../src/random.js';

/** Deterministic values uniform in [lo, hi). */
export function uniformArray(n: number, seed: number, lo = -3, hi = 3): Float32Array {
  const rng = new SeededRandom(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.nextFloat());
}

/** A tensor of `shape` filled by `uniformArray`. */
export function uniformTensor(shape: number[], seed: number, lo = -3, hi = 3): tf.Tensor {
  return tf.tensor(
    uniformArray(
      shape.reduce((a, b) => a * b, 1),
      seed,
      lo,
      hi,
    ),
    shape,
  );
}

/** Mean of f over the values. */
export function meanOf(values: ArrayLike<number>, f: (v: number, i: number) => number): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += f(values[i]!, i);
  return s / values.length;
}

/** Logistic sigmoid. */
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Textbook binary cross-entropy of a logit: −t·log σ(x) − (1 − t)·log(1 − σ(x)). */
export const bce = (x: number, t: number): number => -t * Math.log(sigmoid(x)) - (1 - t) * Math.log(1 - sigmoid(x));

/** Scalar value of a tensor (disposes it). */
export function scalarOf(t: tf.Tensor): number {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
}
