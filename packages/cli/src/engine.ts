/**
 * Runs the engine for `translate train` / `translate test`: selects the backend, seeds every random
 * draw, opens the data, then calls `trainModel` / `testModel` of `@translate/core`.
 */
import * as core from '@translate/core';
import { initBackend, seedEverything, TranslateError, type BackendRequest, type Options } from '@translate/core';
import { openData, type DataSource } from './data_source.js';

/** What a run reports to the user. */
export interface RunHooks {
  log: (line: string) => void;
  warn: (message: string) => void;
  /** Text of `<phase>_opt.txt`. */
  optionsText: string;
}

/** The engine's entry points, as `@translate/core` declares them. */
interface Engine {
  trainModel(opt: Options, hooks: { data: DataSource; log: (line: string) => void; signal?: AbortSignal; optionsText: string }): Promise<{ interrupted: boolean }>;
  testModel(opt: Options, hooks: { data: DataSource; log: (line: string) => void; optionsText: string }): Promise<{ webDir: string }>;
}

/** An engine entry point; a build of core without it is an error (exit code 1). */
function entry<K extends keyof Engine>(name: K): Engine[K] {
  const fn = (core as unknown as Partial<Engine>)[name];
  if (fn === undefined) throw new TranslateError(`This build of @translate/core has no ${name}: the engine is missing. Rebuild with 'pnpm build'.`, { usage: false });
  return fn;
}

async function prepare(opt: Options, hooks: RunHooks): Promise<DataSource> {
  await initBackend(opt.backend as BackendRequest, { log: hooks.log });
  seedEverything(Number(opt.seed));
  return openData(opt, hooks.warn);
}

/** Trains with resolved options; aborting `signal` (Ctrl-C) saves a checkpoint and returns early. */
export async function runTraining(opt: Options, hooks: RunHooks & { signal: AbortSignal }): Promise<{ interrupted: boolean }> {
  const data = await prepare(opt, hooks);
  return entry('trainModel')(opt, { data, log: hooks.log, signal: hooks.signal, optionsText: hooks.optionsText });
}

/** Tests with resolved options; returns the results folder. */
export async function runTest(opt: Options, hooks: RunHooks): Promise<{ webDir: string }> {
  const data = await prepare(opt, hooks);
  return entry('testModel')(opt, { data, log: hooks.log, optionsText: hooks.optionsText });
}
