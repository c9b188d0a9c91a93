/**
 * Option resolution in the reference's order (`gather_options`), with config files on top:
 *
 * 1. the schema is the base options, the phase's options, the model plugin's options and the
 *    dataset mode's options;
 * 2. defaults are the declared ones, then the test phase's (`model=test`, `load_size=crop_size`),
 *    then the model's (`defaults`, then `trainDefaults`/`testDefaults`), then the dataset mode's
 *    (likewise);
 * 3. then each layer of values in order (e.g. a YAML config file, then the command line), where an
 *    option may also be given under one of its `aliases`.
 *
 * The model is chosen by the highest layer that sets `model` (else the phase's default); the
 * dataset mode by the highest layer that sets `dataset_mode`, else the model's default, so a model
 * can change which dataset is loaded but a dataset cannot change the model. Every problem a user
 * can cause is an `OptionError` naming the option, where it came from, and what is allowed.
 */
import { OptionError, TranslateError } from '../errors.js';
import { getModel, type ModelPlugin } from '../model/plugin.js';
import { aliasTargets } from './aliases.js';
import { BASE_OPTIONS, TEST_DEFAULTS, TEST_OPTIONS, TRAIN_OPTIONS } from './base_options.js';
import { pythonStr } from './format.js';
import {
  describeRange,
  inRange,
  type DefaultOverrides,
  type OptionSchema,
  type OptionSpec,
  type OptionValue,
  type Options,
} from './schema.js';
import { didYouMean } from '../suggest.js';

/** Which command the options are for. */
export type Phase = 'train' | 'test';

/**
 * A dataset mode as option resolution sees it: its options, and the defaults it changes (the
 * reference's dataset `set_defaults`), applied after the model's.
 */
export interface DatasetModeInfo extends DefaultOverrides {
  name: string;
  /**
   * Options the mode reads. Names declared already (base, phase or model) keep that declaration,
   * except that the mode's `choices` replace the declared ones: the mode decides which values it
   * reads (SPADE's modes take `--preprocess fixed`).
   */
  options?: OptionSchema;
}

/** One source of option values. */
export interface OptionLayer {
  /** Where the values come from, for messages: a file path, `the command line`, ... */
  source: string;
  /** Values by option name; strings are converted to the option's type, `undefined` is skipped. */
  values: Readonly<Record<string, unknown>>;
  /** True for the command line: messages name options as `--flag`. */
  commandLine?: boolean;
  /** The line of each key in the source file, for messages. */
  lines?: Readonly<Record<string, number>>;
}

/** What to resolve. */
export interface ResolveRequest {
  phase: Phase;
  /** Value layers, lowest priority first (e.g. the config file, then the command line). */
  layers?: readonly OptionLayer[];
  /**
   * Looks up a dataset mode by name (throwing a usage error for unknown names). Without it,
   * `dataset_mode` is not checked and adds no options.
   */
  datasetMode?: (name: string) => DatasetModeInfo;
}

/** Where an option is declared. */
export type OptionOrigin = 'base' | 'phase' | 'model' | 'dataset';

/** The options a command accepts for the chosen model and dataset mode. */
export interface OptionSet {
  phase: Phase;
  model: ModelPlugin;
  datasetMode: DatasetModeInfo | undefined;
  /** Every option, with its effective default (what `formatOptions` compares against). */
  schema: OptionSchema;
  /** Where each option of `schema` is declared. */
  origins: Readonly<Record<string, OptionOrigin>>;
}

/** The outcome of `resolveOptions`: the option set and every option's value. */
export interface ResolvedOptions extends OptionSet {
  options: Options;
  /** One line per option given that has no effect in translate (its `noEffect`), for the user. */
  warnings: readonly string[];
}

/**
 * Chooses the model and dataset mode from the layers and builds the schema with effective
 * defaults. Unknown model names throw an `OptionError` listing the registered ones.
 */
