#!/usr/bin/env node
/**
 * `pnpm bench`: the benchmark suite (not tests). In one run, per available backend (`wasm` = pure
 * wasm, `wasm-native` = wasm with the `@translate/native-kernels` oneDNN addon, `tensorflow(-gpu)`
 * where added): CycleGAN training at each size, both as the bench's bare step and as `translate
 * train` itself (the CLI's per-iteration wall time and its loss log's step time, see cli_train.mjs);
 * pix2pix at the largest size, GauGAN (64²) and SRGAN (×4, 96² HR) at small sizes; resnet_9blocks
 * inference at each size and U-Net inference at the largest; each job in its own process so that
 * its peak RSS is its own, with the tensor count growth after the steps; the data loader on
 * 256×256 JPEGs; and PyTorch's side (bench/torch_baseline.py, with OpenBLAS: see torch.mjs) at each
 * size. Every figure is the median of the timed iterations (≥ 5, after one warm-up) with their
 * minimum and maximum; a ratio is ours / PyTorch's median time, printed only when PyTorch computed
 * with an optimised BLAS. Ends with the targets of docs/performance.md, each met or not. Writes
 * `bench/results/<stamp>.json` and docs/performance.md.
 *
 *   pnpm bench                      # full suite (about an hour on 2 cores: 256² CycleGAN steps on pure wasm take ~15 s)
 *   pnpm bench --smoke              # one tiny iteration of everything (CI)
 *   pnpm bench --sizes 128 --iters 5 --backends wasm-native
 *   node bench/run.mjs --doc-from bench/results/<stamp>.json   # rewrite docs/performance.md only
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cliTrainSpeed } from './cli_train.mjs';
import { summary } from './stats.mjs';
import { torchBaseline, torchEnvironment, torchPython } from './torch.mjs';
import { evaluateTargets, writePerformanceDoc } from './performance_doc.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
// PyTorch runs with the environment we were started with: loading the native kernels sets
// OMP_WAIT_POLICY in ours, which must not change PyTorch's own OpenMP behaviour.
const startEnv = { ...process.env };
const load = (pkg) => import(join(repo, 'packages', pkg, 'dist', 'index.js'));
const core = await load('core');
const datasets = await load('datasets');
const { registerBuiltinModels } = await import(join(repo, 'packages/cli/dist/builtins.js'));
const { tf } = core;

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    sizes: { type: 'string', default: '128,256' },
    iters: { type: 'string', default: '5' },
    backends: { type: 'string', default: '' },
    'no-torch': { type: 'boolean', default: false },
    out: { type: 'string', default: '' },
    child: { type: 'string', default: '' },
    'job-timeout': { type: 'string', default: '1800' },
    'doc-from': { type: 'string', default: '' },
  },
});
const childJob = args.child ? JSON.parse(args.child) : null;
const smoke = childJob?.smoke ?? args.smoke;
const sizes = smoke ? [32] : args.sizes.split(',').map(Number);
const iters = smoke ? 1 : Number(childJob?.iters ?? args.iters);
if (!smoke && !(iters >= 5)) {
  console.error(
    `bench: --iters ${args.iters}: every figure is a median of at least 5 timed iterations; pass --iters 5 or more (or --smoke).`,
  );
  process.exit(2);
}
const warmup = 1;
const ngf = smoke ? 8 : 64;

registerBuiltinModels();

/** Resolved train options for `model` with the bench's overrides. */
function trainOptions(model, overrides) {
  return core.resolveOptions({
    phase: 'train',
    layers: [{ source: 'bench', values: { model, dataroot: '(bench)', ngf, ndf: ngf, seed: 0, ...overrides } }],
    datasetMode: datasets.getDatasetMode,
  }).options;
}

const randomImage = (size, seed) => tf.randomUniform([1, size, size, 3], -1, 1, 'float32', seed);

/** A training batch for `model` at `size` (the HR size for SRGAN). */
function trainBatch(model, size) {
  if (model === 'gaugan') {
    const labels = tf.tidy(() => tf.cast(tf.floor(tf.mul(tf.randomUniform([1, size / 4, size / 4, 1], 0, 1, 'float32', 1), 8)), 'int32'));
    const label = tf.image.resizeNearestNeighbor(labels, [size, size]);
    labels.dispose();
    return { label, instance: tf.zeros([1, size, size, 1], 'int32'), B: randomImage(size, 2), A_paths: ['a'] };
  }
  if (model === 'srgan') {
    const n = 4;
    return {
      A: tf.randomUniform([n, size / 4, size / 4, 3], -1, 1, 'float32', 1),
      B: tf.randomUniform([n, size, size, 3], -1, 1, 'float32', 2),
      A_paths: ['a', 'b', 'c', 'd'],
      B_paths: ['a', 'b', 'c', 'd'],
    };
  }
  return { A: randomImage(size, 1), B: randomImage(size, 2), A_paths: ['a'], B_paths: ['b'] };
}

