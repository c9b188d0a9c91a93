/**
 * Gradients that tfjs 4.22 lacks for differentiating a gradient (second order), as the WGAN-GP
 * penalty does: it is a function of ∂D/∂x̂, so the ops that first-order gradient functions emit must
 * themselves be differentiable. Missing in 4.22 for discriminator-style networks:
 * - the comparison and logical kernels (`LeakyRelu`'s and `Prelu`'s gradients emit `Greater`,
 *   `Maximum`'s emits `Less`, …): their outputs are booleans, so the gradient is zero;
 * - `AvgPoolGrad` (the multi-scale discriminator's average-pooled inputs): it is linear in its
 *   upstream gradient, which it maps by the adjoint of the adjoint, i.e. `avgPool` itself.
 */
import { tf } from '../tf.js';

const BOOLEAN_BINARY = [tf.Greater, tf.Less, tf.LessEqual, tf.Equal, tf.NotEqual, tf.LogicalAnd, tf.LogicalOr];

/** Zero gradients for a kernel with boolean output and inputs `names`. */
function booleanOutputGradient(kernelName: string, names: string[]): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: names,
    gradFunc: (_dy, saved) => Object.fromEntries(names.map((name, i) => [name, () => tf.zerosLike(saved[i]!)])),
  };
}

/** ∂/∂dy of avgPoolGrad(dy) applied to `ddx` is avgPool(ddx); the `input` operand only gives a shape. */
const avgPoolGradGradient: tf.GradConfig = {
  kernelName: tf.AvgPoolGrad,
  inputsToSave: ['input'],
  gradFunc: (ddx, saved, attrs) => {
    const { filterSize, strides, pad } = attrs as unknown as tf.AvgPoolGradAttrs;
    return {
      dy: () => tf.avgPool(ddx as tf.Tensor4D, filterSize, strides, pad as 'valid' | 'same' | number),
      input: () => tf.zerosLike(saved[0]!),
    };
  },
};

/**
 * Registers the second-order gradients listed above, each only where no gradient is registered for
 * that kernel yet (never replacing tfjs' or another module's). Idempotent; `gradientPenalty` calls it.
 */
export function registerSecondOrderGradients(): void {
  const configs = [
    ...BOOLEAN_BINARY.map((k) => booleanOutputGradient(k, ['a', 'b'])),
    booleanOutputGradient(tf.LogicalNot, ['x']),
    avgPoolGradGradient,
  ];
  for (const config of configs) if (tf.getGradient(config.kernelName) == null) tf.registerGradient(config);
}
