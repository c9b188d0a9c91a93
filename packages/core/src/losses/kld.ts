/** The KL divergence of GauGAN's VAE encoder. */
import { tf } from '../tf.js';
import { assertSameShape } from './reconstruction.js';

/**
 * KL(N(μ, exp(logvar)) ‖ N(0, 1)) = −0.5·Σ(1 + logvar − μ² − exp(logvar)), summed over the batch
 * and the latent dims (the SPADE reference's convention); the caller multiplies by λ_kld (0.05).
 */
export function kldLoss(mu: tf.Tensor, logvar: tf.Tensor): tf.Scalar {
  assertSameShape(mu, logvar, 'kldLoss');
  return tf.tidy(() => tf.mul(tf.sum(tf.sub(tf.sub(tf.add(1, logvar), tf.square(mu)), tf.exp(logvar))), -0.5) as tf.Scalar);
}
