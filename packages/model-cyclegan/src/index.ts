/** The CycleGAN model plugin: unpaired translation with cycle consistency (`--model cyclegan`). */
import type { ModelPlugin } from '@translate/core';
import { CycleGANModel } from './cyclegan_model.js';

export { CycleGANModel };

/** The plugin object; register it with `registerModel(plugin)`. */
export const plugin: ModelPlugin = {
  name: 'cyclegan',
  aliases: ['cycle_gan'],
  description: 'CycleGAN: unpaired image-to-image translation (two generators, two PatchGAN discriminators, cycle and identity losses).',
  options: {
    lambda_A: { type: 'float', default: 10, minimum: 0, help: 'weight for cycle loss (A -> B -> A)', phase: 'train' },
    lambda_B: { type: 'float', default: 10, minimum: 0, help: 'weight for cycle loss (B -> A -> B)', phase: 'train' },
    lambda_identity: {
      type: 'float',
      default: 0.5,
      minimum: 0,
      help: 'use identity mapping. Setting lambda_identity other than 0 has an effect of scaling the weight of the identity mapping loss (0.5 = half the cycle weight)',
      phase: 'train',
    },
  },
  defaults: { no_dropout: true },
  create: (opt, env) => new CycleGANModel(opt, env),
};
