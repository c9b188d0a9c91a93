/**
 * `translate train` under failure, as child processes of the built CLI on a tiny pix2pix: SIGKILL
 * at seeded random points then `--continue_train` ends bit-exactly where an uninterrupted run
 * does; SIGTERM and SIGHUP save `latest` and exit 128 + signal; a second run of the same experiment
 * is refused naming the holder; a full disk (a small tmpfs, when running as root) names the path
 * and keeps the last good checkpoint.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { acquireExperimentLock, LOCK_FILE, STALE_LOCK_MS } from '@translate/core';
import { SAMPLES, tempDir, tinyPix2pixArgs } from './helpers.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(repo, 'packages/cli/dist/bin.js');

/** A running `translate train`, its output so far and its exit. */
interface Child {
  pid: number;
  output: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill: (signal: NodeJS.Signals) => void;
  /** Resolves once stdout matches `pattern`. */
  waitFor: (pattern: RegExp) => Promise<void>;
}

function train(args: string[]): Child {
  const child = spawn(process.execPath, [bin, 'train', ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
    for (const w of waiters.filter((w) => w.pattern.test(stdout))) w.resolve();
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    pid: child.pid!,
    output: () => stdout,
    stderr: () => stderr,
    exit,
    kill: (signal) => void child.kill(signal),
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(stdout)) return resolve();
        waiters.push({ pattern, resolve });
        void exit.then(() => reject(new Error(`train exited before printing ${pattern}:\n${stdout}\n${stderr}`)));
      }),
  };
}

/** Tiny pix2pix (6 images, 3 epochs) named `p2p` in `dir`, seed 1, a checkpoint after every image. */
const tinyRun = (dir: string, extra: string[] = []) => [
  ...tinyPix2pixArgs(dir, 6),
  '--seed',
  '1',
  '--n_epochs',
  '2',
  '--n_epochs_decay',
  '1',
  '--save_latest_freq',
  '1',
  '--print_freq',
  '1',
  '--display_freq',
  '100',
  ...extra,
];

/** The bytes of checkpoint `latest`'s network and optimizer files. */
function latestFiles(experiment: string): Map<string, Buffer> {
  const names = ['net_G', 'net_D', 'optim_G', 'optim_D'].map((n) => `latest_${n}.safetensors`);
  return new Map(names.map((n) => [n, readFileSync(join(experiment, n))]));
}

/** Every file `latest_checkpoint.json` lists exists and matches its sha256. */
function expectCompleteLatest(experiment: string): void {
  const manifest = JSON.parse(readFileSync(join(experiment, 'latest_checkpoint.json'), 'utf8'));
  const listed = [...Object.values(manifest.networks), ...Object.values(manifest.optimizers)] as { file: string; sha256: string }[];
  expect(listed.length).toBe(4);
  for (const { file, sha256 } of listed)
    expect(
      createHash('sha256')
        .update(readFileSync(join(experiment, file)))
        .digest('hex'),
      file,
    ).toBe(sha256);
}

