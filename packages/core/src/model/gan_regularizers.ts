/**
 * What a GAN mode adds to a discriminator step beyond its loss: the WGAN-GP gradient penalty
 * (inside the D loss closure; the reference defines it but never applies it) and WGAN's weight
 * clipping (after the D update). Models call both, so `--gan_mode wgangp|wgan` never silently
 * does nothing.
 */
import type { tf } from '../tf.js';
import { clipWeights, type GANLoss } from '../losses/gan_loss.js';
import { gradientPenalty } from '../losses/gradient_penalty.js';
import type { Module, ForwardContext } from '../nn/module.js';

/** The penalty to add to D's loss for `wgangp`, or null for other modes. */
export function discriminatorPenalty(criterion: GANLoss, D: Module<any, any>, real: tf.Tensor4D, fake: tf.Tensor4D, ctx: ForwardContext = {}): tf.Scalar | null {
  if (!criterion.needsGradientPenalty) return null;
  return gradientPenalty((x) => D.forward(x, { ...ctx, updateState: false }), real, fake);
}

/** Clips the discriminators' weights for `wgan`; nothing for other modes. Call after the D update. */
export function afterDiscriminatorUpdate(criterion: GANLoss, discriminators: ReadonlyArray<Module<any, any>>): void {
  if (criterion.mode !== 'wgan') return;
  clipWeights(discriminators.flatMap((d) => d.parameters()), criterion.wganClip);
}
