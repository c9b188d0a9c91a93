/**
 * All-or-nothing writes of a group of files (one checkpoint = several network files + a manifest).
 * Files are written and flushed into `.staging-<label>/`; renaming that folder to `.commit-<label>/`
 * is the one commit point. The files are then renamed into place, the group's manifest last (it
 * names every file's sha256, so a reader can tell a complete group from a partial one). A crash
 * before the commit leaves the old files untouched (the writer discards the staging folder next
 * time); a crash after it is rolled forward by `recoverCommits`, which readers call first.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { atPath, makeFolder } from './fs_path.js';

const STAGING = '.staging-';
const COMMIT = '.commit-';
/** Sub-folder of a staged group holding its manifest, which is moved into place after every other file. */
const LAST = '.last';

/**
 * Writes `files` (name → bytes or text) into `dir` atomically as one group; `manifest` (one of the
 * names) becomes visible last. Only one writer per folder (the experiment lock); on failure the
 * staged files are removed and the previous group stays as it was.
 */
export function commitFiles(dir: string, label: string, files: ReadonlyMap<string, Uint8Array | string>, manifest?: string): void {
  makeFolder(dir);
  recoverCommits(dir);
  for (const entry of readdirSync(dir)) if (entry.startsWith(STAGING)) rmSync(join(dir, entry), { recursive: true, force: true });
  const staging = join(dir, `${STAGING}${label}`);
  try {
    mkdirSync(join(staging, LAST), { recursive: true });
    for (const [name, content] of files) writeDurably(join(staging, ...(name === manifest ? [LAST, name] : [name])), content);
    syncFolder(join(staging, LAST));
    syncFolder(staging);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  atPath(staging, () => renameSync(staging, join(dir, `${COMMIT}${label}`)));
  syncFolder(dir);
  recoverCommits(dir);
}

/** Completes interrupted commits in `dir` (manifests last). Safe to call any time, also while another process commits. */
export function recoverCommits(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    if (!entry.startsWith(COMMIT)) continue;
    const commit = join(dir, entry);
    moveFiles(commit, dir);
    moveFiles(join(commit, LAST), dir);
    syncFolder(dir);
    rmSync(commit, { recursive: true, force: true });
  }
}

/** Renames every plain file of `from` into `to`; one already moved (by a concurrent recovery) is skipped. */
function moveFiles(from: string, to: string): void {
  for (const entry of readdirOrEmpty(from)) {
    if (!entry.isFile()) continue;
    try {
      renameSync(join(from, entry.name), join(to, entry.name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

function readdirOrEmpty(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Writes a whole file and flushes it to disk before returning. */
function writeDurably(path: string, content: Uint8Array | string): void {
  atPath(path, () => {
    writeFileSync(path, content);
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
}

/** Flushes a folder's entries (renames) to disk. */
function syncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces one file atomically (temp file + rename), for reports that readers may open at any time. */
export function writeFileAtomic(path: string, content: Uint8Array | string): void {
  const temp = `${path}.tmp-${process.pid}`;
  atPath(path, () => {
    try {
      writeFileSync(temp, content);
      renameSync(temp, path);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
  });
}
