#!/usr/bin/env node
/**
 * SRResNet ×4 trained for a fixed budget on the shipped photos vs bicubic on held-out shipped photos
 * (a benchmark, not a test).
 *
 * 1. Training set: `translate datasets make sr` cuts `--count` native-scale `--size` px crops from
 *    each TRAIN photo (of those `samples/LICENSES.md` lists, saved under its names in the `--images`
 *    folder) into a temporary folder (training then takes random
 *    `--crop_size` crops of those, with flips/transpose).
 * 2. `translate train --model srresnet` with the stated budget (batch, crop, n_blocks, ngf, lr,
 *    epochs; iterations = epochs × crops / batch), a checkpoint every `--eval_every` epochs.
 * 3. `translate test --model srresnet --phase val` of every checkpoint on the HELD-OUT photos (none
 *    of them is a training source): whole photos, centre square, LR by bicubic ÷4. The numbers are
 *    the mean row of its `metrics.csv`: PSNR/SSIM on the Y channel (BT.601), shave 4, 8-bit, for SR
 *    and for the bicubic baseline.
 *
 *   pnpm build && node packages/model-srgan/bench/sr_vs_bicubic.mjs --images <photos>             # the README's budget
 *   node packages/model-srgan/bench/sr_vs_bicubic.mjs --images <photos> --n_epochs 1 --n_epochs_decay 0 --count 4  # smoke
 *
 * Prints a table (iterations, train wall time, PSNR/SSIM Y of SR and bicubic) and a JSON line; with
 * `--out file.json` writes the JSON there too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const bin = join(repo, 'packages/cli/dist/bin.js');

/** Colour photos to train on; everything else below is held out. */
const TRAIN = [
  'skimage_astronaut.png', 'skimage_coffee.png', 'skimage_rocket.jpg',
  'lomiri_seeding_by_Clements_Engelhardt_768.jpg', 'skimage_hubble_deep_field.jpg', 'skimage_retina.jpg',
];
/** Held-out photos: never seen in training (a cat, a cork texture, a photographer, coins, three textures). */
const HELD_OUT = [
  'skimage_chelsea.png', 'mypaint_HR_Cork.png', 'skimage_camera.png', 'skimage_coins.png',
  'skimage_brick.png', 'skimage_gravel.png', 'skimage_grass.png',
];

const { values: args } = parseArgs({
  options: {
    images: { type: 'string', default: '' },
    count: { type: 'string', default: '40' },
    size: { type: 'string', default: '128' },
    crop_size: { type: 'string', default: '96' },
    batch_size: { type: 'string', default: '4' },
    n_blocks: { type: 'string', default: '8' },
    ngf: { type: 'string', default: '32' },
    lr: { type: 'string', default: '1e-3' },
    n_epochs: { type: 'string', default: '42' },
    n_epochs_decay: { type: 'string', default: '42' },
    eval_every: { type: 'string', default: '14' },
    seed: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'auto' },
    work: { type: 'string', default: '' },
    out: { type: 'string', default: '' },
    keep: { type: 'boolean', default: false },
  },
});

if (!existsSync(bin)) throw new Error('Run `pnpm build` first (packages/cli/dist is missing).');
for (const f of [...TRAIN, ...HELD_OUT]) if (!existsSync(join(args.images, f))) throw new Error(`Missing ${join(args.images, f)} (pass --images <a folder of the photos samples/LICENSES.md lists, under its names>).`);
const work = args.work || mkdtempSync(join(tmpdir(), 'sr-bench-'));
const ckpt = join(work, 'checkpoints');

