/**
 * Runs the engine for `translate train` / `translate test`: selects the backend, seeds every random
 * draw, opens the data, then calls `trainModel` / `testModel` of `@translate/core`.
 */
import {
  checkTrainOptions,
  initBackend,
  seedEverything,
  testModel,
  trainModel,
  type BackendRequest,
  type DataSource,
  type Options,
} from '@translate/core';
import { openDataSource } from '@translate/datasets';

/** What a run reports to the user. */
export interface RunHooks {
  log: (line: string) => void;
  warn: (message: string) => void;
  /** Text of `<phase>_opt.txt`. */
  optionsText: string;
}

/** Opens the data first (so dataset problems surface before the backend starts), then the backend. */
async function prepare(opt: Options, hooks: RunHooks): Promise<DataSource> {
  const data = await openDataSource(opt, hooks.warn);
  await initBackend(opt.backend as BackendRequest, { log: hooks.log });
  seedEverything(Number(opt.seed));
  return data;
}

/** Trains with resolved options; aborting `signal` (Ctrl-C, SIGTERM, SIGHUP) saves a checkpoint and returns early. */
export async function runTraining(opt: Options, hooks: RunHooks & { signal: AbortSignal }): Promise<{ interrupted: boolean }> {
  checkTrainOptions(opt);
  const data = await prepare(opt, hooks);
  return trainModel(opt, { data, log: hooks.log, signal: hooks.signal, optionsText: hooks.optionsText });
}

/** Tests with resolved options; returns the results folder. */
export async function runTest(opt: Options, hooks: RunHooks): Promise<{ webDir: string }> {
  const data = await prepare(opt, hooks);
  return testModel(opt, { data, log: hooks.log, optionsText: hooks.optionsText });
}
