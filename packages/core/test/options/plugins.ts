/** Model plugins with the reference's option declarations, for option-resolution tests (never created). */
import { OptionError, unknownNameMessage } from '../../src/errors.js';
import { registerModel, listModels, type ModelPlugin } from '../../src/model/plugin.js';
import type { DatasetModeInfo } from '../../src/options/resolve.js';

const notCreated = (): never => {
  throw new Error('option tests never create models');
};

const PLUGINS: ModelPlugin[] = [
  {
    name: 'cyclegan',
    aliases: ['cycle_gan'],
    description: 'cyclegan options',
    options: {
      lambda_A: { type: 'float', default: 10, help: 'weight for cycle loss (A -> B -> A)', phase: 'train' },
      lambda_B: { type: 'float', default: 10, help: 'weight for cycle loss (B -> A -> B)', phase: 'train' },
      lambda_identity: { type: 'float', default: 0.5, help: 'use identity mapping', phase: 'train' },
    },
    defaults: { no_dropout: true },
    create: notCreated,
  },
  {
    name: 'pix2pix',
    description: 'pix2pix options',
    options: { lambda_L1: { type: 'float', default: 100, help: 'weight for L1 loss', phase: 'train' } },
    defaults: { norm: 'batch', netG: 'unet_256', dataset_mode: 'aligned' },
    trainDefaults: { pool_size: 0, gan_mode: 'vanilla' },
    create: notCreated,
  },
  {
    name: 'test',
    description: 'test options',
    options: { model_suffix: { type: 'string', default: '', help: 'loads [epoch]_net_G[model_suffix]', phase: 'test' } },
    defaults: { dataset_mode: 'single' },
    create: notCreated,
  },
];

/** Registers the plugins above once per test file. */
export function registerTestPlugins(): void {
  const known = new Set(listModels().map((m) => m.plugin.name));
  for (const plugin of PLUGINS) if (!known.has(plugin.name)) registerModel(plugin, 'test/options/plugins.ts');
}

/** Dataset modes like the reference's: `colorization` changes defaults, `template` adds an option, `spade_like` sets per-phase defaults and its own `--preprocess` choices. */
export const DATASET_MODES: Record<string, DatasetModeInfo> = {
  unaligned: { name: 'unaligned' },
  aligned: { name: 'aligned' },
  single: { name: 'single' },
  colorization: { name: 'colorization', defaults: { input_nc: 1, output_nc: 2, direction: 'AtoB' } },
  template: {
    name: 'template',
    options: {
      new_dataset_option: { type: 'float', default: 1.0, help: 'new dataset option' },
      load_size: { type: 'int', default: 286, help: 'redeclared with the same type: keeps the base declaration' },
    },
    defaults: { max_dataset_size: 10, new_dataset_option: 2.0 },
  },
  spade_like: {
    name: 'spade_like',
    options: {
      preprocess: {
        type: 'string',
        default: 'resize_and_crop',
        choices: ['resize_and_crop', 'fixed'],
        help: 'its own choices replace the base ones',
      },
    },
    defaults: { display_winsize: 512, lambda_A: 1 },
    trainDefaults: { load_size: 300 },
    testDefaults: { load_size: 200 },
  },
};

/** A `datasetMode` lookup over `DATASET_MODES`. */
export function datasetMode(name: string): DatasetModeInfo {
  const mode = DATASET_MODES[name];
  if (mode === undefined) throw new OptionError(unknownNameMessage('dataset mode', name, Object.keys(DATASET_MODES)));
  return mode;
}