export function resolveSchema(request: ResolveRequest): OptionSet {
  const { phase, layers = [] } = request;
  const phaseDefaults: Readonly<Record<string, OptionValue>> = phase === 'test' ? TEST_DEFAULTS : {};
  const schema: Record<string, OptionSpec> = {};
  const origins: Record<string, OptionOrigin> = {};
  const declare = (from: OptionSchema, origin: OptionOrigin) => {
    for (const [key, spec] of Object.entries(from)) {
      if (!inPhase(spec, phase)) continue;
      const existing = schema[key];
      if (existing === undefined) {
        schema[key] = spec;
        origins[key] = origin;
      } else if (origin === 'model' || existing.type !== spec.type) {
        throw new TranslateError(
          `Option '${key}' is declared twice (${origins[key]} options and ${origin} options${existing.type !== spec.type ? `, as ${existing.type} and ${spec.type}` : ''}). A plugin changes another option's default with its 'defaults', not by declaring it again.`,
          { usage: false },
        );
      } else if (spec.choices !== undefined) {
        schema[key] = { ...existing, choices: spec.choices };
      }
    }
  };
  declare(BASE_OPTIONS, 'base');
  declare(phase === 'train' ? TRAIN_OPTIONS : TEST_OPTIONS, 'phase');

  const modelName = layeredValue(layers, 'model', schema.model!) ?? phaseDefaults.model ?? schema.model!.default;
  const model = getModel(String(modelName));
  declare(model.options ?? {}, 'model');
  const modelDefaults = defaultsFor(model, phase);

  const modeName = layeredValue(layers, 'dataset_mode', schema.dataset_mode!) ?? modelDefaults.dataset_mode ?? schema.dataset_mode!.default;
  const datasetMode = request.datasetMode?.(String(modeName));
  declare(datasetMode?.options ?? {}, 'dataset');

  // Defaults for options that the chosen model or dataset mode does not have are skipped.
  for (const defaults of [phaseDefaults, modelDefaults, defaultsFor(datasetMode ?? {}, phase)]) {
    for (const [key, value] of Object.entries(defaults)) {
      if (schema[key] !== undefined) schema[key] = { ...schema[key]!, default: value };
    }
  }
  return { phase, model, datasetMode, schema, origins };
}

/** The defaults a model plugin or dataset mode sets in `phase`: its `defaults`, then its `trainDefaults` or `testDefaults`. */
export function defaultsFor(owner: DefaultOverrides, phase: Phase): Record<string, OptionValue> {
  return { ...owner.defaults, ...(phase === 'train' ? owner.trainDefaults : owner.testDefaults) };
}

/**
 * Resolves every option of `request.phase`: the schema of `resolveSchema`, its defaults, then the
 * layers. Throws `OptionError` for an unknown key (suggesting the closest name), a value of the
 * wrong type or outside `choices`, a required option left unset, or one option set twice in one
 * layer (under its name and an alias, or also through another option's `sets`). Keys that are
 * options of the other phase only (e.g. `lr` when testing) are skipped outside the command line, so
 * one config file serves `train` and `test`. The model's name is canonical (`cycle_gan` →
 * `cyclegan`), and a non-empty `suffix` is appended to `name` as `_<suffix>` with `{option}` fields
 * filled in from the values as given (`{model}` is `cycle_gan` when the user typed that).
 */
