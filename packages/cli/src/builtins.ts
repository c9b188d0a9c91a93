/**
 * The models and dataset modes that ship with translate, registered explicitly (importing a
 * package registers nothing by itself).
 */
import { listModels, registerModel, testModelPlugin, type DatasetModeInfo, type ModelPlugin } from '@translate/core';
import { DATA_OPTIONS, getDatasetMode } from '@translate/datasets';
import { plugin as cyclegan } from '@translate/model-cyclegan';
import * as gaugan from '@translate/model-gaugan';
import { plugin as pix2pix } from '@translate/model-pix2pix';
import { plugins as srgan } from '@translate/model-srgan';

/** A model package's `plugin` export; GauGAN is registered once its package exports one. */
function pluginOf(pkg: object): ModelPlugin | undefined {
  return (pkg as { plugin?: ModelPlugin }).plugin;
}

/** The built-in model plugins with the package each comes from. */
const BUILTIN_MODELS: ReadonlyArray<[ModelPlugin | undefined, string]> = [
  [cyclegan, '@translate/model-cyclegan'],
  [pix2pix, '@translate/model-pix2pix'],
  [pluginOf(gaugan), '@translate/model-gaugan'],
  ...srgan.map((p): [ModelPlugin, string] => [p, '@translate/model-srgan']),
  [testModelPlugin, '@translate/core'],
];

/** Registers the built-in models that are not registered yet (safe to call more than once). */
export function registerBuiltinModels(): void {
  const known = new Set(listModels().map((m) => m.plugin.name));
  for (const [plugin, source] of BUILTIN_MODELS) {
    if (plugin !== undefined && !known.has(plugin.name)) registerModel(plugin, source);
  }
}

/**
 * A registered dataset mode as option resolution sees it: its options, and as defaults those whose
 * default differs from the common data options (the mode's `set_defaults`). Unknown names throw
 * the datasets package's error listing the known modes.
 */
export function datasetModeInfo(name: string): DatasetModeInfo {
  const mode = getDatasetMode(name);
  const defaults = Object.fromEntries(
    Object.entries(mode.options)
      .filter(([key, spec]) => key in DATA_OPTIONS && spec.default !== undefined && spec.default !== DATA_OPTIONS[key]!.default)
      .map(([key, spec]) => [key, spec.default!]),
  );
  return { name: mode.name, options: mode.options, defaults };
}
