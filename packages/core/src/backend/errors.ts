/** Errors of the tensor-runtime layer. */
import { TranslateError } from '../errors.js';

/**
 * A backend that was asked for by name cannot be loaded. The message names the npm package to
 * install (or rebuild) and the underlying reason.
 */
export class BackendUnavailableError extends TranslateError {
  /** The backend that was asked for. */
  readonly backend: string;
  /** The npm package that provides it. */
  readonly packageName: string;
  /** Why it could not be loaded. */
  readonly reason: string;

  constructor(backend: string, packageName: string, reason: string, hint?: string) {
    super(
      `Backend '${backend}' is not available: ${reason}. ` +
        (hint ?? `Install it with \`npm install ${packageName}\``) +
        `, or choose another backend ('auto' picks the fastest that loads).`,
      { usage: true },
    );
    this.backend = backend;
    this.packageName = packageName;
    this.reason = reason;
  }
}
