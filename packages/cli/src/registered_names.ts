/**
 * The names registered for `--model`, `--netG`, `--netD` and `--dataset_mode`, read from their
 * registries when the help is printed, so that the help lists every built-in and plugin name.
 */
import { discriminatorNames, generatorNames, listModels } from '@translate/core';
import { datasetModeNames } from '@translate/datasets';

/** A bracketed list of alternatives in a help text: `[basic | n_layers | pixel]`. */
const HELP_LIST = /\[[^\]]*\|[^\]]*\]/;

/** The registered `--model` names, in registration order. */
export function modelNames(): string[] {
  return listModels().map(({ plugin }) => plugin.name);
}

/** Option name → its registered values. */
const REGISTRIES: Readonly<Record<string, () => readonly string[]>> = {
  model: modelNames,
  netG: generatorNames,
  netD: discriminatorNames,
  dataset_mode: datasetModeNames,
};

/**
 * `help` with its `[a | b | c]` list replaced by the registered values of option `key` (the
 * reference's help keeps its own, partial list); the list is appended when `help` has none.
 */
export function withRegisteredNames(key: string, help: string): string {
  const names = REGISTRIES[key]?.();
  if (names === undefined) return help;
  const list = `[${names.join(' | ')}]`;
  return HELP_LIST.test(help) ? help.replace(HELP_LIST, () => list) : `${help} ${list}`;
}
