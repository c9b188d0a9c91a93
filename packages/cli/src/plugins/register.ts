/**
 * Registers a validated plugin's models, networks and dataset modes under the plugin's file. A
 * name that is taken (by a built-in, another plugin, or the same plugin twice) is an error naming
 * both sources, raised before anything of the plugin is registered.
 */
import {
  BaseModel,
  DISCRIMINATORS,
  GENERATORS,
  MODELS,
  registerDiscriminator,
  registerGenerator,
  registerModel,
  type ModelPlugin,
} from '@translate/core';
import { DATASET_MODES, registerDatasetMode } from '@translate/datasets';
import { modelInstanceProblems } from './check_model.js';
import { PluginError } from './errors.js';
import type { PluginContents } from './validate.js';

/** Registers everything in `contents` as coming from `file`; throws `PluginError` on a taken name. */
export function registerPluginContents(contents: PluginContents, file: string): void {
  const problems = duplicateProblems(contents);
  if (problems.length > 0) throw new PluginError(file, problems);
  for (const model of contents.models) registerModel({ ...model, create: checkedCreate(model, file) }, file);
  for (const [name, factory] of contents.generators) registerGenerator(name, factory, file);
  for (const [name, factory] of contents.discriminators) registerDiscriminator(name, factory, file);
  for (const mode of contents.datasetModes) registerDatasetMode(mode, file);
}

/** Every name of `contents` that is taken, by a registered package or plugin or earlier in `contents` itself. */
function duplicateProblems(contents: PluginContents): string[] {
  const groups: Array<[{ conflicts(names: readonly string[]): string[] }, string, string[]]> = [
    [MODELS, 'model name', contents.models.flatMap((m) => [m.name, ...(m.aliases ?? [])])],
    [GENERATORS, '--netG', contents.generators.map(([n]) => n)],
    [DISCRIMINATORS, '--netD', contents.discriminators.map(([n]) => n)],
    [DATASET_MODES, 'dataset mode', contents.datasetModes.map((m) => m.name)],
  ];
  return groups.flatMap(([registry, kind, names]) => [
    ...registry.conflicts(names),
    ...names
      .filter((n, i) => names.indexOf(n) < i)
      .map((n) => `${kind} '${n}' is already registered by this plugin itself. Rename one of them.`),
  ]);
}

/** The plugin's `create`, followed by the checks of the model it returns. */
function checkedCreate(plugin: ModelPlugin, file: string): ModelPlugin['create'] {
  return (opt, env) => {
    const model = plugin.create(opt, env);
    const problems = modelInstanceProblems(model, env.isTrain);
    if (problems.length === 0) return model;
    if (model instanceof BaseModel) model.dispose();
    throw new PluginError(
      file,
      problems.map((p) => `model '${plugin.name}': ${p}`),
    );
  };
}
