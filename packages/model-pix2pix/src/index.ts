/**
 * The pix2pix model plugins: `pix2pix`, paired translation with a conditional GAN and L1, and
 * `colorization`, which extends it to map the L channel of Lab images to their ab channels.
 * Register them with `registerModel` (each of `plugins`).
 */
import type { ModelPlugin } from '@translate/core';
import { ColorizationModel } from './colorization_model.js';
import { Pix2PixModel } from './pix2pix_model.js';

export { Pix2PixModel, ColorizationModel };
export { colorizationToRgb, labToRgb } from './lab_to_rgb.js';

/** `--model pix2pix`. */
export const plugin: ModelPlugin = {
  name: 'pix2pix',
  description: 'pix2pix: paired image-to-image translation (U-Net generator, conditional PatchGAN, GAN + L1).',
  options: {
    lambda_L1: { type: 'float', default: 100, minimum: 0, help: 'weight for L1 loss', phase: 'train' },
  },
  defaults: { norm: 'batch', netG: 'unet_256', dataset_mode: 'aligned' },
  trainDefaults: { pool_size: 0, gan_mode: 'vanilla' },
  create: (opt, env) => new Pix2PixModel(opt, env),
};

/** `--model colorization`: pix2pix's options and defaults, on the colorization dataset (which sets --input_nc 1 --output_nc 2). */
export const colorizationPlugin: ModelPlugin = {
  name: 'colorization',
  description:
    'colorization: pix2pix from the L channel of Lab images to their ab channels (--dataset_mode colorization); shows the results as RGB.',
  options: plugin.options,
  defaults: { ...plugin.defaults, dataset_mode: 'colorization' },
  trainDefaults: plugin.trainDefaults,
  create: (opt, env) => new ColorizationModel(opt, env),
};

/** Both plugins, in registration order. */
export const plugins: readonly ModelPlugin[] = [plugin, colorizationPlugin];
