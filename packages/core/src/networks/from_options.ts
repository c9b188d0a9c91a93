/** `define_G` / `define_D` driven by resolved options (`netG`, `ngf`, `norm`, `no_dropout`, `init_type`, …). */
import type { Module } from '../nn/module.js';
import { optBool, optNumber, optString, type Options } from '../options/schema.js';
import { parseNorm } from './norm_layer.js';
import { defineD, defineG } from './registry.js';

/** Builds and initialises the `--netG` generator with the given channel counts. */
export function generatorFromOptions(opt: Options, channels: { inputNc: number; outputNc: number }): Module<any, any> {
  return defineG(optString(opt, 'netG'), {
    ...channels,
    ngf: optNumber(opt, 'ngf'),
    norm: parseNorm(optString(opt, 'norm')),
    useDropout: !optBool(opt, 'no_dropout'),
    initType: optString(opt, 'init_type'),
    initGain: optNumber(opt, 'init_gain'),
    extra: opt,
  });
}

/** Builds and initialises the `--netD` discriminator for `inputNc` input channels. */
export function discriminatorFromOptions(opt: Options, inputNc: number): Module<any, any> {
  return defineD(optString(opt, 'netD'), {
    inputNc,
    ndf: optNumber(opt, 'ndf'),
    norm: parseNorm(optString(opt, 'norm')),
    nLayersD: optNumber(opt, 'n_layers_D'),
    initType: optString(opt, 'init_type'),
    initGain: optNumber(opt, 'init_gain'),
    extra: opt,
  });
}
