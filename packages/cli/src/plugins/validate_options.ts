/**
 * Checks of the option schemas and default overrides that plugins declare, so that a mistake is
 * reported when the plugin loads (naming the option and what is allowed) instead of surfacing as
 * a confusing error, or as an option that silently does nothing, later.
 */
import {
  BASE_OPTIONS,
  OPTION_RANGE_FIELDS,
  OPTION_SPEC_FIELDS,
  TEST_OPTIONS,
  TRAIN_OPTIONS,
  describeRange,
  didYouMean,
  inRange,
  type OptionSchema,
  type OptionSpec,
} from '@translate/core';
import { describeValue, isRecord } from './describe_value.js';

const OPTION_TYPES = ['string', 'int', 'float', 'bool'] as const;
const PHASES = ['both', 'train', 'test'] as const;
const SPEC_KEYS: readonly string[] = OPTION_SPEC_FIELDS;
/** Option names: flag-safe identifiers (`lambda_L1`, `n_layers_D`). */
const OPTION_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Problems of an option schema (`options` of a model plugin or a dataset mode). A model may not
 * declare an option translate already has (it changes that option's default with `defaults`);
 * a dataset mode may re-declare one with the same type (the common data options).
 */
export function optionSchemaProblems(schema: unknown, owner: 'model' | 'dataset mode'): string[] {
  if (!isRecord(schema)) return [`'options' must be an object of option specs (got ${describeValue(schema)}).`];
  return Object.entries(schema).flatMap(([key, spec]) => {
    if (!OPTION_NAME.test(key)) return [`option name '${key}' must start with a letter and contain only letters, digits and _.`];
    return specProblems(spec)
      .concat(collisionProblems(key, spec, owner))
      .map((p) => `option '${key}': ${p}`);
  });
}

function specProblems(spec: unknown): string[] {
  if (!isRecord(spec)) return [`must be an object like { type: 'float', default: 1, help: '...' } (got ${describeValue(spec)}).`];
  const problems = Object.keys(spec)
    .filter((k) => !SPEC_KEYS.includes(k))
    .map((k) => `unknown field '${k}'.${didYouMean(k, SPEC_KEYS)} Fields: ${SPEC_KEYS.join(', ')}.`);
  const { type, help, choices, phase, aliases } = spec;
  if (!(OPTION_TYPES as readonly unknown[]).includes(type)) {
    problems.push(`'type' must be one of ${OPTION_TYPES.join(', ')} (got ${describeValue(type)}).`);
  } else if (spec.default !== undefined && !valueFits(type as OptionSpec['type'], spec.default)) {
    problems.push(`'default' ${describeValue(spec.default)} is not a valid ${String(type)}.`);
  }
  if (typeof help !== 'string' || help.trim() === '') problems.push(`'help' must be a non-empty string (got ${describeValue(help)}).`);
  if (choices !== undefined) {
    if (type !== 'string') problems.push(`'choices' are allowed only for string options.`);
    else if (!Array.isArray(choices) || choices.length === 0 || !choices.every((c) => typeof c === 'string')) {
      problems.push(`'choices' must be a non-empty list of strings (got ${describeValue(choices)}).`);
    } else if (spec.default !== undefined && !(choices as unknown[]).includes(spec.default)) {
      problems.push(`'default' ${describeValue(spec.default)} is not one of its choices (${choices.join(', ')}).`);
    }
  }
  problems.push(...boundProblems(spec));
  if (spec.noEffect !== undefined && (typeof spec.noEffect !== 'string' || spec.noEffect.trim() === '')) {
    problems.push(`'noEffect' must be a non-empty string saying what translate does instead (got ${describeValue(spec.noEffect)}).`);
  }
  if (spec.sets !== undefined && typeof spec.sets !== 'function')
    problems.push(`'sets' must be a function from the value to other options' values (got ${describeValue(spec.sets)}).`);
  if (phase !== undefined && !(PHASES as readonly unknown[]).includes(phase)) {
    problems.push(`'phase' must be one of ${PHASES.join(', ')} (got ${describeValue(phase)}).`);
  }
  if (aliases !== undefined && !(Array.isArray(aliases) && aliases.every((a) => typeof a === 'string' && OPTION_NAME.test(a)))) {
    problems.push(`'aliases' must be a list of option names (got ${describeValue(aliases)}).`);
  }
  return problems;
}

/** Problems of the range fields: numbers, on a number option, with the default inside. */
function boundProblems(spec: Record<string, unknown>): string[] {
  const given = OPTION_RANGE_FIELDS.filter((k) => spec[k] !== undefined);
  if (given.length === 0) return [];
  if (spec.type !== 'int' && spec.type !== 'float')
    return [`${given.map((k) => `'${k}'`).join(', ')} ${given.length === 1 ? 'applies' : 'apply'} only to int and float options.`];
  const notNumbers = given.filter((k) => typeof spec[k] !== 'number' || Number.isNaN(spec[k]));
  if (notNumbers.length > 0) return notNumbers.map((k) => `'${k}' must be a number (got ${describeValue(spec[k])}).`);
  const typed = spec as unknown as OptionSpec;
  if (typed.default !== undefined && typeof typed.default === 'number' && !inRange(typed, typed.default)) {
    return [`'default' ${typed.default} is not ${describeRange(typed)}.`];
  }
  return [];
}

/** Where translate itself declares `key` in the phases the option exists in, if it does. */
function builtinDeclaration(key: string, phase: unknown): [string, OptionSpec] | undefined {
  if (BASE_OPTIONS[key]) return ['base options', BASE_OPTIONS[key]];
  if (phase !== 'test' && TRAIN_OPTIONS[key]) return ['training options', TRAIN_OPTIONS[key]];
  if (phase !== 'train' && TEST_OPTIONS[key]) return ['test options', TEST_OPTIONS[key]];
  return undefined;
}

function collisionProblems(key: string, spec: unknown, owner: 'model' | 'dataset mode'): string[] {
  if (!isRecord(spec)) return [];
  const existing = builtinDeclaration(key, spec.phase);
  if (existing === undefined) return [];
  const [where, declared] = existing;
  if (owner === 'model') {
    return [
      `translate's ${where} already declare it; change its default with the plugin's 'defaults' (or 'trainDefaults' / 'testDefaults') instead.`,
    ];
  }
  return declared.type === spec.type ? [] : [`translate's ${where} declare it as ${declared.type}, not ${describeValue(spec.type)}.`];
}

/** True when `value` is a valid value of an option of `type`. */
export function valueFits(type: OptionSpec['type'], value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'int':
      return typeof value === 'number' && (Number.isInteger(value) || value === Infinity);
    case 'float':
      return typeof value === 'number' && !Number.isNaN(value);
  }
}

/**
 * Problems of a `defaults` / `trainDefaults` / `testDefaults` object: every key must be an option
 * in `known` (else the override would silently do nothing) and every value must fit its type.
 */
export function defaultsProblems(field: string, defaults: unknown, known: OptionSchema): string[] {
  if (defaults === undefined) return [];
  if (!isRecord(defaults)) return [`'${field}' must be an object of option values (got ${describeValue(defaults)}).`];
  return Object.entries(defaults).flatMap(([key, value]) => {
    const spec = known[key];
    if (spec === undefined) return [`'${field}' sets '${key}', which is not an option.${didYouMean(key, Object.keys(known))}`];
    return valueFits(spec.type, value) ? [] : [`'${field}' sets '${key}' to ${describeValue(value)}, which is not a valid ${spec.type}.`];
  });
}
