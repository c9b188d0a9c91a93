/**
 * Option schemas as commander flags, with the reference's names verbatim (`--netG`, `--n_epochs`):
 * booleans are presence flags (argparse `store_true`) that also take an optional `true`/`false`,
 * so `--eval false` (or `--eval=false`) turns off an option whose default (the model's, or a
 * config file's) is on; other options take one value. Values stay strings here; `resolveOptions`
 * converts and checks them.
 */
import { Option, type Command } from 'commander';
import { pythonStr, type OptionOrigin, type OptionSet, type OptionSpec } from '@translate/core';

/** Adds one flag per option of `set`, grouped in the help by where the option is declared. */
export function addOptionFlags(command: Command, set: OptionSet): void {
  for (const [key, spec] of Object.entries(set.schema)) {
    command.addOption(new Option(flagSyntax(key, spec), describe(key, spec)).helpGroup(heading(set, set.origins[key]!)));
  }
}

/** How the flag of option `key` is written: `--eval [bool]`, `--netG <value>`, `--ngf <int>`. */
export function flagSyntax(key: string, spec: OptionSpec): string {
  return spec.type === 'bool' ? `--${key} [bool]` : `--${key} <${spec.type === 'string' ? 'value' : spec.type}>`;
}

/** The values given on the command line for the options of `set`. */
export function commandLineValues(command: Command, set: OptionSet): Record<string, unknown> {
  const given = command.opts();
  return Object.fromEntries(Object.keys(set.schema).filter((key) => given[key] !== undefined).map((key) => [key, given[key]]));
}

function heading(set: OptionSet, origin: OptionOrigin): string {
  switch (origin) {
    case 'base':
      return 'Options:';
    case 'phase':
      return set.phase === 'train' ? 'Training options:' : 'Test options:';
    case 'model':
      return `Options of model '${set.model.name}':`;
    case 'dataset':
      return `Options of dataset mode '${set.datasetMode?.name ?? ''}':`;
  }
}

function describe(key: string, spec: OptionSpec): string {
  const notes: string[] = [];
  if (spec.choices !== undefined && !spec.choices.every((choice) => spec.help.includes(choice))) notes.push(`choices: ${spec.choices.join(', ')}`);
  if (spec.default === undefined) notes.push('required');
  else if (spec.type !== 'bool') notes.push(`default: ${pythonStr(spec.default, spec.type) || "''"}`);
  else if (spec.default) notes.push(`default: on; --${key} false turns it off`);
  return notes.length > 0 ? `${spec.help} (${notes.join('; ')})` : spec.help;
}
