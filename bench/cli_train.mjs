/**
 * The bench row that measures what users run: `translate train` itself (the built CLI in its own
 * process) on a generated CycleGAN dataset, one loss line per iteration (`--print_freq 1`).
 *
 * Two figures per iteration: the loss log's `time` (the reference's t_comp: the step's compute time
 * per image) and the wall time between consecutive loss lines (everything the loop does per
 * iteration: waiting for data, the step, the image pools, reading the losses back, logging). Beside
 * the bench's bare step they show the loop's overhead. Iterations before `warmup` are not counted.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOSS_LINE = /^\(epoch: \d+, iters: \d+, time: ([\d.]+), data: ([\d.]+)\)/;

/**
 * `count` JPEGs per side of an unaligned dataset at `size`², made from the shipped photos (as a
 * downloaded dataset's images are: JPEG, one size), in a fresh temporary folder.
 */
async function makeDataset(repo, size, count) {
  const root = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  const sharp = createRequire(join(repo, 'packages/core/package.json'))('sharp');
  const source = join(repo, 'samples', 'photo2gray', 'trainA');
  const photos = readdirSync(source)
    .sort()
    .map((f) => join(source, f));
  for (const [side, offset] of [
    ['trainA', 0],
    ['trainB', 1],
  ]) {
    mkdirSync(join(root, side));
    for (let i = 0; i < count; i++) {
      await sharp(photos[(i + offset) % photos.length])
        .resize(size, size)
        .jpeg({ quality: 90 })
        .toFile(join(root, side, `${i}.jpg`));
    }
  }
  return root;
}

/** Peak RSS of a running process in MiB (Linux's VmHWM), or undefined where /proc does not tell. */
function peakRss(pid) {
  try {
    const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? undefined : Math.round(Number(kib) / 1024);
  } catch {
    return undefined;
  }
}

/**
 * Runs `translate train --model cyclegan` for `warmup + iters` iterations at `size`² (resize to
 * size·286/256, random crop to size, flips: the reference's defaults scaled) on `backend` ('wasm',
 * or 'wasm-native' for the oneDNN kernels), ngf = ndf = `ngf`. Returns the per-iteration figures
 * or `{ error }`.
 */
export async function cliTrainSpeed({ repo, backend, size, iters, warmup, ngf, timeoutMs }) {
  const count = warmup + iters;
  const dataroot = await makeDataset(repo, size, count);
  const checkpoints = mkdtempSync(join(tmpdir(), 'bench-cli-ckpt-'));
  const args = [
    join(repo, 'packages/cli/dist/bin.js'),
    'train',
    '--model',
    'cyclegan',
    '--dataroot',
    dataroot,
    '--name',
    'bench',
    '--checkpoints_dir',
    checkpoints,
    '--ngf',
    String(ngf),
    '--ndf',
    String(ngf),
    '--load_size',
    String(Math.round((size * 286) / 256)),
    '--crop_size',
    String(size),
    '--n_epochs',
    '1',
    '--n_epochs_decay',
    '0',
    '--print_freq',
    '1',
    '--backend',
    'wasm',
    '--seed',
    '0',
  ];
  const env = { ...process.env, TRANSLATE_NATIVE_KERNELS: backend === 'wasm-native' ? '1' : '0' };
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const arrivals = [];
  const steps = [];
  let peak = 0;
  let stderr = '';
  let pending = '';
  child.stdout.on('data', (chunk) => {
    pending += String(chunk);
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) {
      const match = LOSS_LINE.exec(line);
      if (!match) continue;
      arrivals.push(performance.now());
      steps.push(Number(match[1]));
      peak = Math.max(peak, peakRss(child.pid) ?? 0);
    }
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  rmSync(dataroot, { recursive: true, force: true });
  rmSync(checkpoints, { recursive: true, force: true });
  if (code !== 0 || arrivals.length < count)
    return { error: `translate train exited ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`.slice(0, 300) };
  // Iteration k's wall time is the gap between loss lines k-1 and k (the first has no line before it).
  const wall = arrivals.slice(warmup).map((t, i) => (t - arrivals[warmup - 1 + i]) / 1000);
  return { wall_s_per_iter: wall, step_s_per_iter: steps.slice(warmup), peak_rss_mib: peak || undefined };
}
