/**
 * Option schemas of the dataset modes, as plain data (name → type, default, help, choices) that
 * the CLI turns into flags. Names and defaults are the reference's; options that the reference
 * lacks are marked "(translate)" in their help.
 */
import { BASE_OPTIONS, type OptionSchema, type OptionValue, type AlphaMode } from '@translate/core';
import { DatasetError } from './errors.js';
import type { PreprocessMode } from './transform/preprocess.js';

/** Options every image dataset mode reads. */
export const DATA_OPTIONS: OptionSchema = {
  dataroot: { type: 'string', help: 'path to images (should have subfolders trainA, trainB, valA, valB, etc)' },
  phase: { type: 'string', default: 'train', help: 'train, val, test, etc' },
  direction: {
    type: 'string',
    default: 'AtoB',
    choices: ['AtoB', 'BtoA'],
    help: 'AtoB or BtoA; with BtoA the dataset swaps A and B, so A is always the input',
  },
  input_nc: { type: 'int', default: 3, minimum: 1, help: '# of input image channels: 3 for RGB and 1 for grayscale' },
  output_nc: { type: 'int', default: 3, minimum: 1, help: '# of output image channels: 3 for RGB and 1 for grayscale' },
  serial_batches: { type: 'bool', default: false, help: 'if true, takes images in order to make batches, otherwise takes them randomly' },
  batch_size: BASE_OPTIONS.batch_size!,
  load_size: { type: 'int', default: 286, minimum: 1, help: 'scale images to this size' },
  crop_size: { type: 'int', default: 256, minimum: 1, help: 'then crop to this size' },
  max_dataset_size: {
    type: 'int',
    default: Infinity,
    minimum: 1,
    help: 'Maximum number of samples allowed per dataset. If the dataset directory contains more than max_dataset_size, only a subset is loaded.',
  },
  preprocess: BASE_OPTIONS.preprocess!,
  no_flip: { type: 'bool', default: false, help: 'if specified, do not flip the images for data augmentation' },
  size_multiple: {
    type: 'int',
    default: 4,
    minimum: 1,
    help: '(translate) --preprocess none rounds each side to the nearest multiple of this (the reference uses 4)',
  },
  alpha_mode: {
    type: 'string',
    default: 'flatten',
    choices: ['flatten', 'drop', 'error'],
    help: '(translate) images with transparency: flatten on white, drop the alpha channel (the reference), or error',
  },
  skip_bad_images: { type: 'bool', default: false, help: '(translate) skip unreadable images with a warning instead of stopping' },
  num_threads: { type: 'int', default: 4, minimum: 0, help: 'images decoded at the same time', aliases: ['nThreads'] },
};

/** The common options, resolved and typed. */
export interface DataOptions {
  dataroot: string;
  phase: string;
  direction: 'AtoB' | 'BtoA';
  input_nc: number;
  output_nc: number;
  serial_batches: boolean;
  batch_size: number;
  load_size: number;
  crop_size: number;
  max_dataset_size: number;
  preprocess: PreprocessMode;
  no_flip: boolean;
  size_multiple: number;
  alpha_mode: AlphaMode;
  skip_bad_images: boolean;
  num_threads: number;
}

/** A schema with some defaults replaced (a mode's `defaults`, like SPADE's set_defaults); keys the schema lacks are skipped. */
export function withDefaults(schema: OptionSchema, defaults: Readonly<Record<string, OptionValue>>): OptionSchema {
  const out: Record<string, OptionSchema[string]> = { ...schema };
  for (const [k, v] of Object.entries(defaults)) if (out[k] !== undefined) out[k] = { ...out[k], default: v };
  return out;
}

/** Checks the numeric ranges shared by the modes, with image channels of 1 or 3; throws `DatasetError` naming the flag. */
export function checkDataOptions(o: DataOptions): void {
  for (const flag of ['input_nc', 'output_nc'] as const) {
    if (o[flag] !== 1 && o[flag] !== 3) throw new DatasetError(`--${flag} must be 1 (grayscale) or 3 (RGB), got ${o[flag]}.`);
  }
  checkSizeOptions(o);
}

/** Checks sizes, counts and load vs crop size (for a mode whose channels are not images, e.g. colorization's ab); throws `DatasetError` naming the flag. */
export function checkSizeOptions(o: DataOptions): void {
  for (const flag of ['load_size', 'crop_size', 'batch_size', 'max_dataset_size', 'size_multiple', 'num_threads'] as const) {
    if (!(o[flag] >= 1)) throw new DatasetError(`--${flag} must be at least 1, got ${o[flag]}.`);
  }
  if (o.preprocess.includes('crop') && o.preprocess !== 'crop' && o.load_size < o.crop_size) {
    throw new DatasetError(
      `--load_size ${o.load_size} is smaller than --crop_size ${o.crop_size}: images are resized to load_size and then cropped, so load_size must be ≥ crop_size.`,
    );
  }
}
