/** How the CLI reports a failed run: one clear message on stderr and an exit code. */
import { CommanderError } from 'commander';
import { TrainingStopped, TranslateError } from '@translate/core';
import { describeFsError } from './fs_errors.js';
import type { CliIo } from './io.js';

/** Exit code of a usage error (bad flag, option, config file or input data). */
export const USAGE_ERROR = 2;

/** What an abort of the wasm runtime almost always means, and what to do. */
export const WASM_ABORT_HINT =
  'The wasm backend aborted, most often because its memory (at most 4 GiB) is full: use a smaller ' +
  '--crop_size, --batch_size or --ngf/--ndf, or a backend without that limit (@tensorflow/tfjs-node).';

/** What an allocation that JavaScript or the image decoder refused means, and what to do. */
export const OUT_OF_MEMORY_HINT =
  'Out of memory: these options ask for larger tensors or images than this process can hold. Use a smaller ' +
  '--crop_size/--load_size (or --preprocess that crops), --batch_size or --ngf/--ndf.';

/** Messages of allocations that failed: V8's typed arrays and buffers, and sharp/libvips. */
const OUT_OF_MEMORY = /^(Invalid typed array length|Array buffer allocation failed|Invalid array length)|out of memory/i;

/**
 * Prints an error and returns its exit code. Commander has already printed its own message (with a
 * hint): 2, or 0 after `--help`. A `TranslateError` prints `translate: <message>`: 2 when it is a
 * usage error, else 1. A filesystem error of the environment (EACCES, EROFS, ENOSPC, ENOENT, …)
 * prints the path, what failed and what to do: 2. A training run that stopped on an error reports
 * that error, then whether `latest` was saved. Anything else prints its first line (and, for an
 * abort of the wasm runtime or a failed allocation, what it means), and its stack when `TRANSLATE_DEBUG=1`: 1.
 */
export function reportError(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : USAGE_ERROR;
  if (err instanceof TrainingStopped) {
    const code = reportError(err.cause, io);
    io.stderr(`translate: ${err.note}\n`);
    return code === 0 ? 1 : code;
  }
  const fsMessage = describeFsError(err);
  if (fsMessage !== null) {
    io.stderr(`translate: ${fsMessage}\n`);
    if (io.env.TRANSLATE_DEBUG === '1' && err instanceof Error) io.stderr(`${err.stack}\n`);
    return USAGE_ERROR;
  }
  if (err instanceof TranslateError) {
    io.stderr(`translate: ${err.message}\n`);
    return err.usage ? USAGE_ERROR : 1;
  }
  const error = err instanceof Error ? err : new Error(String(err));
  io.stderr(`translate: ${error.message.split('\n')[0]}\n`);
  if (error.name === 'RuntimeError' && error.message.startsWith('Aborted(')) io.stderr(`${WASM_ABORT_HINT}\n`);
  else if (OUT_OF_MEMORY.test(error.message)) io.stderr(`${OUT_OF_MEMORY_HINT}\n`);
  io.stderr(io.env.TRANSLATE_DEBUG === '1' ? `${error.stack}\n` : 'Set TRANSLATE_DEBUG=1 to see the stack trace.\n');
  return 1;
}
