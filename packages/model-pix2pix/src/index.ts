/** The pix2pix model plugin: paired translation with a conditional GAN and L1 (`--model pix2pix`). */
import type { ModelPlugin } from '@translate/core';
import { Pix2PixModel } from './pix2pix_model.js';

export { Pix2PixModel };

/** The plugin object; register it with `registerModel(plugin)`. */
export const plugin: ModelPlugin = {
  name: 'pix2pix',
  description: 'pix2pix: paired image-to-image translation (U-Net generator, conditional PatchGAN, GAN + L1).',
  options: {
    lambda_L1: { type: 'float', default: 100, help: 'weight for L1 loss', phase: 'train' },
  },
  defaults: { norm: 'batch', netG: 'unet_256', dataset_mode: 'aligned' },
  trainDefaults: { pool_size: 0, gan_mode: 'vanilla' },
  create: (opt, env) => new Pix2PixModel(opt, env),
};