/** Per-model option overrides of the benchmark (GauGAN/SRGAN without the VGG loss: no weights here). */
const MODEL_OVERRIDES = {
  gaugan: { label_nc: 8, no_instance: true, no_vgg_loss: true },
  srgan: { lambda_vgg: 0, scale: 4, batch_size: 4, ...(smoke ? { n_blocks: 2 } : {}) },
};

/** Median seconds per training step (after warm-up) and the tensor count drift over the timed steps. */
function trainSpeed(model, size, overrides = {}) {
  const opt = trainOptions(model, { crop_size: size, load_size: size, ...MODEL_OVERRIDES[model], ...overrides });
  const m = core.getModel(model).create(opt, { isTrain: true });
  const batch = trainBatch(model, size);
  const times = [];
  let tensorsAfterWarmup = 0;
  for (let i = 0; i < warmup + iters; i++) {
    if (i === warmup) tensorsAfterWarmup = tf.memory().numTensors;
    const t = performance.now();
    m.setInput(batch);
    m.optimizeParameters();
    if (i >= warmup) times.push((performance.now() - t) / 1000);
  }
  const tensorGrowth = tf.memory().numTensors - tensorsAfterWarmup;
  m.dispose();
  tf.dispose(Object.values(batch).filter((v) => v instanceof tf.Tensor));
  return { s_per_iter: summary(times), tensor_growth: tensorGrowth };
}

/** Median seconds of one generator forward (eval mode, no gradients, weights frozen as `translate test` runs it). */
function inferenceSpeed(netG, size) {
  const opt = trainOptions(netG.startsWith('unet') ? 'pix2pix' : 'cyclegan', { netG, crop_size: size, load_size: size });
  const G = core.generatorFromOptions(opt, { inputNc: 3, outputNc: 3 });
  G.eval();
  const x = randomImage(size, 3);
  const times = [];
  for (let i = 0; i < warmup + iters; i++) {
    const t = performance.now();
    core.withFrozenWeights(() => tf.tidy(() => G.forward(x).dataSync()));
    if (i >= warmup) times.push((performance.now() - t) / 1000);
  }
  G.dispose();
  x.dispose();
  return { s_per_image: summary(times) };
}

/** Loader throughput on 256×256 JPEGs made from the shipped samples (resize_and_crop 286 → 256). */
async function loaderSpeed() {
  const root = mkdtempSync(join(tmpdir(), 'bench-loader-'));
  const sources = await datasets.listImages(join(repo, 'samples', 'photo2gray', 'trainA'), { warn: () => undefined });
  const sharp = createRequire(join(repo, 'packages/core/package.json'))('sharp');
  for (const side of ['trainA', 'trainB']) {
    mkdirSync(join(root, side));
    for (let i = 0; i < (smoke ? 2 : 32); i++) {
      await sharp(sources[i % sources.length])
        .resize(256, 256)
        .jpeg({ quality: 90 })
        .toFile(join(root, side, `${i}.jpg`));
    }
  }
  const opt = trainOptions('cyclegan', { dataroot: root });
  const dataset = await datasets.createDataset(opt, { warn: () => undefined });
  const loader = datasets.createLoader(dataset, { batchSize: 1, shuffle: true, seed: 0, concurrency: Number(opt.num_threads) });
  const start = performance.now();
  let batches = 0;
  for await (const b of loader.epoch(1)) {
    batches++;
    core.disposeBatch(b.batch);
  }
  return { batches_per_s: batches / ((performance.now() - start) / 1000), batches };
}

/** Runs one job in this process (a child of the suite) and prints its result as one JSON line. */
async function runChild(job) {
  if (job.kind === 'cli-train') {
    const timeoutMs = Number(args['job-timeout']) * 1000;
    console.log(JSON.stringify(await cliTrainSpeed({ repo, backend: job.backend, size: job.size, iters, warmup, ngf, timeoutMs })));
    return;
  }
  const native = job.backend === 'wasm-native';
  const info = await core.initBackend(native ? 'wasm' : job.backend, { log: () => undefined, nativeKernels: native });
  let result;
  if (job.kind === 'train') result = trainSpeed(job.model, job.size, job.overrides ?? {});
  else if (job.kind === 'infer') result = inferenceSpeed(job.netG, job.size);
  else result = await loaderSpeed();
  result.peak_rss_mib = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify({ detail: info.detail, ...result }));
}

/** Runs `job` in a fresh Node process (at most `--job-timeout` seconds); its result, or `{ error }`. */
function inChild(job) {
  const limit = Number(args['job-timeout']);
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify({ ...job, smoke, iters })], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    timeout: limit * 1000,
  });
  if (run.error?.code === 'ETIMEDOUT' || run.signal === 'SIGTERM') return { error: `timed out after ${limit} s` };
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !last.startsWith('{'))
    return { error: (run.stderr.trim().split('\n').at(-1) || `exit ${run.status}`).slice(0, 300) };
  return JSON.parse(last);
}

if (childJob) {
  await runChild(childJob);
  process.exit(0);
}
if (args['doc-from']) {
  writePerformanceDoc(repo, JSON.parse(readFileSync(args['doc-from'], 'utf8')), args['doc-from']);
  process.exit(0);
}

