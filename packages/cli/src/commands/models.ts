/** `translate models`: the registered models, what they do, their options and the defaults they change. */
import type { Command } from 'commander';
import { listModels, pythonStr, type ModelPlugin, type OptionValue } from '@translate/core';
import type { CliContext } from '../context.js';
import { flagSyntax } from '../option_flags.js';
import { addPluginFlag } from '../plugins/flag.js';

/** Adds `models`. */
export function addModelsCommand(program: Command, ctx: CliContext): void {
  addPluginFlag(program.command('models'))
    .description('list the models (--model) with their options')
    .action(() => {
      ctx.io.stdout(
        listModels()
          .map(({ plugin, source }) => describeModel(plugin, source))
          .join('\n'),
      );
    });
}

/** One model's entry: name, aliases, source, description, changed defaults and options. */
function describeModel(plugin: ModelPlugin, source: string): string {
  const aliases = plugin.aliases?.length ? ` (also: ${plugin.aliases.join(', ')})` : '';
  const lines = [`${plugin.name}${aliases}  [${source}]`, `  ${plugin.description}`];
  const defaults = [
    ['sets', plugin.defaults],
    ['when training, sets', plugin.trainDefaults],
    ['when testing, sets', plugin.testDefaults],
  ] as const;
  for (const [label, values] of defaults) {
    if (values !== undefined && Object.keys(values).length > 0) lines.push(`  ${label}: ${assignments(values)}`);
  }
  const options = Object.entries(plugin.options ?? {});
  if (options.length > 0) {
    lines.push('  options:');
    const flags = options.map(([key, spec]) => flagSyntax(key, spec));
    const width = Math.max(...flags.map((f) => f.length)) + 2;
    options.forEach(([, spec], i) => {
      const notes = [spec.default === undefined ? 'required' : `default: ${pythonStr(spec.default, spec.type) || "''"}`];
      if (spec.phase === 'train' || spec.phase === 'test') notes.push(`${spec.phase} only`);
      lines.push(`    ${flags[i]!.padEnd(width)}${spec.help} (${notes.join('; ')})`);
    });
  }
  return `${lines.join('\n')}\n`;
}

function assignments(values: Readonly<Record<string, OptionValue>>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}=${typeof value === 'boolean' ? pythonStr(value, 'bool') : String(value)}`)
    .join(', ');
}
