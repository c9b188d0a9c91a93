/** Writes the options file of a run (`test_opt.txt`) where the reference does, or where it can. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Error codes of a folder that cannot be written: permission denied, read-only file system, operation not permitted. */
const NOT_WRITABLE = new Set(['EACCES', 'EROFS', 'EPERM']);

/**
 * Writes `text` to `<dir>/<name>` (the reference's place, beside the checkpoints); when `dir` is
 * not writable (a read-only checkpoint folder), to `<fallbackDir>/<name>` instead, logging one
 * line that says so. Returns the path written; other errors are thrown.
 */
export function writeOptionsFile(name: string, text: string, dir: string, fallbackDir: string, log: (line: string) => void): string {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined || !NOT_WRITABLE.has(code)) throw err;
    const path = join(fallbackDir, name);
    mkdirSync(fallbackDir, { recursive: true });
    writeFileSync(path, text);
    log(`${dir} is not writable (${code}); wrote ${name} to ${path} instead.`);
    return path;
  }
}
