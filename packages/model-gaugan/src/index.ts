/** The GauGAN (SPADE) model plugin: semantic label maps → photos (`--model gaugan`). */
import type { ModelPlugin } from '@translate/core';
import { GauGANModel } from './gaugan_model.js';
import { identifyGauganWeights } from './identify.js';
import { GAUGAN_DEFAULTS, GAUGAN_OPTIONS, GAUGAN_TEST_DEFAULTS, GAUGAN_TRAIN_DEFAULTS } from './options.js';

export { GauGANModel };
export {
  SPADEGenerator,
  UPSAMPLING_LAYERS,
  latentSize,
  type GeneratorInput,
  type SpadeGeneratorOptions,
  type UpsamplingLayers,
} from './generator.js';
export { Pix2PixHDGenerator, type Pix2PixHDOptions } from './pix2pixhd.js';
export { ConvEncoder, reparameterize, type ConvEncoderOptions, type Posterior } from './encoder.js';
export {
  SpadeNLayerDiscriminator,
  SPADE_NET_D,
  spadeDiscriminator,
  type ScaledDiscriminator,
  type SpadeNLayerOptions,
} from './discriminator.js';
export { buildDiscriminator, buildEncoder, buildGenerator, semanticNcOf, GAUGAN_NET_G } from './networks.js';
export { labelColormap, colorizeLabels } from './label_colormap.js';
export { GAUGAN_OPTIONS, DEFAULT_NORM_G } from './options.js';
export { identifyGauganWeights };

/** The plugin object; register it with `registerModel(plugin)`. */
export const plugin: ModelPlugin = {
  name: 'gaugan',
  description:
    'GauGAN (SPADE): semantic label maps → photos (SPADE generator, multi-scale D, hinge + feature matching + VGG, optional VAE style encoder).',
  options: GAUGAN_OPTIONS,
  defaults: GAUGAN_DEFAULTS,
  trainDefaults: GAUGAN_TRAIN_DEFAULTS,
  testDefaults: GAUGAN_TEST_DEFAULTS,
  // Read back from the checkpoint at test time, so they need not be repeated.
  architectureOptions: [
    'label_nc',
    'contain_dontcare_label',
    'no_instance',
    'norm_G',
    'norm_E',
    'num_upsampling_layers',
    'z_dim',
    'use_vae',
    'resnet_n_downsample',
    'resnet_n_blocks',
    'resnet_kernel_size',
    'resnet_initial_kernel_size',
    'num_D',
  ],
  identifyWeights: identifyGauganWeights,
  create: (opt, env) => new GauGANModel(opt, env),
};
