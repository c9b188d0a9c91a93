/** Node filesystem errors (by `code` and `path`) as one message: the path, what failed and what to do. */

/** Codes of filesystem errors caused by the environment (permissions, a full or read-only disk, a missing folder). */
const MESSAGES: Record<string, (path: string) => string> = {
  EACCES: (p) =>
    `permission denied for ${p} (EACCES). Make it writable for this user, or choose another folder (--checkpoints_dir / --results_dir).`,
  EPERM: (p) =>
    `operation not permitted on ${p} (EPERM). Check its permissions, or choose another folder (--checkpoints_dir / --results_dir).`,
  EROFS: (p) =>
    `${p} is on a read-only file system (EROFS). Choose a writable folder (--checkpoints_dir / --results_dir) or remount it read-write.`,
  ENOSPC: (p) =>
    `no space left on the device while writing ${p} (ENOSPC): the disk is full. Free some space, or write elsewhere (--checkpoints_dir / --results_dir).`,
  EDQUOT: (p) =>
    `disk quota exceeded while writing ${p} (EDQUOT). Free some space, or write elsewhere (--checkpoints_dir / --results_dir).`,
  ENOENT: (p) => `${p} does not exist (ENOENT): a folder on its path is missing or was removed. Create it or fix the path.`,
  ENOTDIR: (p) => `a part of ${p} is a file, not a folder (ENOTDIR). Fix the path.`,
  EISDIR: (p) => `${p} is a folder where a file was expected (EISDIR). Remove it or fix the path.`,
};

/** The message for a filesystem error of the environment (see {@link MESSAGES}), or null for anything else. */
export function describeFsError(err: unknown): string | null {
  const { code, path, syscall } = (err ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== 'string' || !(code in MESSAGES)) return null;
  return `${syscall ? `${syscall} failed: ` : ''}${MESSAGES[code]!(path ?? 'a file')}`;
}
