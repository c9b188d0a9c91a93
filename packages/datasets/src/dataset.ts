/**
 * The dataset contract and the registry of dataset modes. A mode is registered by name with its
 * option schema, the defaults it changes and a `create` function; `createDataset` resolves the
 * options against the schema and builds the dataset. Built-in modes are in the registry from the
 * start; third parties add theirs with `registerDatasetMode`.
 */
import type { DatasetModeInfo, OptionSchema } from '@translate/core';
import { defaultsFor, Registry, schemaValues, type ImageArray, type LabelMap } from '@translate/core';
import { BUILTIN_MODES } from './modes/index.js';
import { withDefaults } from './options.js';
import type { Rng } from './rng.js';

/**
 * One training example as plain arrays (decoding runs off the tensor engine). Which fields exist
 * depends on the mode: aligned/unaligned A, B; single A; the label-map modes (segmentation, coco,
 * ade20k, cityscapes, custom, facades) label, instance, B (the photo); super_resolution A
 * (low-res), B (high-res); colorization A (L), B (ab).
 */
export interface Sample {
  A?: ImageArray;
  B?: ImageArray;
  A_paths?: string;
  B_paths?: string;
  /** Semantic label ids (255 already mapped to `label_nc`). */
  label?: LabelMap;
  /** Instance ids. */
  instance?: LabelMap;
  /**
   * Any other field a (plugin) mode gives: images and id maps are stacked into the batch's tensors
   * of the same name, strings into a list, so a mode's field reaches the model's `setInput`.
   */
  [field: string]: ImageArray | LabelMap | string | undefined;
}

/** A group of files a dataset reads, for `translate datasets check`. */
export interface DatasetSource {
  /** What the files are: 'AB', 'A', 'B', 'label', 'image', 'instance', 'HR', 'LR'. */
  role: string;
  dir: string;
  files: readonly string[];
}

/** A dataset: `length` samples, each decoded on demand. */
export interface Dataset {
  /** The mode that built it. */
  readonly mode: string;
  readonly length: number;
  /** The resolved options. */
  readonly options: Readonly<Record<string, unknown>>;
  /** The files read, by role. */
  readonly sources: readonly DatasetSource[];
  /** Sample `index` (0 ≤ index < length); crops, flips and random pairings are drawn from `rng`. */
  get(index: number, rng: Rng): Promise<Sample>;
}

/** Where a dataset reports warnings (skipped files, size adjustments). */
export interface DatasetContext {
  warn(message: string): void;
}

/**
 * A dataset mode: a name, its options, the defaults it changes (`defaults`, `trainDefaults`,
 * `testDefaults`: the reference's dataset `set_defaults`, for its own options or any others, e.g.
 * a model's), and how to build a dataset from resolved options.
 */
export interface DatasetMode extends DatasetModeInfo {
  name: string;
  /** One line for `--help` and error messages. */
  help: string;
  /** Every option the mode reads, with its declared defaults (before the mode's `defaults`). */
  options: OptionSchema;
  /** Builds the dataset; `options` were resolved against `options` (every key has a value). */
  create(options: Record<string, unknown>, ctx: DatasetContext): Promise<Dataset>;
}

/** The registered dataset modes (`--dataset_mode`). */
export const DATASET_MODES = new Registry<DatasetMode>({
  kind: 'dataset mode',
  flag: '--dataset_mode',
  builtinSource: '@translate/datasets',
});
for (const mode of BUILTIN_MODES) DATASET_MODES.register(mode.name, mode);

/** Adds a mode; `source` (a package or plugin file) is named if the name is taken. */
export function registerDatasetMode(mode: DatasetMode, source?: string): void {
  DATASET_MODES.register(mode.name, mode, source === undefined ? {} : { source });
}

/** The mode called `name`; an unknown name is an `OptionError` listing the known ones. */
export function getDatasetMode(name: string): DatasetMode {
  return DATASET_MODES.get(name);
}

/** Names of the registered modes, sorted. */
export function datasetModeNames(): string[] {
  return DATASET_MODES.names().sort();
}

/** Warnings go to stderr. */
export const consoleContext: DatasetContext = { warn: (message) => console.warn(message) };

/**
 * Builds the dataset of `options.dataset_mode` (default `unaligned`, as the reference): options
 * are resolved against the mode's schema (types and choices checked), and those not given take
 * the mode's defaults, with its `trainDefaults` when `phase` is `train` (the default), else its
 * `testDefaults`. The CLI passes every option resolved, so there only the checks apply.
 */
export async function createDataset(options: Record<string, unknown>, ctx: DatasetContext = consoleContext): Promise<Dataset> {
  const mode = getDatasetMode(String(options['dataset_mode'] ?? 'unaligned'));
  const phase = (options['phase'] ?? 'train') === 'train' ? 'train' : 'test';
  return mode.create(schemaValues(withDefaults(mode.options, defaultsFor(mode, phase)), options), ctx);
}