/** Backends to measure: the available ones except cpu, with wasm also measured with the native kernels. */
async function defaultBackends() {
  const names = (await core.describeBackends()).filter((b) => b.available && b.name !== 'cpu').map((b) => b.name);
  const native = await core.probeNativeKernels();
  return names.flatMap((n) => (n === 'wasm' && native.available ? ['wasm', 'wasm-native'] : [n]));
}

/** PyTorch's side at every size, or `{ skipped }` saying why there is none. */
function torchSide() {
  const python = torchPython();
  if (args['no-torch']) return { skipped: '--no-torch' };
  if (!python) return { skipped: 'no python3 here imports torch (Debian: apt-get install python3-torch)' };
  const { env, openblas } = torchEnvironment(startEnv, join(repo, 'bench', '.cache'));
  const script = join(repo, 'bench', 'torch_baseline.py');
  const bySize = {};
  for (const size of sizes) {
    bySize[size] = torchBaseline({ python, script, size, iters, ngf, env });
    const t = bySize[size];
    console.log(
      `torch ${size}px: ${t.error ?? `${t.train_s_per_iter.median.toFixed(2)} s/iter with ${t.blas.kind} BLAS, peak RSS ${t.peak_rss_mib} MiB`}`,
    );
  }
  return { python, openblas, sizes: bySize };
}

const backends = args.backends ? args.backends.split(',') : await defaultBackends();
const results = {
  date: new Date().toISOString(),
  command: `pnpm bench ${process.argv.slice(2).join(' ')}`.trim(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version },
  settings: { sizes, iters, warmup, ngf, batch: 1 },
  torch: torchSide(),
  backends: {},
};
const big = Math.max(...sizes);
// The largest U-Net whose input size `big` is a multiple of (unet_256 at 256, unet_128 at 128, …).
const unet = ['unet_256', 'unet_128', 'unet_64', 'unet_32'].find((name) => big % Number(name.slice(5)) === 0) ?? 'unet_32';
const small = smoke ? 32 : 64;
for (const backend of backends) {
  const entry = {
    detail: undefined,
    cyclegan_train: {},
    cli_train: {},
    pix2pix_train: {},
    gaugan_train: {},
    srgan_train: {},
    inference: {},
  };
  const note = (r) => {
    entry.detail ??= r.detail;
    return r;
  };
  for (const size of sizes) {
    const bare = note(inChild({ kind: 'train', backend, model: 'cyclegan', size }));
    entry.cyclegan_train[size] = bare;
    const cli = inChild({ kind: 'cli-train', backend, size });
    entry.cli_train[size] = cli.error
      ? cli
      : { wall_s_per_iter: summary(cli.wall_s_per_iter), step_s_per_iter: summary(cli.step_s_per_iter), peak_rss_mib: cli.peak_rss_mib };
    const show = (t) => (t?.median === undefined ? '—' : t.median.toFixed(2));
    console.log(
      `${backend} cyclegan ${size}px: bare ${bare.error ?? show(bare.s_per_iter)} s/iter, translate train ${cli.error ?? show(entry.cli_train[size].wall_s_per_iter)} s/iter`,
    );
    entry.inference[`resnet_9blocks@${size}`] = note(inChild({ kind: 'infer', backend, netG: 'resnet_9blocks', size }));
  }
  entry.inference[`${unet}@${big}`] = note(inChild({ kind: 'infer', backend, netG: unet, size: big }));
  entry.pix2pix_train[big] = note(inChild({ kind: 'train', backend, model: 'pix2pix', size: big, overrides: { netG: unet } }));
  entry.gaugan_train[small] = note(inChild({ kind: 'train', backend, model: 'gaugan', size: small }));
  entry.srgan_train[smoke ? 32 : 96] = note(inChild({ kind: 'train', backend, model: 'srgan', size: smoke ? 32 : 96 }));
  results.backends[backend] = entry;
}
results.loader = inChild({ kind: 'loader', backend: 'wasm' });
results.targets = evaluateTargets(results);

const outDir = args.out || (smoke ? tmpdir() : join(repo, 'bench', 'results'));
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `${results.date.replace(/[:.]/g, '-')}${smoke ? '-smoke' : ''}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 1)}\n`);
console.log(`wrote ${file}`);
for (const t of results.targets) console.log(`${t.met === undefined ? '?' : t.met ? 'met' : 'NOT met'}  ${t.what}: ${t.measured}`);
if (!smoke) writePerformanceDoc(repo, results, file);
// A job that failed is a broken bench (the CI smoke run catches it), whatever the targets say.
const failed = [
  ...Object.entries(results.backends).flatMap(([b, e]) =>
    Object.entries(e).flatMap(([k, rows]) =>
      typeof rows === 'object' && rows !== null
        ? Object.entries(rows)
            .filter(([, r]) => r?.error)
            .map(([at, r]) => `${b} ${k} ${at}: ${r.error}`)
        : [],
    ),
  ),
  ...(results.loader?.error ? [`loader: ${results.loader.error}`] : []),
];
if (failed.length > 0) {
  console.error(`bench: ${failed.length} job(s) failed:\n${failed.join('\n')}`);
  process.exit(1);
}
