/** Gives filesystem errors the path they concern, so they can be reported as "what failed where". */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Runs `write` and rethrows a filesystem error (one with a Node `code`) that names no path (e.g. a
 * `write` that hits ENOSPC) with `path` set, so the CLI can say which file could not be written.
 */
export function atPath<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    const fsError = error as NodeJS.ErrnoException;
    if (typeof fsError?.code === 'string' && fsError.path === undefined) fsError.path = path;
    throw error;
  }
}

/**
 * `mkdir -p path`, with the real reason when it fails: Node's recursive mkdir reports ENOENT for a
 * read-only file system or a folder without write permission, so the first missing folder is made
 * alone to surface EROFS / EACCES / ENOTDIR, with its path.
 */
export function makeFolder(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    let missing = resolve(path);
    while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
    mkdirSync(missing); // throws the real error (with its path) for that folder
    throw error;
  }
}
