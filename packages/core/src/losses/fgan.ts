/**
 * f-GAN divergences (Nowozin et al. 2016): the output activation g_f and the Fenchel conjugate f*
 * of each, composed into closed forms of the raw critic output v that stay finite where the
 * textbook composition f*(g_f(v)) would take the log of 0 or divide by 0.
 */
import { tf } from '../tf.js';
import { stableSoftplus } from './bce.js';

/** The divergences of mode `fgan:<div>`. */
export const F_DIVERGENCES = ['kl', 'reverse-kl', 'pearson', 'squared-hellinger', 'js', 'total-variation'] as const;

/** One f-GAN divergence name. */
export type FDivergence = (typeof F_DIVERGENCES)[number];

/** g_f(v) and f*(g_f(v)) of one divergence, element-wise. */
export interface FDivergenceForms {
  /** The output activation g_f(v). */
  activation(v: tf.Tensor): tf.Tensor;
  /** The conjugate of the activation, f*(g_f(v)). */
  conjugate(v: tf.Tensor): tf.Tensor;
}

const LOG2 = Math.log(2);

/**
 * Per divergence (table of docs/losses.md §3):
 * - kl: g = v, f*(g) = exp(v − 1);
 * - reverse-kl: g = −exp(−v), f*(g) = −1 − log(exp(−v)) = v − 1;
 * - pearson: g = v, f*(g) = v²/4 + v;
 * - squared-hellinger: g = 1 − exp(−v), f*(g) = g/(1 − g) = exp(v) − 1;
 * - js: g = log 2 − softplus(−v), f*(g) = −log(2 − 2σ(v)) = softplus(v) − log 2;
 * - total-variation: g = f*(g) = ½·tanh(v).
 */
export const F_DIVERGENCE_FORMS: Readonly<Record<FDivergence, FDivergenceForms>> = {
  kl: { activation: (v) => tf.clone(v), conjugate: (v) => tf.exp(tf.sub(v, 1)) },
  'reverse-kl': { activation: (v) => tf.neg(tf.exp(tf.neg(v))), conjugate: (v) => tf.sub(v, 1) },
  pearson: { activation: (v) => tf.clone(v), conjugate: (v) => tf.add(tf.div(tf.square(v), 4), v) },
  'squared-hellinger': { activation: (v) => tf.sub(1, tf.exp(tf.neg(v))), conjugate: (v) => tf.sub(tf.exp(v), 1) },
  js: { activation: (v) => tf.sub(LOG2, stableSoftplus(tf.neg(v))), conjugate: (v) => tf.sub(stableSoftplus(v), LOG2) },
  'total-variation': { activation: (v) => tf.mul(tf.tanh(v), 0.5), conjugate: (v) => tf.mul(tf.tanh(v), 0.5) },
};
