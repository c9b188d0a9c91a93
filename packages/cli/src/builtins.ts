/**
 * The models that ship with translate, registered explicitly (importing a package registers
 * nothing by itself; the built-in dataset modes are in their registry from the start).
 */
import { listModels, registerModel, testModelPlugin, type ModelPlugin } from '@translate/core';
import { plugin as cyclegan } from '@translate/model-cyclegan';
import * as gaugan from '@translate/model-gaugan';
import { plugins as pix2pix } from '@translate/model-pix2pix';
import { plugins as srgan } from '@translate/model-srgan';

/** A model package's `plugin` export; GauGAN is registered once its package exports one. */
function pluginOf(pkg: object): ModelPlugin | undefined {
  return (pkg as { plugin?: ModelPlugin }).plugin;
}

/** The built-in model plugins with the package each comes from. */
const BUILTIN_MODELS: ReadonlyArray<[ModelPlugin | undefined, string]> = [
  [cyclegan, '@translate/model-cyclegan'],
  ...pix2pix.map((p): [ModelPlugin, string] => [p, '@translate/model-pix2pix']),
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
