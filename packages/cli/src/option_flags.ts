/**
 * Option schemas as commander flags, with the reference's names verbatim (`--netG`, `--n_epochs`):
 * booleans are presence flags (argparse `store_true`) that also take an optional `true`/`false`,
 * so `--eval false` (or `--eval=false`) turns off an option whose default (the model's, or a
 * config file's) is on; other options take one value. An option's `aliases` are flags too, shown
 * beside its name in the help. Values stay strings here; `resolveOptions` converts and checks them.
 */
import { Option, type Command } from 'commander';
import { pythonStr, type OptionOrigin, type OptionSet, type OptionSpec } from '@translate/core';
import { withRegisteredNames } from './registered_names.js';

/** Adds one flag per option of `set` and a hidden one per alias, grouped in the help by where the option is declared. */
export function addOptionFlags(command: Command, set: OptionSet): void {
  for (const [key, spec] of Object.entries(set.schema)) {
    const option = new Option(`--${key} ${valueSyntax(spec)}`, describe(key, spec)).helpGroup(heading(set, set.origins[key]!));
    option.flags = flagSyntax(key, spec); // commander parses one name per option; the help shows every name
    command.addOption(option);
    for (const alias of spec.aliases ?? []) command.addOption(new Option(`--${alias} ${valueSyntax(spec)}`).hideHelp());
  }
}

/** How the flag of option `key` is written: `--eval [bool]`, `--netG <value>`, `--preprocess, --preprocess_mode <value>`. */
export function flagSyntax(key: string, spec: OptionSpec): string {
  return `${[key, ...(spec.aliases ?? [])].map((name) => `--${name}`).join(', ')} ${valueSyntax(spec)}`;
}

/** The values given on the command line for the options of `set`, under the names given (`resolveOptions` maps aliases). */
export function commandLineValues(command: Command, set: OptionSet): Record<string, unknown> {
  const given = command.opts();
  const names = Object.entries(set.schema).flatMap(([key, spec]) => [key, ...(spec.aliases ?? [])]);
  return Object.fromEntries(names.filter((name) => given[name] !== undefined).map((name) => [name, given[name]]));
}

/** What the flag takes: `[bool]`, `<value>`, `<int>` or `<float>`. */
function valueSyntax(spec: OptionSpec): string {
  return spec.type === 'bool' ? '[bool]' : `<${spec.type === 'string' ? 'value' : spec.type}>`;
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
  if (spec.choices !== undefined && !spec.choices.every((choice) => spec.help.includes(choice)))
    notes.push(`choices: ${spec.choices.join(', ')}`);
  if (spec.default === undefined) notes.push('required');
  else if (spec.type !== 'bool') notes.push(`default: ${pythonStr(spec.default, spec.type) || "''"}`);
  else if (spec.default) notes.push(`default: on; --${key} false turns it off`);
  const help = withRegisteredNames(key, spec.help);
  return notes.length > 0 ? `${help} (${notes.join('; ')})` : help;
}
