import { referenceNameAdvice } from './reference_names.js';
import { didYouMean } from './suggest.js';

/**
 * Errors that translate reports to users. A `TranslateError` carries a message meant to be read by a
 * person (what was wrong, where, how to fix it); the CLI prints only the message, never a stack.
 */
export class TranslateError extends Error {
  /** True when the error is caused by how the tool was invoked (bad flag, bad file): exit code 2. */
  readonly usage: boolean;

  constructor(message: string, options: { usage?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.usage = options.usage ?? true;
  }
}

/** A name that is already registered (a model, network or dataset mode of two packages or plugins). */
export class RegistryError extends TranslateError {}

/** An image that cannot be used as given (its channels, its file name); names the file. */
export class ImageError extends TranslateError {}

/** An image file that cannot be decoded (corrupt, truncated, unsupported). Names the file. */
export class ImageDecodeError extends ImageError {
  /** The file that failed. */
  readonly file: string;

  constructor(file: string, reason: string, cause?: unknown) {
    super(
      `Cannot read image ${file}: ${reason}. Re-export the file as PNG or JPEG, or remove it (or pass --skip_bad_images to skip unreadable files).`,
      { cause },
    );
    this.file = file;
  }
}

/** A bad option value or combination (unknown name, wrong type, unsupported combination). */
export class OptionError extends TranslateError {}

/** An input whose shape a network cannot take (e.g. U-Net 256 on a 200 px image). */
export class InputShapeError extends TranslateError {}

/** A state dict that does not fit a module: missing or unexpected keys, or shape mismatches. */
export class StateDictError extends TranslateError {}

/**
 * Lists known names for an "unknown X" message, with a "Did you mean" when one name is close; a
 * reference name that translate answers differently (e.g. the template model) gets its advice.
 */
export function unknownNameMessage(kind: string, name: string, known: readonly string[]): string {
  const advice = referenceNameAdvice(kind, name);
  if (advice !== undefined) return `No ${kind} '${name}' in translate: ${advice}`;
  return `Unknown ${kind} '${name}'.${didYouMean(name, known)} Known: ${[...known].sort().join(', ')}.`;
}
