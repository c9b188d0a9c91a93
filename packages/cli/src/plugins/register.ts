/**
 * Registers a validated plugin's models, networks and dataset modes under the plugin's file. A
 * name that is taken (by a built-in, another plugin, or the same plugin twice) is an error naming
 * both sources, raised before anything of the plugin is registered.
 */
import {
  BaseModel, discriminatorNames, generatorNames, listModels, registerDiscriminator, registerGenerator, registerModel,
  type ModelPlugin,
} from '@translate/core';
import { datasetModeNames, registerDatasetMode } from '@translate/datasets';
import { modelInstanceProblems } from './check_model.js';
import { PluginError } from './errors.js';
import type { PluginContents } from './validate.js';

type Kind = 'model name' | '--netG' | '--netD' | 'dataset mode';

/** The plugin file each network and dataset mode name came from (built-ins are not listed). */
const sources = new Map<string, string>();
const BUILTIN_SOURCE: Record<Exclude<Kind, 'model name'>, string> = {
  '--netG': '@translate/core',
  '--netD': '@translate/core',
  'dataset mode': '@translate/datasets',
};

/** Registers everything in `contents` as coming from `file`; throws `PluginError` on a taken name. */
export function registerPluginContents(contents: PluginContents, file: string): void {
  const problems = duplicateProblems(contents);
  if (problems.length > 0) throw new PluginError(file, problems);
  for (const model of contents.models) registerModel({ ...model, create: checkedCreate(model, file) }, file);
  for (const [name, factory] of contents.generators) {
    registerGenerator(name, factory);
    sources.set(`--netG:${name}`, file);
  }
  for (const [name, factory] of contents.discriminators) {
    registerDiscriminator(name, factory);
    sources.set(`--netD:${name}`, file);
  }
  for (const mode of contents.datasetModes) {
    registerDatasetMode(mode);
    sources.set(`dataset mode:${mode.name}`, file);
  }
}

function duplicateProblems(contents: PluginContents): string[] {
  const taken = new Map<string, string>();
  for (const { plugin, source } of listModels()) for (const name of [plugin.name, ...(plugin.aliases ?? [])]) taken.set(`model name:${name}`, source);
  for (const [kind, names] of [['--netG', generatorNames()], ['--netD', discriminatorNames()], ['dataset mode', datasetModeNames()]] as const) {
    for (const name of names) taken.set(`${kind}:${name}`, sources.get(`${kind}:${name}`) ?? BUILTIN_SOURCE[kind]);
  }
  const wanted: Array<[Kind, string]> = [
    ...contents.models.flatMap((m) => [m.name, ...(m.aliases ?? [])].map((n): [Kind, string] => ['model name', n])),
    ...contents.generators.map(([n]): [Kind, string] => ['--netG', n]),
    ...contents.discriminators.map(([n]): [Kind, string] => ['--netD', n]),
    ...contents.datasetModes.map((m): [Kind, string] => ['dataset mode', m.name]),
  ];
  const problems: string[] = [];
  for (const [kind, name] of wanted) {
    const key = `${kind}:${name}`;
    const owner = taken.get(key);
    if (owner !== undefined) problems.push(`${kind} '${name}' is already registered by ${owner}. Rename one of them.`);
    else taken.set(key, 'this plugin itself');
  }
  return problems;
}

/** The plugin's `create`, followed by the checks of the model it returns. */
function checkedCreate(plugin: ModelPlugin, file: string): ModelPlugin['create'] {
  return (opt, env) => {
    const model = plugin.create(opt, env);
    const problems = modelInstanceProblems(model, env.isTrain);
    if (problems.length === 0) return model;
    if (model instanceof BaseModel) model.dispose();
    throw new PluginError(file, problems.map((p) => `model '${plugin.name}': ${p}`));
  };
}
