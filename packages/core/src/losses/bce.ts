/** Binary cross-entropy on logits, in the numerically stable form. */
import { tf } from '../tf.js';

/**
 * Mean binary cross-entropy of logits `x` against targets `t` (a number or a tensor broadcast
 * against `x`): mean(max(x, 0) − x·t + log(1 + exp(−|x|))), finite for every finite `x`
 * (PyTorch's `BCEWithLogitsLoss`).
 */
export function bceWithLogits(x: tf.Tensor, t: tf.Tensor | number): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.add(tf.sub(tf.relu(x), tf.mul(x, t)), softplusOfNegAbs(x))));
}

/** log(1 + exp(−|x|)): exp never overflows (its argument is ≤ 0). */
function softplusOfNegAbs(x: tf.Tensor): tf.Tensor {
  return tf.log1p(tf.exp(tf.neg(tf.abs(x))));
}

/** softplus(x) = log(1 + exp(x)) = max(x, 0) + log(1 + exp(−|x|)), finite for every finite x. */
export function stableSoftplus(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.relu(x), softplusOfNegAbs(x)));
}
