/** `translate train`: the reference's train.py. */
import type { Command } from 'commander';
import { formatOptions, type ResolvedOptions } from '@translate/core';
import type { CliContext } from '../context.js';
import { runTraining } from '../engine.js';
import { addOptionsCommand } from './options_command.js';

/** Exit code of a run stopped by Ctrl-C after saving its checkpoint (128 + SIGINT). */
const INTERRUPTED = 130;

/** Adds `train`. */
export function addTrainCommand(program: Command, ctx: CliContext): void {
  addOptionsCommand(program, ctx, {
    phase: 'train',
    description: 'train a model; writes checkpoints/<name>/ (train_opt.txt, loss_log.txt, checkpoints, web/index.html)',
    run: train,
  });
}

async function train({ options, schema }: ResolvedOptions, { io }: CliContext): Promise<number> {
  const optionsText = formatOptions(options, schema);
  io.stdout(optionsText);
  const controller = new AbortController();
  const onSigint = () => {
    io.stderr('translate: interrupted; saving a checkpoint (Ctrl-C again quits at once)\n');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  try {
    const { interrupted } = await runTraining(options, {
      log: (line) => io.stdout(`${line}\n`),
      warn: (message) => io.stderr(`warning: ${message}\n`),
      optionsText,
      signal: controller.signal,
    });
    return interrupted ? INTERRUPTED : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
