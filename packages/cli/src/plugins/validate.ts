/**
 * Reads what a plugin module exports (its default export, else `plugin`): a model plugin, a
 * `PluginPackage` of models, networks and dataset modes, or a list of them. Every problem found
 * is collected, so that one run reports all of them.
 */
import {
  BASE_OPTIONS,
  MODEL_PLUGIN_FIELDS,
  TEST_OPTIONS,
  TRAIN_OPTIONS,
  didYouMean,
  listModels,
  type DiscriminatorSpec,
  type GeneratorSpec,
  type ModelPlugin,
  type NetworkFactory,
  type OptionSchema,
} from '@translate/core';
import { DATA_OPTIONS, datasetModeNames, getDatasetMode, type DatasetMode } from '@translate/datasets';
import { describeValue, isRecord } from './describe_value.js';
import { defaultsProblems, optionSchemaProblems } from './validate_options.js';

/** A plugin module's registrations, validated. */
export interface PluginContents {
  models: ModelPlugin[];
  generators: Array<[string, NetworkFactory<GeneratorSpec>]>;
  discriminators: Array<[string, NetworkFactory<DiscriminatorSpec>]>;
  datasetModes: DatasetMode[];
}

/** The outcome of `readPluginExport`: the registrations, and what is wrong (empty when valid). */
export interface PluginReading {
  contents: PluginContents;
  problems: string[];
}

const PACKAGE_KEYS = ['models', 'generators', 'discriminators', 'datasetModes'];
const DATASET_MODE_KEYS = ['name', 'help', 'options', 'defaults', 'trainDefaults', 'testDefaults', 'create'];
const DEFAULTS_FIELDS = ['defaults', 'trainDefaults', 'testDefaults'];
/** Model, network and dataset mode names: what a flag value can hold without quoting. */
const NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** Validates the export of a plugin module's namespace object. */
export function readPluginExport(namespace: Readonly<Record<string, unknown>>): PluginReading {
  const contents: PluginContents = { models: [], generators: [], discriminators: [], datasetModes: [] };
  const exported = namespace.default ?? namespace.plugin;
  if (exported === undefined) {
    const found = Object.keys(namespace);
    return {
      contents,
      problems: [
        `exports no plugin. Export a model plugin, a { ${PACKAGE_KEYS.join(', ')} } object, or a list of them, as 'plugin' or as the default export (found: ${found.length > 0 ? found.join(', ') : 'no exports'}).`,
      ],
    };
  }
  const problems: string[] = [];
  const models: Array<[unknown, string]> = [];
  const items = Array.isArray(exported) ? exported : [exported];
  items.forEach((item, i) => {
    const where = items.length > 1 ? `item ${i + 1} of the exported list` : 'the export';
    if (!isRecord(item))
      problems.push(`${where} must be a model plugin or a { ${PACKAGE_KEYS.join(', ')} } object (got ${describeValue(item)}).`);
    else if (PACKAGE_KEYS.some((k) => k in item)) readPackage(item, contents, problems, models);
    else models.push([item, `model #${models.length + 1}`]);
  });
  const known = knownOptions(contents.datasetModes);
  for (const [model, fallback] of models) {
    const label = isRecord(model) && typeof model.name === 'string' ? `model '${model.name}'` : fallback;
    const found = modelProblems(model, known);
    problems.push(...found.map((p) => `${label}: ${p}`));
    if (found.length === 0) contents.models.push(model as ModelPlugin);
  }
  return { contents, problems };
}

function readPackage(pkg: Record<string, unknown>, contents: PluginContents, problems: string[], models: Array<[unknown, string]>): void {
  for (const key of Object.keys(pkg).filter((k) => !PACKAGE_KEYS.includes(k))) {
    problems.push(`unknown field '${key}' in the exported object.${didYouMean(key, PACKAGE_KEYS)} Fields: ${PACKAGE_KEYS.join(', ')}.`);
  }
  for (const [i, model] of listField(pkg, 'models', problems).entries()) models.push([model, `models[${i}]`]);
  for (const [i, mode] of listField(pkg, 'datasetModes', problems).entries()) {
    const label = isRecord(mode) && typeof mode.name === 'string' ? `dataset mode '${mode.name}'` : `datasetModes[${i}]`;
    const found = datasetModeProblems(mode, models);
    problems.push(...found.map((p) => `${label}: ${p}`));
    if (found.length === 0) contents.datasetModes.push(mode as DatasetMode);
  }
  readNetworks(pkg, 'generators', contents.generators, problems);
  readNetworks(pkg, 'discriminators', contents.discriminators, problems);
}

function listField(pkg: Record<string, unknown>, field: string, problems: string[]): unknown[] {
  const value = pkg[field];
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  problems.push(`'${field}' must be a list (got ${describeValue(value)}).`);
  return [];
}

