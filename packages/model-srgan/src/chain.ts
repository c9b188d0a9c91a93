/** Inference helper: a chain of tensor operations that frees each intermediate as soon as the next exists. */
import type { tf } from '@translate/core';

/** One step of a chain: a tensor in, a new tensor out (the input stays the caller's). */
export type Step = (x: tf.Tensor4D) => tf.Tensor4D;

/**
 * Applies `steps` to `x` in order, disposing each intermediate result as soon as the next exists
 * (never `x`), so at most two of them are alive at a time. For inference only: tensors a gradient
 * would need are disposed.
 */
export function chain(x: tf.Tensor4D, steps: readonly Step[]): tf.Tensor4D {
  let y = x;
  for (const step of steps) {
    const next = step(y);
    if (y !== x && next !== y) y.dispose();
    y = next;
  }
  return y;
}
