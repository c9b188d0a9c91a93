/**
 * The CLI end to end on the shipped samples: CycleGAN and pix2pix train and test, a run killed with
 * SIGKILL resumes exactly, and a checkpoint of another architecture is refused cleanly.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '@translate/core';
import { tempDir, tinyPix2pixArgs, translate } from './helpers.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const samples = join(repo, 'samples');
const bin = join(repo, 'packages/cli/dist/bin.js');

/** Tiny CycleGAN settings: 32 px, ngf/ndf 4, 4 images per epoch. */
function cycleganArgs(dir: string, name: string): string[] {
  return [
    '--model',
    'cyclegan',
    '--dataroot',
    join(samples, 'photo2gray'),
    '--name',
    name,
    '--checkpoints_dir',
    dir,
    '--ngf',
    '4',
    '--ndf',
    '4',
    '--load_size',
    '36',
    '--crop_size',
    '32',
    '--max_dataset_size',
    '4',
    '--backend',
    'wasm',
    '--seed',
    '3',
  ];
}

const trainCycle = (dir: string, name: string) => [
  'train',
  ...cycleganArgs(dir, name),
  '--n_epochs',
  '2',
  '--n_epochs_decay',
  '1',
  '--print_freq',
  '2',
  '--display_freq',
  '4',
  '--update_html_freq',
  '4',
  '--save_latest_freq',
  '2',
];

function weights(dir: string, name: string, label = 'latest', net = 'G_A') {
  return readSafetensors(new Uint8Array(readFileSync(join(dir, name, `${label}_net_${net}.safetensors`)))).tensors;
}

describe('translate train / test end to end', () => {
  it('trains CycleGAN on samples/photo2gray and tests it', async () => {
    const dir = tempDir();
    const train = await translate(trainCycle(dir, 'cg'));
    expect(train.stderr).toBe('');
    expect(train.code).toBe(0);
    const files = readdirSync(join(dir, 'cg'));
    for (const f of [
      'train_opt.txt',
      'loss_log.txt',
      'latest_net_G_A.safetensors',
      'latest_net_D_B.safetensors',
      '3_net_G_B.safetensors',
      'latest_checkpoint.json',
    ])
      expect(files).toContain(f);
    expect(readFileSync(join(dir, 'cg', 'loss_log.txt'), 'utf8')).toMatch(
      /\(epoch: 3, iters: 4, time: [\d.]+, data: [\d.]+\) D_A: [\d.]+ G_A: [\d.]+ cycle_A/,
    );
    expect(readFileSync(join(dir, 'cg', 'web', 'index.html'), 'utf8')).toContain('epoch003_fake_B.png');
    const results = join(dir, 'results');
    const test = await translate(['test', ...cycleganArgs(dir, 'cg'), '--results_dir', results, '--num_test', '2']);
    expect(test.code).toBe(0);
    const images = readdirSync(join(results, 'cg', 'test_latest', 'images'));
    expect(images.filter((f) => f.endsWith('_fake_B.png'))).toHaveLength(2);
    expect(readFileSync(join(results, 'cg', 'test_latest', 'index.html'), 'utf8')).toContain(
      'Experiment = cg, Phase = test, Epoch = latest',
    );
  });

  it('trains pix2pix on samples/edges2photo and tests it', async () => {
    const dir = tempDir();
    const common = tinyPix2pixArgs(dir, 3);
    const train = await translate(['train', ...common, '--n_epochs', '1', '--n_epochs_decay', '0', '--print_freq', '1']);
    expect(train.code).toBe(0);
    expect(readFileSync(join(dir, 'p2p', 'loss_log.txt'), 'utf8')).toMatch(/G_GAN: [\d.]+ G_L1: [\d.]+ D_real: [\d.]+ D_fake: [\d.]+/);
    const results = join(dir, 'results');
    const test = await translate(['test', ...common, '--results_dir', results]);
    expect(test.code).toBe(0);
    expect(readdirSync(join(results, 'p2p', 'test_latest', 'images')).sort()).toHaveLength(3 * 3);
  });

  it('refuses to resume from a checkpoint of another architecture, leaving the checkpoint intact', async () => {
    const dir = tempDir();
    expect((await translate(trainCycle(dir, 'arch'))).code).toBe(0);
    const before = readFileSync(join(dir, 'arch', 'latest_net_G_A.safetensors'));
    const resumed = await translate([
      ...trainCycle(dir, 'arch').filter((a, i, all) => all[i - 1] !== '--ngf' && a !== '--ngf'),
      '--ngf',
      '8',
      '--continue_train',
    ]);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/another architecture.*--ngf: checkpoint 4, requested 8/);
    expect(readFileSync(join(dir, 'arch', 'latest_net_G_A.safetensors')).equals(before)).toBe(true);
    expect(readdirSync(join(dir, 'arch')).filter((f) => f.startsWith('.staging') || f.startsWith('.commit'))).toEqual([]);
  });

  it('a run killed with SIGKILL mid-epoch resumes with --continue_train and ends as an uninterrupted run', async () => {
    expect(existsSync(bin), `${bin} is missing: run \`pnpm build\` before the tests (pnpm test does)`).toBe(true);
    const dir = tempDir();
    expect((await translate(trainCycle(dir, 'straight'))).code).toBe(0);

    const child = spawn(process.execPath, [bin, ...trainCycle(dir, 'killed')], { cwd: repo, stdio: 'ignore' });
    const manifest = join(dir, 'killed', 'latest_checkpoint.json');
    const killedAt = await new Promise<{ epoch: number; epochIter: number }>((resolve, reject) => {
      const timer = setInterval(() => {
        if (!existsSync(manifest)) return;
        const progress = JSON.parse(readFileSync(manifest, 'utf8')).progress;
        clearInterval(timer);
        child.kill('SIGKILL');
        resolve(progress);
      }, 20);
      child.on('exit', () => {
        clearInterval(timer);
        reject(new Error('the run ended before it could be killed'));
      });
    });
    await new Promise((r) => child.once('close', r));
    expect(killedAt.epoch).toBeLessThan(4);
    const resumed = await translate([...trainCycle(dir, 'killed'), '--continue_train']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/Resuming 'latest' at epoch \d, \d images into it/);
    for (const net of ['G_A', 'G_B', 'D_A', 'D_B']) {
      const [a, b] = [weights(dir, 'straight', 'latest', net), weights(dir, 'killed', 'latest', net)];
      for (const [key, raw] of a) expect(b.get(key)!.data, `${net}.${key}`).toEqual(raw.data);
    }
  });

  it('Ctrl-C (SIGINT) saves a loadable checkpoint and exits with 130', async () => {
    expect(existsSync(bin), `${bin} is missing: run \`pnpm build\` before the tests (pnpm test does)`).toBe(true);
    const dir = tempDir();
    const child = spawn(process.execPath, [bin, ...trainCycle(dir, 'interrupted'), '--n_epochs', '50'], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
      if (/\(epoch: 1, iters: 2/.test(output) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(output).toMatch(/Interrupted by SIGINT: saved checkpoint 'latest' at epoch \d+, \d+ images into it/);
    const manifest = JSON.parse(readFileSync(join(dir, 'interrupted', 'latest_checkpoint.json'), 'utf8'));
    expect(manifest.progress.totalIters).toBeGreaterThanOrEqual(2);
    expect(weights(dir, 'interrupted').size).toBeGreaterThan(0);
  });
});
