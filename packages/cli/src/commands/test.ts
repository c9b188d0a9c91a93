/** `translate test`: the reference's test.py. */
import type { Command } from 'commander';
import { formatOptions, type ResolvedOptions } from '@translate/core';
import type { CliContext } from '../context.js';
import { runTest } from '../engine.js';
import { addOptionsCommand } from './options_command.js';

/** Adds `test`. */
export function addTestCommand(program: Command, ctx: CliContext): void {
  addOptionsCommand(program, ctx, {
    phase: 'test',
    description: 'run a trained model on a dataset; writes results/<name>/<phase>_<epoch>/index.html',
    run: test,
  });
}

async function test({ options, schema }: ResolvedOptions, { io }: CliContext): Promise<number> {
  const optionsText = formatOptions(options, schema);
  io.stdout(optionsText);
  await runTest(options, {
    log: (line) => io.stdout(`${line}\n`),
    warn: (message) => io.stderr(`warning: ${message}\n`),
    optionsText,
  });
  return 0;
}
