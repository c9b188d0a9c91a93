/**
 * One training run per experiment folder: `checkpoints/<name>/.train.lock` holds the owner's PID,
 * host and start time. A lock whose process is gone (same host) or that has not been refreshed for
 * {@link STALE_LOCK_MS} (another host) is stale and taken over with a note.
 */
import { openSync, readFileSync, rmSync, statSync, utimesSync, writeSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { TranslateError } from '../errors.js';
import { atPath } from './fs_path.js';

/** A lock of another host not refreshed for this long (24 h) is taken for stale. */
export const STALE_LOCK_MS = 24 * 60 * 60 * 1000;

const UNWRITTEN_LOCK_MS = 10_000;

/** Name of the lock file in an experiment folder. */
export const LOCK_FILE = '.train.lock';

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/** A held lock: refresh it now and then (it marks the run alive), release it on every exit path. */
export interface ExperimentLock {
  /** Marks the lock alive (its age is the time since the last refresh). */
  refresh(): void;
  /** Removes the lock if it is still ours; idempotent. */
  release(): void;
}

/** Takes the lock of experiment folder `dir` (which must exist); `note` is told about a stale lock taken over. */
export function acquireExperimentLock(dir: string, note: (line: string) => void): ExperimentLock {
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  if (!tryCreate(path, me)) {
    const owner = readOwner(path);
    const stale = staleness(path, owner);
    if (stale === null) {
      throw new TranslateError(
        `${dir} is in use by another 'translate train' (${owner ? `PID ${owner.pid} on host ${owner.host}, since ${owner.startedAt}` : 'it is starting'}). ` +
          `Wait for it to finish or stop it, or train under another --name; if that process no longer exists, delete ${path}.`,
      );
    }
    note(`Taking over the stale lock ${path} (${stale}).`);
    rmSync(path, { force: true });
    if (!tryCreate(path, me))
      throw new TranslateError(`${dir} was locked by another 'translate train' starting at the same time; try again.`);
  }
  const onExit = () => release();
  const release = () => {
    process.off('exit', onExit);
    const owner = readOwner(path);
    if (owner?.pid === me.pid && owner.host === me.host) rmSync(path, { force: true });
  };
  process.on('exit', onExit);
  return {
    refresh: () => {
      const now = new Date();
      utimesSync(path, now, now);
    },
    release,
  };
}

/** Creates the lock file exclusively; false when it exists. */
function tryCreate(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = atPath(path, () => openSync(path, 'wx'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    atPath(path, () => writeSync(fd, `${JSON.stringify(owner)}\n`));
  } finally {
    closeSync(fd);
  }
  return true;
}

function readOwner(path: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return null;
  }
}

/** Why the lock at `path` is stale, or null while its owner may be running. */
function staleness(path: string, owner: LockOwner | null): string | null {
  const age = Date.now() - statSync(path).mtimeMs;
  // A lock just created may not be written yet: unreadable counts as stale only once it is old.
  if (owner === null || typeof owner.pid !== 'number') return age > UNWRITTEN_LOCK_MS ? 'unreadable lock file' : null;
  if (owner.host === hostname()) return isAlive(owner.pid) ? null : `PID ${owner.pid} on this host is no longer running`;
  return age > STALE_LOCK_MS ? `held by PID ${owner.pid} on host ${owner.host}, not refreshed for ${(age / 3_600_000).toFixed(0)} h` : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
