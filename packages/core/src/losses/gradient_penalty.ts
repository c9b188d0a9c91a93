/**
 * The WGAN-GP gradient penalty (docs/losses.md §2, the reference's `cal_gradient_penalty`).
 */
import { tf } from '../tf.js';
import { OptionError, unknownNameMessage } from '../errors.js';
import { globalRng } from '../random.js';
import { detach } from './detach.js';
import { finalMaps, type GanPrediction } from './predictions.js';
import { registerSecondOrderGradients } from './second_order_gradients.js';

/** Where the penalty is evaluated: on interpolates (the default), on the real or on the fake samples. */
export const GRADIENT_PENALTY_TYPES = ['mixed', 'real', 'fake'] as const;

/** One of `GRADIENT_PENALTY_TYPES`. */
export type GradientPenaltyType = (typeof GRADIENT_PENALTY_TYPES)[number];

/** Options of `gradientPenalty`. */
export interface GradientPenaltyOptions {
  /** Default 'mixed'. */
  type?: GradientPenaltyType;
  /** The target gradient norm; default 1. */
  constant?: number;
  /** The penalty weight λ; default 10. λ ≤ 0 gives 0 without running D. */
  lambda?: number;
}

/**
 * λ · mean over the batch of (‖∇_x̂ D(x̂) + 1e-16‖₂ − constant)², the norm taken per sample over
 * H·W·C. x̂ = α·real + (1 − α)·fake with α ~ U(0, 1) drawn per sample from the seeded global RNG
 * ('mixed'), or the real or fake batch itself. `real` and `fake` are used detached (no gradient
 * reaches whatever produced them). For a multi-scale D the gradient is that of the sum of every
 * scale's prediction map (each scale's last map when it returns feature lists).
 *
 * The result is differentiable with respect to D's weights: call it inside the D step's
 * `tf.variableGrads` closure. D must be built from ops with second-order gradients (conv2d, pad,
 * leakyRelu, relu, avgPool, instance norm written with `tf.moments`, …; see
 * `registerSecondOrderGradients`). A `tf.customGrad` layer in D breaks the second order silently
 * when its gradient function uses tensors it saved in the forward pass, as do ops whose tfjs
 * gradient reads their own output (sigmoid, tanh, exp, elu, softmax, log-softmax, max/min); maxPool
 * has no second-order gradient at all.
 */
export function gradientPenalty(
  discriminatorFn: (x: tf.Tensor4D) => GanPrediction,
  real: tf.Tensor4D,
  fake: tf.Tensor4D,
  options: GradientPenaltyOptions = {},
): tf.Scalar {
  const { type = 'mixed', constant = 1, lambda = 10 } = options;
  if (!GRADIENT_PENALTY_TYPES.includes(type))
    throw new OptionError(unknownNameMessage('gradient penalty type', type, GRADIENT_PENALTY_TYPES));
  if (lambda <= 0) return tf.scalar(0);
  if (type === 'mixed' && !tf.util.arraysEqual(real.shape, fake.shape))
    throw new Error(`gradientPenalty: real ${JSON.stringify(real.shape)} and fake ${JSON.stringify(fake.shape)} batches differ in shape.`);
  registerSecondOrderGradients();
  const alphas = type === 'mixed' ? Float32Array.from({ length: real.shape[0] }, () => globalRng().nextFloat()) : null;
  return tf.tidy(() => {
    const x = interpolates(type, detach(real), detach(fake), alphas);
    const dDdx = tf.grad((input: tf.Tensor) => tf.addN(finalMaps(discriminatorFn(input as tf.Tensor4D)).map((m) => tf.sum(m))))(x);
    const perSample = tf.reshape(tf.add(dDdx, 1e-16), [x.shape[0], -1]);
    const norms = tf.sqrt(tf.sum(tf.square(perSample), 1));
    return tf.mul(tf.mean(tf.square(tf.sub(norms, constant))), lambda) as tf.Scalar;
  });
}

function interpolates(type: GradientPenaltyType, real: tf.Tensor4D, fake: tf.Tensor4D, alphas: Float32Array | null): tf.Tensor4D {
  if (type === 'real') return real;
  if (type === 'fake') return fake;
  const alpha = tf.tensor4d(alphas!, [alphas!.length, 1, 1, 1]);
  return tf.add(tf.mul(alpha, real), tf.mul(tf.sub(1, alpha), fake));
}