export function resolveOptions(request: ResolveRequest): ResolvedOptions {
  const set = resolveSchema(request);
  const { schema, phase } = set;
  const values: Record<string, OptionValue | undefined> = {};
  for (const [key, spec] of Object.entries(schema)) values[key] = spec.default;
  const otherPhase = otherPhaseKeys(phase, set.model);
  const aliases = aliasTargets(schema);
  const warnings = new Map<string, string>();
  for (const layer of request.layers ?? []) {
    const givenAs = new Map<string, string>();
    const implied: Array<[string, Readonly<Record<string, OptionValue>>]> = [];
    for (const [given, raw] of Object.entries(layer.values)) {
      if (raw === undefined) continue;
      const key = aliases.get(given) ?? given;
      const spec = schema[key];
      if (spec === undefined) {
        if (!layer.commandLine && otherPhase.has(given)) continue;
        throw new OptionError(
          `Unknown option ${where(given, layer)}.${didYouMean(given, Object.keys(schema))} See 'translate ${phase} --help' for the options.`,
        );
      }
      const earlier = givenAs.get(key);
      if (earlier !== undefined) throw setTwiceError(where(earlier, layer), where(given, layer));
      givenAs.set(key, given);
      values[key] = coerce(given, spec, raw, layer);
      if (spec.sets !== undefined) implied.push([given, spec.sets(values[key])]);
      if (spec.noEffect !== undefined) warnings.set(key, `${where(given, layer)} has no effect: ${spec.noEffect}`);
    }
    for (const [given, sets] of implied) {
      for (const [key, value] of Object.entries(sets)) {
        const earlier = givenAs.get(key);
        if (earlier !== undefined)
          throw new OptionError(
            `${where(given, layer)} sets ${key} (to ${pythonStr(value, schema[key]!.type)}), and ${where(earlier, layer)} sets it too; give only one of them.`,
          );
        givenAs.set(key, given);
        values[key] = value;
      }
    }
  }
  const missing = Object.keys(schema).filter((key) => values[key] === undefined);
  if (missing.length > 0) {
    const first = missing[0]!;
    throw new OptionError(
      `Missing required option --${first} (${schema[first]!.help}). Pass --${first} on the command line or set ${first} in a --config file.`,
    );
  }
  const options = values as Options;
  if (options.suffix !== '') options.name = `${String(options.name)}_${expandSuffix(String(options.suffix), options, schema)}`;
  options.model = set.model.name;
  return { ...set, options, warnings: [...warnings.values()] };
}

/**
 * The value of every option of `schema` for a library caller (e.g. a dataset mode given a plain
 * object): the given one (under its name or an alias), converted as a config file's would be
 * (`'256'` → 256), else the default. Keys outside the schema are ignored, so a whole options object
 * may be passed. Throws `OptionError` naming `--key` for a required option left unset, one given
 * under two names, or a value of the wrong type or outside `choices`.
 */
export function schemaValues(schema: OptionSchema, given: Readonly<Record<string, unknown>>): Options {
  const layer: OptionLayer = { source: 'the options', values: given, commandLine: true };
  const out: Options = {};
  for (const [key, spec] of Object.entries(schema)) {
    const [name, twice] = [key, ...(spec.aliases ?? [])].filter((n) => given[n] !== undefined);
    if (name !== undefined && twice !== undefined) throw setTwiceError(`--${name}`, `--${twice}`);
    const value = name === undefined ? spec.default : coerce(name, spec, given[name], layer);
    if (value === undefined) throw new OptionError(`Missing required option --${key} (${spec.help}).`);
    out[key] = value;
  }
  return out;
}

function inPhase(spec: OptionSpec, phase: Phase): boolean {
  return spec.phase === undefined || spec.phase === 'both' || spec.phase === phase;
}

/** Option names (and aliases) that exist only in the other phase (its own options and the model's). */
function otherPhaseKeys(phase: Phase, model: ModelPlugin): Set<string> {
  const other: Phase = phase === 'train' ? 'test' : 'train';
  const specs = [
    ...Object.entries(other === 'train' ? TRAIN_OPTIONS : TEST_OPTIONS),
    ...Object.entries(model.options ?? {}).filter(([, spec]) => spec.phase === other),
  ];
  return new Set(specs.flatMap(([key, spec]) => [key, ...(spec.aliases ?? [])]));
}

/** One option given twice in one layer, under its name and an alias (`first`, `second` as messages name them). */
function setTwiceError(first: string, second: string): OptionError {
  return new OptionError(`${first} and ${second} are the same option (one is an alias of the other); set only one of them.`);
}

/** The value the highest layer gives `key`, converted; undefined when no layer sets it. */
function layeredValue(layers: readonly OptionLayer[], key: string, spec: OptionSpec): OptionValue | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const raw = layers[i]!.values[key];
    if (raw !== undefined) return coerce(key, spec, raw, layers[i]!);
  }
  return undefined;
}

