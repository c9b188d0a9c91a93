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
