/** Builds an exported generator from its manifest entry and loads its weights. */
import type { Module } from '@translate/core/nn';
import { ResnetGenerator, UnetGenerator, type ResnetGeneratorOptions, type UnetGeneratorOptions } from '@translate/core/networks';
import { Pix2PixHDGenerator, SPADEGenerator, type Pix2PixHDOptions, type SpadeGeneratorOptions } from '@translate/model-gaugan/web';
import { SRResNetGenerator, type SRResNetOptions } from '@translate/model-srgan/web';
import { GENERATOR_CLASSES, type GeneratorClass, type NetworkEntry } from './manifest.js';
import { stateDictOf } from './weights.js';

/** Every generator class the page can construct, by class name. */
const CONSTRUCTORS: Readonly<Record<GeneratorClass, (options: Record<string, unknown>) => Module<any, any>>> = {
  ResnetGenerator: (o) => new ResnetGenerator(o as unknown as ResnetGeneratorOptions),
  UnetGenerator: (o) => new UnetGenerator(o as unknown as UnetGeneratorOptions),
  SPADEGenerator: (o) => new SPADEGenerator(o as unknown as SpadeGeneratorOptions),
  Pix2PixHDGenerator: (o) => new Pix2PixHDGenerator(o as unknown as Pix2PixHDOptions),
  SRResNetGenerator: (o) => new SRResNetGenerator(o as unknown as SRResNetOptions),
};

/** Constructs the network, loads its weights strictly from the shard bytes and sets its mode. */
export function buildGenerator(network: NetworkEntry, weightBytes: Uint8Array): Module<any, any> {
  const construct = CONSTRUCTORS[network.class];
  if (!construct) throw new Error(`This page cannot build a ${network.class}; it knows ${GENERATOR_CLASSES.join(', ')}.`);
  const module = construct(network.options);
  module.loadStateDict(stateDictOf(network, weightBytes), { source: `the export's ${network.name} weights` });
  return module.train(network.training);
}