function readNetworks<S>(
  pkg: Record<string, unknown>,
  field: 'generators' | 'discriminators',
  out: Array<[string, NetworkFactory<S>]>,
  problems: string[],
): void {
  const value = pkg[field];
  if (value === undefined) return;
  const flag = field === 'generators' ? '--netG' : '--netD';
  if (!isRecord(value)) {
    problems.push(`'${field}' must be an object of ${flag} names to factories (spec) => Module (got ${describeValue(value)}).`);
    return;
  }
  for (const [name, factory] of Object.entries(value)) {
    if (!NAME.test(name))
      problems.push(`${field}: '${name}' is not a valid ${flag} name (letters, digits, _, . and -, starting with a letter).`);
    else if (typeof factory !== 'function')
      problems.push(`${field}: '${name}' must be a function (spec) => Module (got ${describeValue(factory)}).`);
    else out.push([name, factory as NetworkFactory<S>]);
  }
}

function modelProblems(model: unknown, known: OptionSchema): string[] {
  if (!isRecord(model)) return [`must be an object (got ${describeValue(model)}).`];
  const problems = unknownFields(model, MODEL_PLUGIN_FIELDS);
  if (typeof model.name !== 'string' || !NAME.test(model.name)) {
    problems.push(`'name' must be a string of letters, digits, _, . and -, starting with a letter (got ${describeValue(model.name)}).`);
  }
  if (model.aliases !== undefined && !(Array.isArray(model.aliases) && model.aliases.every((a) => typeof a === 'string' && NAME.test(a)))) {
    problems.push(`'aliases' must be a list of names (got ${describeValue(model.aliases)}).`);
  }
  if (typeof model.description !== 'string')
    problems.push(`'description' must be a string, one line for 'translate models' (got ${describeValue(model.description)}).`);
  if (typeof model.create !== 'function')
    problems.push(`'create' must be a function (opt, env) => BaseModel (got ${describeValue(model.create)}).`);
  if (
    model.architectureOptions !== undefined &&
    !(Array.isArray(model.architectureOptions) && model.architectureOptions.every((o) => typeof o === 'string'))
  ) {
    problems.push(`'architectureOptions' must be a list of option names (got ${describeValue(model.architectureOptions)}).`);
  }
  if (model.identifyWeights !== undefined && typeof model.identifyWeights !== 'function') {
    problems.push(`'identifyWeights' must be a function (state) => WeightsMatch | null (got ${describeValue(model.identifyWeights)}).`);
  }
  if (model.options !== undefined) problems.push(...optionSchemaProblems(model.options, 'model'));
  const own = isRecord(model.options) ? (model.options as OptionSchema) : {};
  for (const field of DEFAULTS_FIELDS) problems.push(...defaultsProblems(field, model[field], { ...known, ...own }));
  return problems;
}

/** Problems of a dataset mode; its defaults may set any option translate, a model (registered or in `models`) or the mode has. */
function datasetModeProblems(mode: unknown, models: ReadonlyArray<[unknown, string]>): string[] {
  if (!isRecord(mode)) return [`must be an object (got ${describeValue(mode)}).`];
  const problems = unknownFields(mode, DATASET_MODE_KEYS);
  if (typeof mode.name !== 'string' || !NAME.test(mode.name))
    problems.push(`'name' must be a name of letters, digits, _, . and - (got ${describeValue(mode.name)}).`);
  if (typeof mode.help !== 'string') problems.push(`'help' must be a string (got ${describeValue(mode.help)}).`);
  if (typeof mode.create !== 'function')
    problems.push(`'create' must be a function (options, ctx) => Promise<Dataset> (got ${describeValue(mode.create)}).`);
  problems.push(...optionSchemaProblems(mode.options, 'dataset mode'));
  const modelOptions = [...listModels().map((m) => m.plugin), ...models.map(([m]) => m)].map((m) =>
    isRecord(m) && isRecord(m.options) ? (m.options as OptionSchema) : {},
  );
  const known = Object.assign({}, knownOptions([]), ...modelOptions, isRecord(mode.options) ? mode.options : {}) as OptionSchema;
  for (const field of DEFAULTS_FIELDS) problems.push(...defaultsProblems(field, mode[field], known));
  return problems;
}

function unknownFields(value: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(value)
    .filter((k) => !allowed.includes(k))
    .map((k) => `unknown field '${k}'.${didYouMean(k, allowed)} Fields: ${allowed.join(', ')}.`);
}

/** Every option a model's defaults may set: translate's, the data options and every dataset mode's. */
function knownOptions(extraModes: readonly DatasetMode[]): OptionSchema {
  const modes = [...datasetModeNames().map((name) => getDatasetMode(name)), ...extraModes];
  return Object.assign({}, ...modes.map((m) => m.options), DATA_OPTIONS, TEST_OPTIONS, TRAIN_OPTIONS, BASE_OPTIONS) as OptionSchema;
}
