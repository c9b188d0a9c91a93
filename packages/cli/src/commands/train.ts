/** `translate train`: the reference's train.py. */
import { constants } from 'node:os';
import type { Command } from 'commander';
import { formatOptions, type ResolvedOptions } from '@translate/core';
import type { CliContext } from '../context.js';
import { runTraining } from '../engine.js';
import { addOptionsCommand } from './options_command.js';

/** Signals that stop a run after saving `latest`: Ctrl-C, `docker stop`/systemd/Slurm/Kubernetes, a closed terminal. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

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
  // The first stop signal saves `latest` after the current step; a second one (the handlers are gone) quits at once.
  const onSignal = (signal: NodeJS.Signals) => {
    for (const s of STOP_SIGNALS) process.off(s, onSignal);
    io.stderr(
      `translate: ${signal} received; saving checkpoint 'latest' after the current step, then exiting (send it again to quit at once without saving)\n`,
    );
    controller.abort(signal);
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  try {
    const { interrupted } = await runTraining(options, {
      log: (line) => io.stdout(`${line}\n`),
      warn: (message) => io.stderr(`warning: ${message}\n`),
      optionsText,
      signal: controller.signal,
    });
    // 128 + the signal's number, as a shell reports a process that the signal stopped (130, 143, 129).
    return interrupted ? 128 + constants.signals[controller.signal.reason as NodeJS.Signals] : 0;
  } finally {
    for (const s of STOP_SIGNALS) process.off(s, onSignal);
  }
}
