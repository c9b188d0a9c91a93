/**
 * Errors of the datasets package. Every one is a `TranslateError`: its message says which file or
 * flag was wrong, what was wrong and how to fix it, and `usage` tells the CLI to exit with code 2
 * (bad input) instead of 1 (a failure of the tool or the network).
 */
import { TranslateError } from '@translate/core';

/** A dataset that cannot be used as given: missing folder, no images, bad option, bad layout. */
export class DatasetError extends TranslateError {}

/** An image file that cannot be decoded (corrupt, truncated, unsupported). Names the file. */
export class ImageDecodeError extends DatasetError {
  /** The file that failed. */
  readonly file: string;

  constructor(file: string, reason: string, cause?: unknown) {
    super(`Cannot read image ${file}: ${reason}. Re-export the file as PNG or JPEG, or remove it (or pass --skip_bad_images to skip unreadable files).`, { cause });
    this.file = file;
  }
}

/** A download that failed or whose content was refused (network, checksum, layout). */
export class DownloadError extends TranslateError {
  constructor(message: string, options: { usage?: boolean; cause?: unknown } = {}) {
    super(message, { usage: options.usage ?? false, cause: options.cause });
  }
}
