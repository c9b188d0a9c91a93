import { TranslateError } from '../errors.js';

/**
 * A checkpoint file (safetensors, PyTorch `.pth`, or the pickle inside one) that cannot be read or
 * written: truncated data, out-of-range offsets, an unknown dtype, a disallowed pickle global, a
 * legacy format. The message names the problem and, when known, the file path.
 */
export class CheckpointFormatError extends TranslateError {
  /** The file the problem was found in, when the caller gave one. */
  readonly path: string | undefined;

  /** `problem` says what is wrong; `path` (optional) is appended as `: <path>`. */
  constructor(problem: string, path?: string, options?: { cause?: unknown }) {
    super(path === undefined ? problem : `${problem}: ${path}`, options?.cause === undefined ? {} : { cause: options.cause });
    this.path = path;
  }
}
