/**
 * The EBGAN example plugin: the `ebgan` model and the `autoencoder` discriminator it defaults to,
 * as one plugin package (`translate train --plugin examples/ebgan --model ebgan`).
 */
import type { ModelPlugin, PluginPackage } from '@translate/core';
import { autoencoderDiscriminator } from './autoencoder.js';
import { EbganModel } from './ebgan_model.js';

export { AutoencoderEnergy, autoencoderDiscriminator, type AutoencoderOptions } from './autoencoder.js';
export { EbganModel } from './ebgan_model.js';

/** The `ebgan` model plugin. */
export const ebganModel: ModelPlugin = {
  name: 'ebgan',
  description: 'Conditional EBGAN: an auto-encoder discriminator scores (A, B) pairs by reconstruction energy; GAN (ebgan) + L1.',
  options: {
    ebgan_margin: {
      type: 'float',
      default: 1,
      help: 'margin m up to which D raises the energy of generated pairs; energies are per-pixel mean squared errors of [-1, 1] images',
      phase: 'train',
    },
    lambda_L1: { type: 'float', default: 10, help: 'weight of the L1 loss between G(A) and B', phase: 'train' },
  },
  defaults: { dataset_mode: 'aligned', netG: 'unet_256', netD: 'autoencoder' },
  trainDefaults: { gan_mode: 'ebgan' },
  create: (opt, env) => new EbganModel(opt, env),
};

/** What the plugin registers: the model and `--netD autoencoder`. */
export const plugin: PluginPackage = {
  models: [ebganModel],
  discriminators: { autoencoder: autoencoderDiscriminator },
};