/** How a message names `key` of `layer`: `--key`, or `'key' (file:line)`. */
function where(key: string, layer: OptionLayer): string {
  if (layer.commandLine) return `--${key}`;
  const line = layer.lines?.[key];
  return `'${key}' (${layer.source}${line === undefined ? '' : `:${line}`})`;
}

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INFINITY = /^[+-]?(inf|infinity)$/i;

/** Converts a raw value (a string from the command line, or a YAML scalar) to the option's type. */
function coerce(key: string, spec: OptionSpec, raw: unknown, layer: OptionLayer): OptionValue {
  const value = convert(spec, raw);
  if (value === undefined) {
    if (spec.type === 'int' && tooLargeInteger(raw)) {
      throw new OptionError(
        `${where(key, layer)} is too large: ${show(raw)} cannot be held exactly; integers must lie within ±${Number.MAX_SAFE_INTEGER} (2^53 - 1).`,
      );
    }
    const expected = { string: 'a string', int: 'an integer', float: 'a number', bool: 'true or false' }[spec.type];
    throw new OptionError(`${where(key, layer)} expects ${expected}, got ${show(raw)}.`);
  }
  if (spec.choices !== undefined && !spec.choices.includes(String(value))) {
    throw new OptionError(
      `${where(key, layer)} must be one of ${spec.choices.join(', ')}; got ${show(raw)}.${didYouMean(String(value), spec.choices)}`,
    );
  }
  if (!inRange(spec, value)) throw new OptionError(`${where(key, layer)} must be ${describeRange(spec)} (${spec.help}); got ${show(raw)}.`);
  return value;
}

function convert(spec: OptionSpec, raw: unknown): OptionValue | undefined {
  // Infinity only where the default is (`max_dataset_size`, as the reference's float('inf')).
  const allowInfinity = spec.default === Infinity;
  switch (spec.type) {
    case 'string':
      return typeof raw === 'string' || typeof raw === 'number' ? String(raw) : undefined;
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
      return undefined;
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseNumber(raw, INT, allowInfinity) : undefined;
      // Beyond 2^53 a number is no longer the integer typed (99999999999999999999 reads as 1e20).
      return n !== undefined && (Number.isSafeInteger(n) || (allowInfinity && n === Infinity)) ? n : undefined;
    }
    case 'float': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseNumber(raw, FLOAT, allowInfinity) : undefined;
      return n !== undefined && (Number.isFinite(n) || (allowInfinity && n === Infinity)) ? n : undefined;
    }
  }
}

/** True for an integer (typed or a number) beyond 2^53 - 1 in size, which a double cannot hold exactly. */
function tooLargeInteger(raw: unknown): boolean {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && INT.test(raw.trim()) ? Number(raw.trim()) : NaN;
  return Number.isInteger(n) && !Number.isSafeInteger(n);
}

function parseNumber(text: string, pattern: RegExp, allowInfinity: boolean): number | undefined {
  const trimmed = text.trim();
  if (pattern.test(trimmed)) return Number(trimmed);
  if (allowInfinity && INFINITY.test(trimmed)) return trimmed.startsWith('-') ? -Infinity : Infinity;
  return undefined;
}

function show(raw: unknown): string {
  return typeof raw === 'string' ? `'${raw}'` : (JSON.stringify(raw) ?? String(raw));
}

/** Python's `suffix.format(**opt)` for `{option}` fields (`{{` and `}}` are literal braces). */
function expandSuffix(suffix: string, opt: Options, schema: OptionSchema): string {
  return suffix.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (match, key: string | undefined) => {
    if (key === undefined) return match[0]!;
    const spec = schema[key];
    if (spec === undefined) {
      throw new OptionError(`--suffix '${suffix}' refers to {${key}}, which is not an option.${didYouMean(key, Object.keys(schema))}`);
    }
    return pythonStr(opt[key], spec.type);
  });
}