function translate(argv, { quiet = false } = {}) {
  const started = Date.now();
  const run = spawnSync(process.execPath, [bin, ...argv], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: quiet ? 'pipe' : ['ignore', 'pipe', 'inherit'] });
  if (!quiet) for (const line of (run.stdout ?? '').split('\n')) if (/^(\(epoch|End of epoch|backend|Mean over|\[Network)/.test(line)) console.log(`  ${line}`);
  if (run.status !== 0) throw new Error(`translate ${argv[0]} failed (exit ${run.status}):\n${run.stderr ?? ''}${(run.stdout ?? '').slice(-2000)}`);
  return { stdout: run.stdout, seconds: (Date.now() - started) / 1000 };
}

// 1. Data.
const crops = join(work, 'train_crops');
translate(['datasets', 'make', 'sr', '--input', ...TRAIN.map((f) => join(args.images, f)), '--output', crops, '--size', args.size,
  '--count', args.count, '--test_fraction', '0', '--seed', args.seed], { quiet: true });
const nCrops = readdirSync(join(crops, 'train')).length;
const heldOut = join(work, 'held_out');
mkdirSync(join(heldOut, 'val'), { recursive: true });
for (const f of HELD_OUT) if (!existsSync(join(heldOut, 'val', f))) symlinkSync(join(args.images, f), join(heldOut, 'val', f));

// 2. Train.
const batch = Number(args.batch_size);
const epochs = Number(args.n_epochs) + Number(args.n_epochs_decay);
const itersPerEpoch = Math.ceil(nCrops / batch);
const budget = {
  train_photos: TRAIN, held_out_photos: HELD_OUT, train_crops: nCrops, crops_from: `${args.count} × ${args.size}px per photo`,
  scale: 4, crop_size: Number(args.crop_size), batch_size: batch, n_blocks: Number(args.n_blocks), ngf: Number(args.ngf),
  lr: Number(args.lr), lr_schedule: `constant ${args.n_epochs} epochs, linear to 0 over ${args.n_epochs_decay}`,
  epochs, iterations: epochs * itersPerEpoch, seed: Number(args.seed), cpus: cpus().length,
};
console.log(`Training SRResNet ×4: ${JSON.stringify(budget)}`);
const train = translate(['train', '--model', 'srresnet', '--dataroot', crops, '--name', 'bench', '--checkpoints_dir', ckpt,
  '--scale', '4', '--crop_size', args.crop_size, '--batch_size', args.batch_size, '--n_blocks', args.n_blocks, '--ngf', args.ngf,
  '--lr', args.lr, '--n_epochs', args.n_epochs, '--n_epochs_decay', args.n_epochs_decay, '--save_epoch_freq', args.eval_every,
  '--print_freq', String(itersPerEpoch * batch * Number(args.eval_every)), '--no_html', '--seed', args.seed, '--backend', args.backend]);
const backend = /^backend: ([^;\n]*)/m.exec(train.stdout)?.[1] ?? args.backend;
console.log(`Trained ${budget.iterations} iterations in ${train.seconds.toFixed(0)} s (${backend})`);

// 3. Evaluate every checkpoint on the held-out photos.
const epochsSaved = [];
for (let e = Number(args.eval_every); e < epochs; e += Number(args.eval_every)) epochsSaved.push(String(e));
epochsSaved.push('latest');
const rows = [];
for (const epoch of epochsSaved) {
  if (epoch !== 'latest' && !existsSync(join(ckpt, 'bench', `${epoch}_net_G.safetensors`))) continue;
  const results = join(work, 'results');
  translate(['test', '--model', 'srresnet', '--dataroot', heldOut, '--phase', 'val', '--name', 'bench', '--checkpoints_dir', ckpt,
    '--results_dir', results, '--epoch', epoch, '--ngf', args.ngf, '--backend', args.backend, '--num_test', '1000'], { quiet: true });
  const csv = readFileSync(join(results, 'bench', `val_${epoch}`, 'metrics.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  const header = csv[0];
  const table = csv.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, i === 0 ? r[i] : Number(r[i])])));
  const mean = table.find((r) => r.image === 'mean');
  const iterations = (epoch === 'latest' ? epochs : Number(epoch)) * itersPerEpoch;
  rows.push({ epoch, iterations, mean, images: table.filter((r) => r.image !== 'mean') });
}

const f2 = (x) => x.toFixed(2);
const f4 = (x) => x.toFixed(4);
console.log('\nHeld-out photos (Y channel, shave 4):');
console.log('epoch   iters   SR PSNR  SR SSIM  | bicubic PSNR  SSIM');
for (const r of rows) console.log(`${r.epoch.padEnd(7)} ${String(r.iterations).padStart(5)}   ${f2(r.mean.psnr_y).padStart(7)}  ${f4(r.mean.ssim_y)}   | ${f2(r.mean.bicubic_psnr_y).padStart(7)}      ${f4(r.mean.bicubic_ssim_y)}`);
const last = rows.at(-1);
console.log('\nPer image at the end:');
for (const r of last.images) console.log(`  ${r.image.padEnd(48)} SR ${f2(r.psnr_y)} dB / ${f4(r.ssim_y)}   bicubic ${f2(r.bicubic_psnr_y)} dB / ${f4(r.bicubic_ssim_y)}`);
const beats = last.mean.psnr_y > last.mean.bicubic_psnr_y;
console.log(`\nSRResNet ${beats ? 'BEATS' : 'does NOT beat'} bicubic: ${f2(last.mean.psnr_y)} vs ${f2(last.mean.bicubic_psnr_y)} dB PSNR-Y, ${f4(last.mean.ssim_y)} vs ${f4(last.mean.bicubic_ssim_y)} SSIM-Y; training ${train.seconds.toFixed(0)} s wall on ${backend}.`);
const summary = { budget, backend, train_seconds: train.seconds, rows, beats_bicubic: beats };
console.log(JSON.stringify({ ...summary, rows: rows.map(({ images, ...r }) => r) }));
if (args.out) writeFileSync(args.out, JSON.stringify(summary, null, 2));
if (!args.keep && !args.work) rmSync(work, { recursive: true, force: true });
