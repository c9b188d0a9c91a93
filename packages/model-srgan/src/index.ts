/**
 * The super-resolution model plugins: `srresnet` (MSE warm-up) and `srgan`, which extends it with a
 * discriminator and the VGG loss. Register them with `registerModel` (each of `plugins`).
 */
import type { ModelPlugin } from '@translate/core';
import { identifySrresnetWeights } from './identify.js';
import { SRGAN_OPTIONS, SRRESNET_OPTIONS } from './options.js';
import { SRResNetModel } from './srresnet_model.js';
import { SRGANModel } from './srgan_model.js';

export { SRResNetModel, SRGANModel };
export { SRResNetGenerator, SCALES, TRUNK_ENDS, type SRResNetOptions, type TrunkEnd } from './generator.js';
export { SRGANDiscriminator, GlobalAvgPool, type SRGANDiscriminatorOptions } from './discriminator.js';
export { bicubicUpscale } from './bicubic.js';
export { runTiled, type Generate, type TileOptions } from './tiling.js';
export { loadPretrainedGenerator } from './pretrained.js';
export { identifySrresnetWeights };
export { SRRESNET_OPTIONS, SRGAN_OPTIONS };

/** Defaults both plugins set: the super-resolution data, and eval-mode BatchNorm when testing (tiles need it). */
const SHARED = {
  defaults: { dataset_mode: 'super_resolution' },
  trainDefaults: { lr: 1e-4, beta1: 0.9 },
  testDefaults: { eval: true },
  // `--scale` stays the user's: the dataset must use the same factor.
  architectureOptions: ['n_blocks', 'trunk_end'],
} as const;

/** `--model srresnet`: the SRGAN generator trained with the pixel MSE (the warm-up). */
export const srresnetPlugin: ModelPlugin = {
  name: 'srresnet',
  description: 'SRResNet: ×2/×4/×8 super-resolution trained with pixel MSE (the SRGAN warm-up); test reports PSNR/SSIM vs bicubic.',
  options: SRRESNET_OPTIONS,
  ...SHARED,
  // Only here, not in `srgan` too: one report per generator file (its notes name srgan).
  identifyWeights: identifySrresnetWeights,
  create: (opt, env) => new SRResNetModel(opt, env),
};

/** `--model srgan`: SRResNet plus a discriminator and the VGG19 perceptual loss. */
export const plugin: ModelPlugin = {
  name: 'srgan',
  description:
    'SRGAN: super-resolution with adversarial (noisy labels) and VGG19 perceptual losses, started from an SRResNet (--pretrained_G).',
  options: { ...SRRESNET_OPTIONS, ...SRGAN_OPTIONS },
  ...SHARED,
  trainDefaults: { ...SHARED.trainDefaults, gan_mode: 'vanilla' },
  create: (opt, env) => new SRGANModel(opt, env),
};

/** Both plugins, in registration order. */
export const plugins: readonly ModelPlugin[] = [srresnetPlugin, plugin];
