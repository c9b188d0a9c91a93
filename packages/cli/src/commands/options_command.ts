/**
 * The shape `train` and `test` share: flags built from the option schema of the model (and its
 * dataset mode) named by `--model` / `--dataset_mode` or the `--config` file, so that
 * `translate train --model pix2pix --help` lists pix2pix's options; the action resolves
 * defaults → config file → flags, warns once about each flag given that has no effect, and runs.
 */
import type { Command } from 'commander';
import { resolveOptions, resolveSchema, type OptionLayer, type Phase, type ResolvedOptions } from '@translate/core';
import { getDatasetMode } from '@translate/datasets';
import { scanFlag } from '../argv_scan.js';
import { readConfig } from '../config.js';
import type { CliContext } from '../context.js';
import { addOptionFlags, commandLineValues } from '../option_flags.js';
import { addPluginFlag } from '../plugins/flag.js';
import { withoutPlugins } from '../plugins/requests.js';

/** How one options command is described and run. */
export interface OptionsCommandSpec {
  /** The command's name; default: the phase. */
  name?: string;
  /** Whose options the command takes (a command named otherwise, such as `export`, takes one phase's). */
  phase: Phase;
  description: string;
  /** Values under the config file and the flags, from the raw argv (`export` takes `--model` from the checkpoint). */
  defaults?(argv: readonly string[]): OptionLayer;
  /** Adds the command's own flags besides the option schema's. */
  addFlags?(command: Command): void;
  /** Runs with the resolved options and the command's own flags; returns the exit code. */
  run(resolved: ResolvedOptions, ctx: CliContext, flags: Record<string, unknown>): Promise<number>;
}

/** Adds the command; its flags are built only when it is the command being run. */
export function addOptionsCommand(program: Command, ctx: CliContext, spec: OptionsCommandSpec): void {
  const { phase } = spec;
  const name = spec.name ?? phase;
  const command = program.command(name).description(spec.description);
  if (ctx.invoked !== name) return;
  const configPath = scanFlag(ctx.argv, 'config');
  const config: OptionLayer[] = [
    ...(spec.defaults ? [spec.defaults(ctx.argv)] : []),
    ...(configPath === undefined ? [] : [withoutPlugins(readConfig(configPath))]),
  ];
  const chosen: OptionLayer = {
    source: 'the command line',
    commandLine: true,
    values: { model: scanFlag(ctx.argv, 'model'), dataset_mode: scanFlag(ctx.argv, 'dataset_mode') },
  };
  const set = resolveSchema({ phase, layers: [...config, chosen], datasetMode: getDatasetMode });
  addPluginFlag(command)
    .option('--config <file>', 'YAML file of option values (one `name: value` per line); flags on the command line override it')
    .showHelpAfterError(`(run 'translate ${name} --help' to see the options)`);
  spec.addFlags?.(command);
  addOptionFlags(command, set);
  command.action(async () => {
    const flags: OptionLayer = { source: 'the command line', commandLine: true, values: commandLineValues(command, set) };
    const resolved = resolveOptions({ phase, layers: [...config, flags], datasetMode: getDatasetMode });
    for (const warning of resolved.warnings) ctx.io.stderr(`warning: ${warning}\n`);
    ctx.exitCode = await spec.run(resolved, ctx, command.opts());
  });
}
