import { TranslateError } from '../errors.js';

/**
 * A checkpoint file (safetensors, PyTorch `.pth`, or the pickle inside one) that cannot be read or
 * written: truncated data, out-of-range offsets, an unknown dtype, a disallowed pickle global, a
 * legacy format. The message is `<path>: <problem>` when the file is known, else the problem.
 */
export class CheckpointFormatError extends TranslateError {
  /** The file the problem was found in, when the caller gave one. */
  readonly path: string | undefined;

  /** `problem` says what is wrong; `path` (optional) leads the message as `<path>: `. */
  constructor(problem: string, path?: string, options?: { cause?: unknown }) {
    super(path === undefined ? problem : `${path}: ${problem}`, options?.cause === undefined ? {} : { cause: options.cause });
    this.path = path;
  }
}
