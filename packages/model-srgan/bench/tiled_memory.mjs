#!/usr/bin/env node
/**
 * Peak memory of tiled SR inference on a large photo (a benchmark, not a test).
 *
 * Makes a 500×375 low-resolution input from a shipped photo (the centre 576×432 of
 * `lomiri_seeding_by_Clements_Engelhardt_768.jpg`, bicubic-resized), a freshly initialised ×4
 * SRResNet checkpoint (16 blocks, ngf 64: the paper's generator, one training step so that
 * `translate test` has a checkpoint; weights do not change memory), then runs
 * `translate test --model srresnet --dataset_mode single --preprocess none --size_multiple 1
 * --tile T` on it (2000×1500 output) once per tile size, each in its own process, and reports:
 *
 * - `maxRSS`: the process's peak resident memory (`process.resourceUsage().maxRSS`, and GNU
 *   `/usr/bin/time -v` when installed), i.e. everything: Node, tfjs, the wasm heap, the decoded images;
 * - `tensorPeak`: the peak of tfjs' `tf.memory().numBytes` (hooked on every tensor allocation),
 *   `tensorBase` the bytes held before `test` runs (the weights), so peak − base is inference's own;
 * - `wasmHeap`: the wasm backend's heap size at the end (it only grows, so it is its high-water mark).
 *
 *   pnpm build && node packages/model-srgan/bench/tiled_memory.mjs                # tiles 128,256 (256 = the default)
 *   node packages/model-srgan/bench/tiled_memory.mjs --tiles 64,0                  # 0 = untiled
 *   node packages/model-srgan/bench/tiled_memory.mjs --photo other.jpg --backend cpu
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const cliMain = join(repo, 'packages/cli/dist/main.js');
const MB = 1024 * 1024;

const { values: args } = parseArgs({
  options: {
    tiles: { type: 'string', default: '128,256' },
    photo: { type: 'string', default: join(repo, '..', 'shared', 'sample-images', 'lomiri_seeding_by_Clements_Engelhardt_768.jpg') },
    backend: { type: 'string', default: 'auto' },
    n_blocks: { type: 'string', default: '16' },
    work: { type: 'string', default: '' },
    keep: { type: 'boolean', default: false },
    // Internal: run one `translate test` in this process and print a JSON line.
    child: { type: 'string', default: '' },
  },
});

if (args.child) await child(JSON.parse(args.child));
else await parent();

async function parent() {
  if (!existsSync(cliMain)) throw new Error('Run `pnpm build` first (packages/cli/dist is missing).');
  if (!existsSync(args.photo)) throw new Error(`No photo at ${args.photo} (pass --photo).`);
  const work = args.work || mkdtempSync(join(tmpdir(), 'sr-tiled-memory-'));
  const { main } = await import(cliMain);
  const datasets = await import(join(repo, 'packages/datasets/dist/index.js'));

  // The 500×375 input: the centre 4:3 part of the photo, bicubic-resized.
  const lrDir = join(work, 'lr');
  mkdirSync(lrDir, { recursive: true });
  const photo = await datasets.decodeImage(args.photo);
  const side = Math.min(photo.width / 4, photo.height / 3);
  const [cw, ch] = [Math.floor(4 * side), Math.floor(3 * side)];
  const crop = datasets.cropImage(photo, Math.floor((photo.width - cw) / 2), Math.floor((photo.height - ch) / 2), cw, ch);
  await datasets.writeImage(join(lrDir, 'input_500x375.png'), await datasets.resizeBicubic(crop, 500, 375));

  // A fresh ×4 generator checkpoint: one step on one 24 px crop.
  const trainRoot = join(work, 'hr');
  mkdirSync(join(trainRoot, 'train'), { recursive: true });
  await datasets.writeImage(join(trainRoot, 'train', 'crop.png'), crop);
  const ckpt = join(work, 'checkpoints');
  const quiet = { stdout: () => {}, stderr: (t) => process.stderr.write(t) };
  const code = await main(
    ['train', '--model', 'srresnet', '--dataroot', trainRoot, '--name', 'fresh', '--checkpoints_dir', ckpt,
      '--n_blocks', args.n_blocks, '--scale', '4', '--crop_size', '24', '--batch_size', '1', '--n_epochs', '1',
      '--n_epochs_decay', '0', '--no_html', '--backend', args.backend, '--seed', '1'],
    quiet,
  );
  if (code !== 0) throw new Error(`translate train failed (${code})`);

  const gnuTime = existsSync('/usr/bin/time');
  const rows = [];
  for (const tile of args.tiles.split(',').map(Number)) {
    // --tile_overlap -1 (default): the generator's receptive radius, as SRResNetGenerator.receptiveRadius().
    const overlap = Math.ceil(4 + 2 * Number(args.n_blocks) + 1 + 4 / 4 + 1 + 1 / 2);
    const spec = { tile, overlap, work, ckpt, lrDir, backend: args.backend };
    const argv = [fileURLToPath(import.meta.url), '--child', JSON.stringify(spec)];
    const started = Date.now();
    const run = gnuTime
      ? spawnSync('/usr/bin/time', ['-v', process.execPath, ...argv], { encoding: 'utf8', maxBuffer: 64 * MB })
      : spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 64 * MB });
    const wall = (Date.now() - started) / 1000;
    const line = run.stdout.split('\n').find((l) => l.startsWith('{'));
    const timeRss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr ?? '');
    if (!line) {
      const tail = (run.stderr ?? '').split('\n').filter((l) => !/^\s/.test(l)).slice(-6).join('\n');
      rows.push({ tile, failed: `exit ${run.status}${timeRss ? `, maxRSS ${(Number(timeRss[1]) / 1024).toFixed(0)} MiB` : ''}: ${tail}`, wall });
      console.log(`tile ${tile}: FAILED after ${wall.toFixed(0)} s\n${tail}`);
      continue;
    }
    const r = { ...JSON.parse(line), wall, timeMaxRSS: timeRss ? Number(timeRss[1]) * 1024 : null };
    rows.push(r);
    console.log(
      `tile ${String(tile).padStart(3)} (overlap ${r.overlap}, output ${r.output}): ` +
        `maxRSS ${(r.maxRSS / MB).toFixed(0)} MiB${r.timeMaxRSS ? ` (/usr/bin/time ${(r.timeMaxRSS / MB).toFixed(0)} MiB)` : ''}, ` +
        `tensor peak ${(r.tensorPeak / MB).toFixed(0)} MiB (weights ${(r.tensorBase / MB).toFixed(1)} MiB), ` +
        `wasm heap ${r.wasmHeap ? (r.wasmHeap / MB).toFixed(0) + ' MiB' : 'n/a'}, test ${r.testSeconds.toFixed(0)} s, ${r.backend}`,
    );
  }
  console.log(JSON.stringify({ photo: args.photo, n_blocks: Number(args.n_blocks), rows }));
  if (!args.keep && !args.work) rmSync(work, { recursive: true, force: true });
}

/** One `translate test` with the tensor-bytes hook; prints one JSON line. */
async function child(spec) {
  const { main } = await import(cliMain);
  const { tf } = await import(join(repo, 'packages/core/dist/index.js'));
  const engine = tf.engine();
  let peak = 0;
  let base = -1;
  const track = engine.trackTensor.bind(engine);
  engine.trackTensor = (t, backend) => {
    track(t, backend);
    if (engine.state.numBytes > peak) peak = engine.state.numBytes;
  };
  // The weights are loaded before the first generator call: note the bytes held just before the
  // test's first conv (the first Conv2D / FusedConv2D kernel run).
  const runKernel = engine.runKernel.bind(engine);
  engine.runKernel = (name, ...rest) => {
    if (base < 0 && (name === 'Conv2D' || name === 'FusedConv2D')) base = engine.state.numBytes;
    return runKernel(name, ...rest);
  };
  const results = join(spec.work, `results_tile${spec.tile}`);
  const out = [];
  const io = { stdout: (t) => out.push(t), stderr: (t) => out.push(t) };
  const started = Date.now();
  const code = await main(
    ['test', '--model', 'srresnet', '--dataroot', spec.lrDir, '--dataset_mode', 'single', '--preprocess', 'none',
      '--size_multiple', '1', '--name', 'fresh', '--checkpoints_dir', spec.ckpt, '--results_dir', results,
      '--tile', String(spec.tile), '--num_test', '1', '--backend', spec.backend],
    io,
  );
  const testSeconds = (Date.now() - started) / 1000;
  if (code !== 0) {
    process.stderr.write(out.join(''));
    process.exit(code);
  }
  const text = out.join('');
  const backend = /^backend: ([^;\n]*)/m.exec(text)?.[1] ?? tf.getBackend();
  const wasm = tf.getBackend() === 'wasm' ? tf.backend().wasm : null;
  const sr = join(results, 'fresh', 'test_latest', 'images', 'input_500x375_SR.png');
  const datasets = await import(join(repo, 'packages/datasets/dist/index.js'));
  const info = existsSync(sr) ? await datasets.probeImage(sr) : null;
  console.log(JSON.stringify({
    tile: spec.tile,
    overlap: spec.tile > 0 ? spec.overlap : 0,
    output: info ? `${info.width}x${info.height}` : 'missing',
    maxRSS: process.resourceUsage().maxRSS * 1024,
    tensorPeak: peak,
    tensorBase: Math.max(base, 0),
    wasmHeap: wasm?.HEAPU8?.length ?? null,
    testSeconds,
    backend,
  }));
}
