/**
 * Option schemas: the typed, documented description of every flag. Base, train and test options
 * (the reference's names and defaults), each model plugin and each dataset mode declare a schema;
 * the CLI turns schemas into flags, YAML config keys are checked against them, and checkpoints
 * store the resolved values.
 */

/** Value types an option can have. */
export type OptionType = 'string' | 'int' | 'float' | 'bool';

/** A resolved option value. */
export type OptionValue = string | number | boolean;

/** One option: type, default, help text, optional allowed values. */
export interface OptionSpec {
  type: OptionType;
  /** Default value; `undefined` means required (e.g. `dataroot` for training). */
  default?: OptionValue;
  help: string;
  /** Allowed values for a string option (an unknown value is an error listing these). */
  choices?: readonly string[];
  /** Where the option exists: both phases (default), training only, or testing only. */
  phase?: 'both' | 'train' | 'test';
  /**
   * Other spellings accepted on the command line and in config files (e.g. SPADE's
   * `preprocess_mode` for `preprocess`); the value is stored and printed under the option's name.
   */
  aliases?: readonly string[];
  /**
   * A published flag translate accepts without its effect: what translate does instead. Giving the
   * option prints one warning, `--<name> has no effect: <noEffect>` (e.g. visdom's `--display_id`).
   */
  noEffect?: string;
  /**
   * A published flag that stands for other options' values (leftthomas/SRGAN's `--num_epochs N` is
   * `--n_epochs N --n_epochs_decay 0`): giving it sets those options in the same layer.
   */
  sets?: (value: OptionValue) => Readonly<Record<string, OptionValue>>;
  /** Smallest allowed value of a number option (JSON Schema's `minimum`): `--ngf` has 1. */
  minimum?: number;
  /** A number option's values must be above this (JSON Schema's `exclusiveMinimum`): `--aspect_ratio` has 0. */
  exclusiveMinimum?: number;
  /** Largest allowed value of a number option (JSON Schema's `maximum`): `--display_port` has 65535. */
  maximum?: number;
  /** A number option's values must be below this (JSON Schema's `exclusiveMaximum`): Adam's `--beta1` has 1. */
  exclusiveMaximum?: number;
}

/** Every field of {@link OptionSpec}, once: the compiler rejects a field missing here or one that the interface lacks. */
const OPTION_SPEC_FIELD_SET: { readonly [K in keyof OptionSpec]-?: true } = {
  type: true,
  default: true,
  help: true,
  choices: true,
  phase: true,
  aliases: true,
  noEffect: true,
  sets: true,
  minimum: true,
  exclusiveMinimum: true,
  maximum: true,
  exclusiveMaximum: true,
};

/** The fields an option spec may have, in declaration order (plugin validation accepts these). */
export const OPTION_SPEC_FIELDS = Object.keys(OPTION_SPEC_FIELD_SET) as ReadonlyArray<keyof OptionSpec>;

/** The bound fields of {@link OptionSpec} with the words a message uses for each. */
const BOUNDS = [
  ['minimum', 'at least', (v: number, b: number) => v >= b],
  ['exclusiveMinimum', 'above', (v: number, b: number) => v > b],
  ['maximum', 'at most', (v: number, b: number) => v <= b],
  ['exclusiveMaximum', 'below', (v: number, b: number) => v < b],
] as const;

/** The range fields of {@link OptionSpec} (`minimum`, `exclusiveMinimum`, `maximum`, `exclusiveMaximum`). */
export const OPTION_RANGE_FIELDS = BOUNDS.map(([field]) => field);

/**
 * The declared range of a number option in words (`at least 1`, `at least 0 and below 1`), or
 * undefined when it declares none.
 */
export function describeRange(spec: OptionSpec): string | undefined {
  const parts = BOUNDS.flatMap(([field, words]) => (spec[field] === undefined ? [] : [`${words} ${spec[field]}`]));
  return parts.length === 0 ? undefined : parts.join(' and ');
}

/** True when `value` lies in the declared range of `spec` (always true for non-number values). */
export function inRange(spec: OptionSpec, value: OptionValue): boolean {
  if (typeof value !== 'number') return true;
  return BOUNDS.every(([field, , holds]) => spec[field] === undefined || holds(value, spec[field]));
}

/** Options by flag name (the reference's snake_case names, e.g. `n_epochs`). */
export type OptionSchema = Readonly<Record<string, OptionSpec>>;

/**
 * New defaults for options declared anywhere (base, phase, model or dataset options): what a model
 * plugin or a dataset mode changes, as the reference's `set_defaults`. A default for an option the
 * run does not have (e.g. a dataset mode's default for another model's option) is skipped.
 */
export interface DefaultOverrides {
  /** New defaults in both phases. */
  defaults?: Readonly<Record<string, OptionValue>>;
  /** New defaults that apply only when training (after `defaults`). */
  trainDefaults?: Readonly<Record<string, OptionValue>>;
  /** New defaults that apply only when testing (after `defaults`). */
  testDefaults?: Readonly<Record<string, OptionValue>>;
}

/** Fully resolved options: every schema key has a value. */
export type Options = Record<string, OptionValue>;

/** Reads a number option (a resolved option of the wrong type is a programming error). */
export function optNumber(opt: Options, key: string): number {
  const value = opt[key];
  if (typeof value !== 'number') throw new TypeError(`option '${key}' is ${typeof value}, expected a number`);
  return value;
}

/** Reads a string option. */
export function optString(opt: Options, key: string): string {
  const value = opt[key];
  if (typeof value !== 'string') throw new TypeError(`option '${key}' is ${typeof value}, expected a string`);
  return value;
}

/** Reads a boolean option. */
export function optBool(opt: Options, key: string): boolean {
  const value = opt[key];
  if (typeof value !== 'boolean') throw new TypeError(`option '${key}' is ${typeof value}, expected a boolean`);
  return value;
}