/** `count` delays in [from, to) ms from a fixed seed (a small LCG), so every run kills at the same points. */
function seededDelays(seed: number, count: number, from: number, to: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return from + Math.floor((state / 2 ** 31) * (to - from));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('translate train reliability', () => {
  it('SIGKILL at seeded random points, then --continue_train, ends bit-exactly like an uninterrupted run', async () => {
    expect(existsSync(bin), `${bin} is missing: run \`pnpm build\` before the tests (pnpm test does)`).toBe(true);
    const epochs = ['--n_epochs', '3', '--n_epochs_decay', '1'];
    const straight = tempDir();
    expect((await train(tinyRun(straight, epochs)).exit).code).toBe(0);
    const dir = tempDir();
    const experiment = join(dir, 'p2p');
    // Each run is killed a seeded delay after its first checkpoint, often in the middle of a commit (one per image).
    for (const [i, delay] of seededDelays(1, 5, 0, 600).entries()) {
      const run = train(tinyRun(dir, [...epochs, ...(i > 0 ? ['--continue_train'] : [])]));
      await run.waitFor(/saving the latest model/);
      await sleep(delay);
      run.kill('SIGKILL');
      expect((await run.exit).signal).toBe('SIGKILL');
      if (i > 0) expect(run.output()).toMatch(/Taking over the stale lock .*PID \d+ on this host is no longer running/);
    }
    const last = train(tinyRun(dir, [...epochs, '--continue_train']));
    const { code } = await last.exit;
    expect(code, last.stderr()).toBe(0);
    expect(last.output()).toMatch(/Resuming 'latest' at epoch \d, \d images into it/);
    const [a, b] = [latestFiles(join(straight, 'p2p')), latestFiles(experiment)];
    for (const [name, bytes] of a) expect(b.get(name)!.equals(bytes), name).toBe(true);
    expectCompleteLatest(experiment);
    expect(readdirSync(experiment).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 90_000);

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)(
    '%s saves latest, says so and exits %i, releasing the lock',
    async (signal, exitCode) => {
      const dir = tempDir();
      const run = train(tinyRun(dir, ['--n_epochs', '50']));
      await run.waitFor(/\(epoch: 1, iters: 2,/);
      run.kill(signal);
      const { code } = await run.exit;
      expect(code, run.stderr()).toBe(exitCode);
      expect(run.stderr()).toContain(`${signal} received; saving checkpoint 'latest' after the current step`);
      expect(run.output()).toMatch(new RegExp(`Interrupted by ${signal}: saved checkpoint 'latest' at epoch 1, \\d+ images into it`));
      const manifest = JSON.parse(readFileSync(join(dir, 'p2p', 'latest_checkpoint.json'), 'utf8'));
      expect(manifest.progress.totalIters).toBeGreaterThanOrEqual(2);
      expectCompleteLatest(join(dir, 'p2p'));
      expect(existsSync(join(dir, 'p2p', LOCK_FILE))).toBe(false);
    },
    30_000,
  );

  it('a second run of the same experiment is refused naming the PID and host, and leaves its files alone', async () => {
    const dir = tempDir();
    const first = train(tinyRun(dir, ['--n_epochs', '50']));
    await first.waitFor(/\(epoch: 1, iters: 1,/);
    const options = readFileSync(join(dir, 'p2p', 'train_opt.txt'), 'utf8');
    const second = train(tinyRun(dir, ['--lr', '0.5']));
    const { code } = await second.exit;
    expect(code).toBe(2);
    expect(second.stderr()).toContain(`is in use by another 'translate train' (PID ${first.pid} on host ${hostname()}`);
    expect(readFileSync(join(dir, 'p2p', 'train_opt.txt'), 'utf8')).toBe(options);
    first.kill('SIGTERM');
    expect((await first.exit).code).toBe(143);
    const empty = train([...tinyRun(dir), '--name', '']);
    expect((await empty.exit).code).toBe(2);
    expect(empty.stderr()).toContain('--name is empty');
  }, 30_000);

  it('an image that turns unreadable mid-run stops training after saving latest, with one message', async () => {
    const dir = tempDir();
    const train_ = join(dir, 'data', 'train');
    mkdirSync(train_, { recursive: true });
    const images = readdirSync(join(SAMPLES, 'edges2photo', 'train'))
      .sort()
      .slice(0, 4);
    for (const f of images) copyFileSync(join(SAMPLES, 'edges2photo', 'train', f), join(train_, f));
    const run = train([...tinyRun(dir, ['--n_epochs', '50', '--save_latest_freq', '100']), '--dataroot', join(dir, 'data')]);
    await run.waitFor(/\(epoch: 1, iters: 1,/);
    const victim = join(train_, images[3]!);
    writeFileSync(`${victim}.tmp`, readFileSync(victim).subarray(0, 300));
    renameSync(`${victim}.tmp`, victim);
    const { code } = await run.exit;
    expect(code).toBe(2);
    expect(run.stderr()).toContain(`Cannot read image ${victim}: the file is corrupt or truncated`);
    expect(run.stderr()).toMatch(
      /translate: Saved checkpoint 'latest' at epoch \d+, \d+ images into it before stopping\. Resume with --continue_train\./,
    );
    expectCompleteLatest(join(dir, 'p2p'));
    expect(existsSync(join(dir, 'p2p', LOCK_FILE))).toBe(false);
  }, 30_000);

  it('a lock of another host is honoured while fresh and taken over once stale', () => {
    const dir = tempDir();
    const path = join(dir, LOCK_FILE);
    writeFileSync(path, JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: '2026-01-01T00:00:00Z' }));
    const notes: string[] = [];
    expect(() => acquireExperimentLock(dir, (n) => notes.push(n))).toThrow(/PID 1 on host elsewhere/);
    const old = new Date(Date.now() - STALE_LOCK_MS - 60_000);
    utimesSync(path, old, old);
    const lock = acquireExperimentLock(dir, (n) => notes.push(n));
    expect(notes).toEqual([expect.stringMatching(/Taking over the stale lock .*held by PID 1 on host elsewhere/)]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  const canMount = canMountTmpfs();
  it.skipIf(!canMount)(
    `a full disk names the path and keeps the last good checkpoint${canMount ? '' : ' (skipped: needs root and mount -t tmpfs)'}`,
    async () => {
      const mnt = mountTmpfs()!;
      try {
        const run = train([
          ...tinyRun(mnt, ['--n_epochs', '40', '--max_dataset_size', '2', '--save_latest_freq', '100', '--save_epoch_freq', '1']),
        ]);
        const { code } = await run.exit;
        expect(code, run.output()).toBe(2);
        expect(run.stderr()).toMatch(
          new RegExp(
            `no space left on the device while writing ${mnt}/p2p/\\S+ \\(ENOSPC\\): the disk is full\\. Free some space, or write elsewhere`,
          ),
        );
        expect(run.stderr()).toMatch(
          /Saved checkpoint 'latest' at epoch \d+|Could not save checkpoint 'latest' .*the last good checkpoint \('latest' at epoch \d+/,
        );
        expectCompleteLatest(join(mnt, 'p2p'));
        expect(readdirSync(join(mnt, 'p2p')).filter((f) => f.startsWith('.'))).toEqual([]);
      } finally {
        spawnSync('umount', [mnt]);
      }
    },
    60_000,
  );

  it.skipIf(!canMount)(
    `a read-only --checkpoints_dir says EROFS, not ENOENT${canMount ? '' : ' (skipped: needs root and mount -t tmpfs)'}`,
    async () => {
      const mnt = mountTmpfs('ro')!;
      try {
        const run = train(tinyRun(join(mnt, 'runs')));
        expect((await run.exit).code).toBe(2);
        expect(run.stderr()).toBe(
          `translate: mkdir failed: ${mnt}/runs is on a read-only file system (EROFS). Choose a writable folder (--checkpoints_dir / --results_dir) or remount it read-write.\n`,
        );
      } finally {
        spawnSync('umount', [mnt]);
      }
    },
    30_000,
  );
});

/** A fresh 3 MiB tmpfs mount point (`ro` for read-only), or null where mounting is not allowed (not root, or no mount). */
function mountTmpfs(flags = 'rw'): string | null {
  if (process.getuid?.() !== 0) return null;
  const mnt = join(tempDir(), 'mnt');
  mkdirSync(mnt);
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `${flags},size=3m`, 'tmpfs', mnt]).status === 0 ? mnt : null;
}

/** Whether {@link mountTmpfs} works here (it mounts and unmounts one). */
function canMountTmpfs(): boolean {
  const mnt = mountTmpfs();
  return mnt !== null && spawnSync('umount', [mnt]).status === 0;
}
