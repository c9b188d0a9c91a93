/**
 * Errors of the datasets package. Every one is a `TranslateError`: its message says which file or
 * flag was wrong, what was wrong and how to fix it, and `usage` tells the CLI to exit with code 2
 * (bad input) instead of 1 (a failure of the tool or the network).
 */
import { ImageError, TranslateError } from '@translate/core';

/** A dataset that cannot be used as given: missing folder, no images, bad option, bad layout. */
export class DatasetError extends TranslateError {}

/** Whether `err` is about the data as given (a `DatasetError`, or an image that cannot be read or used): what a dataset check reports. */
export function isDataProblem(err: unknown): err is TranslateError {
  return err instanceof DatasetError || err instanceof ImageError;
}

/** A download that failed or whose content was refused (network, checksum, layout). */
export class DownloadError extends TranslateError {
  constructor(message: string, options: { usage?: boolean; cause?: unknown } = {}) {
    super(message, { usage: options.usage ?? false, cause: options.cause });
  }
}
