/**
 * What a GAN mode adds to a discriminator step beyond its loss: the WGAN-GP gradient penalty
 * (inside the D loss closure; the reference defines it but never applies it) and WGAN's weight
 * clipping (after the D update). Models call both, so `--gan_mode wgangp|wgan` never silently
 * does nothing.
 */
import type { tf } from '../tf.js';
import { GANLoss, clipWeights } from '../losses/gan_loss.js';
import { optNumber, type Options } from '../options/schema.js';
import { gradientPenalty } from '../losses/gradient_penalty.js';
import type { Module, ForwardContext } from '../nn/module.js';

/** The GAN criterion of `mode` (default `--gan_mode`) with the training options it reads (`--lambda_gp`). */
export function ganLossFromOptions(opt: Options, mode = String(opt.gan_mode)): GANLoss {
  return new GANLoss(mode, { gradientPenaltyWeight: optNumber(opt, 'lambda_gp') });
}

/** The penalty to add to D's loss for `wgangp` (λ = `--lambda_gp`), or null for other modes and λ = 0. */
export function discriminatorPenalty(
  criterion: GANLoss,
  D: Module<any, any>,
  real: tf.Tensor4D,
  fake: tf.Tensor4D,
  ctx: ForwardContext = {},
): tf.Scalar | null {
  if (!criterion.needsGradientPenalty) return null;
  return gradientPenalty((x) => D.forward(x, { ...ctx, updateState: false }), real, fake, { lambda: criterion.gradientPenaltyWeight });
}

/** Clips the discriminators' weights for `wgan`; nothing for other modes. Call after the D update. */
export function afterDiscriminatorUpdate(criterion: GANLoss, discriminators: ReadonlyArray<Module<any, any>>): void {
  if (criterion.mode !== 'wgan') return;
  clipWeights(
    discriminators.flatMap((d) => d.parameters()),
    criterion.wganClip,
  );
}
