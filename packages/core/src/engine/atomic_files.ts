/**
 * All-or-nothing writes of a group of files (one checkpoint = several network files + a manifest).
 * Files are written into `.staging-<label>/`; renaming that folder to `.commit-<label>/` is the
 * commit point; the files are then renamed into place. A crash before the commit leaves the old
 * files untouched (the staging folder is discarded on the next run); a crash after it is rolled
 * forward by `recoverCommits`, so readers always see one complete checkpoint.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';

const STAGING = '.staging-';
const COMMIT = '.commit-';

/** Writes `files` (name → bytes or text) into `dir` atomically as one group. */
export function commitFiles(dir: string, label: string, files: ReadonlyMap<string, Uint8Array | string>): void {
  mkdirSync(dir, { recursive: true });
  recoverCommits(dir);
  const staging = join(dir, `${STAGING}${label}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  for (const [name, content] of files) writeDurably(join(staging, name), content);
  renameSync(staging, join(dir, `${COMMIT}${label}`));
  recoverCommits(dir);
}

/** Completes interrupted commits in `dir` and discards interrupted stagings. Safe to call any time. */
export function recoverCommits(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry.startsWith(STAGING)) rmSync(path, { recursive: true, force: true });
    if (!entry.startsWith(COMMIT)) continue;
    for (const name of readdirSync(path)) renameSync(join(path, name), join(dir, name));
    rmSync(path, { recursive: true, force: true });
  }
}

/** Writes a whole file and flushes it to disk before returning. */
function writeDurably(path: string, content: Uint8Array | string): void {
  writeFileSync(path, content);
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces one file atomically (temp file + rename), for reports that readers may open at any time. */
export function writeFileAtomic(path: string, content: Uint8Array | string): void {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, content);
  renameSync(temp, path);
}
