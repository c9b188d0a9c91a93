/**
 * Registries of generator (`--netG`) and discriminator (`--netD`) architectures. Built-ins register
 * here; plugins add their own with `registerGenerator` / `registerDiscriminator`. An unknown
 * name is an error listing the known ones.
 */
import type { Module } from '../nn/module.js';
import { OptionError, TranslateError, unknownNameMessage } from '../errors.js';
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

const generators = new Map<string, NetworkFactory<GeneratorSpec>>();
const discriminators = new Map<string, NetworkFactory<DiscriminatorSpec>>();

function register<S>(registry: Map<string, NetworkFactory<S>>, kind: string, name: string, factory: NetworkFactory<S>): void {
  if (registry.has(name)) throw new TranslateError(`${kind} '${name}' is already registered; choose another name.`, { usage: false });
  registry.set(name, factory);
}

/** Adds a `--netG` architecture. */
export function registerGenerator(name: string, factory: NetworkFactory<GeneratorSpec>): void {
  register(generators, 'Generator', name, factory);
}

/** Adds a `--netD` architecture. */
export function registerDiscriminator(name: string, factory: NetworkFactory<DiscriminatorSpec>): void {
  register(discriminators, 'Discriminator', name, factory);
}

/** Registered `--netG` names. */
export function generatorNames(): string[] {
  return [...generators.keys()];
}

/** Registered `--netD` names. */
export function discriminatorNames(): string[] {
  return [...discriminators.keys()];
}

/** `define_G`: builds generator `name` and initialises it as the reference does. */
export function defineG(name: string, spec: GeneratorSpec & InitSpec): Module<any, any> {
  const factory = generators.get(name);
  if (!factory) throw new OptionError(unknownNameMessage('--netG', name, generatorNames()));
  const net = factory(spec);
  initNetwork(net, spec.initType, spec.initGain);
  return net;
}

/** `define_D`: builds discriminator `name` and initialises it as the reference does. */
export function defineD(name: string, spec: DiscriminatorSpec & InitSpec): Module<any, any> {
  const factory = discriminators.get(name);
  if (!factory) throw new OptionError(unknownNameMessage('--netD', name, discriminatorNames()));
  const net = factory(spec);
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
