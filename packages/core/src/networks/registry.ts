/**
 * Registries of generator (`--netG`) and discriminator (`--netD`) architectures. Built-ins register
 * here; plugins add their own with `registerGenerator` / `registerDiscriminator`. An unknown
 * name is an error listing the known ones.
 */
import type { Module } from '../nn/module.js';
import { Registry } from '../registry.js';
import type { NormType } from './norm_layer.js';
import { initNetwork } from './init_network.js';
import { ResnetGenerator } from './resnet.js';
import { UnetGenerator } from './unet.js';
import { NLayerDiscriminator, PixelDiscriminator } from './discriminators.js';

/** What a generator factory receives. `extra` carries plugin-specific architecture options. */
export interface GeneratorSpec {
  inputNc: number;
  outputNc: number;
  ngf: number;
  norm: NormType;
  useDropout: boolean;
  extra?: Record<string, unknown>;
}

/** What a discriminator factory receives. */
export interface DiscriminatorSpec {
  inputNc: number;
  ndf: number;
  norm: NormType;
  nLayersD: number;
  extra?: Record<string, unknown>;
}

/** The reference's initialisation options. */
export interface InitSpec {
  initType: string;
  initGain: number;
}

/** Builds a network from its spec. */
export type NetworkFactory<S> = (spec: S) => Module<any, any>;

/** The `--netG` architectures. */
export const GENERATORS = new Registry<NetworkFactory<GeneratorSpec>>({ kind: '--netG', builtinSource: '@translate/core' });
/** The `--netD` architectures. */
export const DISCRIMINATORS = new Registry<NetworkFactory<DiscriminatorSpec>>({ kind: '--netD', builtinSource: '@translate/core' });

/** Adds a `--netG` architecture; `source` (a package or plugin file) is named if the name is taken. */
export function registerGenerator(name: string, factory: NetworkFactory<GeneratorSpec>, source?: string): void {
  GENERATORS.register(name, factory, source === undefined ? {} : { source });
}

/** Adds a `--netD` architecture; `source` (a package or plugin file) is named if the name is taken. */
export function registerDiscriminator(name: string, factory: NetworkFactory<DiscriminatorSpec>, source?: string): void {
  DISCRIMINATORS.register(name, factory, source === undefined ? {} : { source });
}

/** Registered `--netG` names. */
export function generatorNames(): string[] {
  return GENERATORS.names();
}

/** Registered `--netD` names. */
export function discriminatorNames(): string[] {
  return DISCRIMINATORS.names();
}

/** `define_G`: builds generator `name` and initialises it as the reference does. */
export function defineG(name: string, spec: GeneratorSpec & InitSpec): Module<any, any> {
  const net = GENERATORS.get(name)(spec);
  initNetwork(net, spec.initType, spec.initGain);
  return net;
}

/** `define_D`: builds discriminator `name` and initialises it as the reference does. */
export function defineD(name: string, spec: DiscriminatorSpec & InitSpec): Module<any, any> {
  const net = DISCRIMINATORS.get(name)(spec);
  initNetwork(net, spec.initType, spec.initGain);
  return net;
}

registerGenerator('resnet_9blocks', (s) => new ResnetGenerator({ ...s, nBlocks: 9 }));
registerGenerator('resnet_6blocks', (s) => new ResnetGenerator({ ...s, nBlocks: 6 }));
registerGenerator('unet_128', (s) => new UnetGenerator({ ...s, numDowns: 7 }));
// Not in the reference: the same U-Net with fewer levels, for small images (tests, samples/).
registerGenerator('unet_32', (s) => new UnetGenerator({ ...s, numDowns: 5 }));
registerGenerator('unet_64', (s) => new UnetGenerator({ ...s, numDowns: 6 }));
registerGenerator('unet_256', (s) => new UnetGenerator({ ...s, numDowns: 8 }));
registerDiscriminator('basic', (s) => new NLayerDiscriminator({ ...s, nLayers: 3 }));
registerDiscriminator('n_layers', (s) => new NLayerDiscriminator({ ...s, nLayers: s.nLayersD }));
registerDiscriminator('pixel', (s) => new PixelDiscriminator(s));
