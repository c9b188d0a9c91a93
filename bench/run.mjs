#!/usr/bin/env node
/**
 * `pnpm bench`: the benchmark suite (not tests). Per available backend (`wasm` = pure wasm,
 * `wasm-native` = wasm with the `@translate/native-kernels` oneDNN addon, `tensorflow(-gpu)` where
 * installed): CycleGAN train s/iter at each size, pix2pix at the largest, GauGAN (64²) and SRGAN (×4,
 * 96² HR) at small sizes, resnet_9blocks and U-Net inference, each in its own process so that its
 * peak RSS is its own, with the tensor count growth after the steps; the data loader on 256×256
 * JPEGs; and, when PyTorch is importable by python3, `../shared/bench/torch_baseline.py` in the
 * same run (with its peak RSS), so each speed is reported as a ratio to PyTorch. Writes
 * `bench/results/<stamp>.json` and the table in `docs/performance.md`.
 *
 *   pnpm bench                      # full suite (minutes: 256 px CycleGAN steps take ~1 min each on wasm)
 *   pnpm bench --smoke              # one tiny iteration of everything (CI)
 *   pnpm bench --sizes 128 --iters 5 --backends wasm-native
 *   node bench/run.mjs --doc-from bench/results/<stamp>.json   # rewrite docs/performance.md only
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
// PyTorch runs with the environment we were started with: loading the native kernels sets
// OMP_WAIT_POLICY in ours, which must not change PyTorch's own OpenMP behaviour.
const startEnv = { ...process.env };
const load = (pkg) => import(join(repo, 'packages', pkg, 'dist', 'index.js'));
const core = await load('core');
const datasets = await load('datasets');
const { registerBuiltinModels, datasetModeInfo } = await import(join(repo, 'packages/cli/dist/builtins.js'));
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
    'job-timeout': { type: 'string', default: '900' },
    'doc-from': { type: 'string', default: '' },
  },
});
const childJob = args.child ? JSON.parse(args.child) : null;
const smoke = childJob?.smoke ?? args.smoke;
const sizes = smoke ? [32] : args.sizes.split(',').map(Number);
const iters = smoke ? 1 : Number(childJob?.iters ?? args.iters);
const warmup = 1;
const ngf = smoke ? 8 : 64;

registerBuiltinModels();

/** Resolved train options for `model` with the bench's overrides. */
function trainOptions(model, overrides) {
  return core.resolveOptions({
    phase: 'train',
    layers: [{ source: 'bench', values: { model, dataroot: '(bench)', ngf, ndf: ngf, seed: 0, ...overrides } }],
    datasetMode: datasetModeInfo,
  }).options;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
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
    return { A: tf.randomUniform([n, size / 4, size / 4, 3], -1, 1, 'float32', 1), B: tf.randomUniform([n, size, size, 3], -1, 1, 'float32', 2), A_paths: ['a', 'b', 'c', 'd'], B_paths: ['a', 'b', 'c', 'd'] };
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
  return { s_per_iter: median(times), iters: times.length, tensor_growth: tensorGrowth };
}

/** Median seconds of one generator forward (eval mode, no gradients). */
function inferenceSpeed(netG, size) {
  const opt = trainOptions(netG.startsWith('unet') ? 'pix2pix' : 'cyclegan', { netG, crop_size: size, load_size: size });
  const G = core.generatorFromOptions(opt, { inputNc: 3, outputNc: 3 });
  G.eval();
  const x = randomImage(size, 3);
  const times = [];
  for (let i = 0; i < warmup + Math.max(iters, 3); i++) {
    const t = performance.now();
    tf.tidy(() => G.forward(x).dataSync());
    if (i >= warmup) times.push((performance.now() - t) / 1000);
  }
  G.dispose();
  x.dispose();
  return { s_per_image: median(times), images_per_s: 1 / median(times) };
}

/** Loader throughput on 256×256 JPEGs made from the shipped samples (resize_and_crop 286 → 256). */
async function loaderSpeed() {
  const root = mkdtempSync(join(tmpdir(), 'bench-loader-'));
  const sources = await datasets.listImages(join(repo, 'samples', 'photo2gray', 'trainA'));
  const sharp = createRequire(join(repo, 'packages/core/package.json'))('sharp');
  for (const side of ['trainA', 'trainB']) {
    mkdirSync(join(root, side));
    for (let i = 0; i < (smoke ? 2 : 32); i++) {
      await sharp(sources[i % sources.length]).resize(256, 256).jpeg({ quality: 90 }).toFile(join(root, side, `${i}.jpg`));
    }
  }
  const opt = trainOptions('cyclegan', { dataroot: root });
  const dataset = await datasets.createDataset(opt, { warn: () => undefined });
  const loader = datasets.createLoader(dataset, { batchSize: 1, shuffle: true, seed: 0, concurrency: Number(opt.num_threads) });
  const start = performance.now();
  let batches = 0;
  for await (const b of loader.epoch(1)) {
    batches++;
    for (const t of [b.A, b.B]) t?.dispose();
  }
  return { batches_per_s: batches / ((performance.now() - start) / 1000), batches };
}

/** PyTorch's numbers from the shared baseline script, or null when python3 cannot import torch. */
function torchBaseline(size) {
  const script = join(repo, '..', 'shared', 'bench', 'torch_baseline.py');
  if (args['no-torch'] || !existsSync(script)) return null;
  // Debian's python3-torch installs for the system interpreter, which may not be the first python3 on PATH.
  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch']).status === 0);
  if (!python) return null;
  // Runs the script and then prints its own peak RSS (KiB on Linux) as a last line.
  const wrapper = 'import resource, runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name="__main__"); print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)';
  const run = spawnSync(python, ['-c', wrapper, script, '--size', String(size), '--iters', String(Math.max(iters, 1)), '--ngf', String(ngf)], {
    encoding: 'utf8',
    env: { ...startEnv, OMP_NUM_THREADS: String(cpus().length) },
  });
  if (run.status !== 0) return { error: run.stderr.trim().split('\n').at(-1) };
  const lines = run.stdout.trim().split('\n');
  return { ...JSON.parse(lines.at(-2)), peak_rss_mib: Math.round(Number(lines.at(-1)) / 1024) };
}

/** Runs one job in this process (a child of the suite) and prints its result as one JSON line. */
async function runChild(job) {
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
  if (run.status !== 0 || !last.startsWith('{')) return { error: (run.stderr.trim().split('\n').at(-1) || `exit ${run.status}`).slice(0, 300) };
  return JSON.parse(last);
}

if (childJob) {
  await runChild(childJob);
  process.exit(0);
}
if (args['doc-from']) {
  writePerformanceDoc(JSON.parse(readFileSync(args['doc-from'], 'utf8')));
  process.exit(0);
}

/** Backends to measure: the available ones except cpu, with wasm also measured with the native kernels. */
async function defaultBackends() {
  const names = (await core.describeBackends()).filter((b) => b.available && b.name !== 'cpu').map((b) => b.name);
  const native = await core.probeNativeKernels();
  return names.flatMap((n) => (n === 'wasm' && native.available ? ['wasm', 'wasm-native'] : [n]));
}

const backends = args.backends ? args.backends.split(',') : await defaultBackends();
const results = {
  date: new Date().toISOString(),
  command: `pnpm bench ${process.argv.slice(2).join(' ')}`.trim(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version },
  settings: { sizes, iters, warmup, ngf, batch: 1 },
  backends: {},
  torch: {},
};
for (const size of sizes) results.torch[size] = torchBaseline(size);
const ratio = (ours, theirs) => (ours && theirs ? ours / theirs : undefined);
const big = Math.max(...sizes);
// The largest U-Net whose input size `big` is a multiple of (unet_256 at 256, unet_128 at 128, …).
const unet = ['unet_256', 'unet_128', 'unet_64', 'unet_32'].find((name) => big % Number(name.slice(5)) === 0) ?? 'unet_32';
const small = smoke ? 32 : 64;
for (const backend of backends) {
  const entry = { detail: undefined, cyclegan_train: {}, pix2pix_train: {}, gaugan_train: {}, srgan_train: {}, inference: {} };
  const note = (r) => (entry.detail ??= r.detail, r);
  for (const size of sizes) {
    const r = note(inChild({ kind: 'train', backend, model: 'cyclegan', size }));
    r.ratio_to_torch = ratio(r.s_per_iter, results.torch[size]?.train_s_per_iter);
    r.torch_peak_rss_mib = results.torch[size]?.peak_rss_mib;
    entry.cyclegan_train[size] = r;
    console.log(`${backend} cyclegan ${size}px: ${r.s_per_iter?.toFixed(2) ?? r.error} s/iter, peak RSS ${r.peak_rss_mib} MiB`);
  }
  entry.pix2pix_train[big] = note(inChild({ kind: 'train', backend, model: 'pix2pix', size: big, overrides: { netG: unet } }));
  entry.gaugan_train[small] = note(inChild({ kind: 'train', backend, model: 'gaugan', size: small }));
  entry.srgan_train[smoke ? 32 : 96] = note(inChild({ kind: 'train', backend, model: 'srgan', size: smoke ? 32 : 96 }));
  for (const netG of ['resnet_9blocks', unet]) {
    const r = note(inChild({ kind: 'infer', backend, netG, size: big }));
    if (netG === 'resnet_9blocks') r.ratio_to_torch = ratio(r.s_per_image, results.torch[big]?.infer_s);
    entry.inference[`${netG}@${big}`] = r;
  }
  results.backends[backend] = entry;
}
results.loader = inChild({ kind: 'loader', backend: 'wasm' });

const outDir = args.out || (smoke ? tmpdir() : join(repo, 'bench', 'results'));
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `${results.date.replace(/[:.]/g, '-')}${smoke ? '-smoke' : ''}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 1)}\n`);
console.log(`wrote ${file}`);
if (!smoke) writePerformanceDoc(results);

function writePerformanceDoc(r) {
  const fmt = (x, d = 2) => (x === undefined || x === null ? '—' : Number(x).toFixed(d));
  const ratio = (x) => (x === undefined || x === null ? '—' : `${fmt(x)}×`);
  const rows = [];
  const rss = (t) => (t?.peak_rss_mib ? `${t.peak_rss_mib} MiB` : '—');
  for (const [backend, e] of Object.entries(r.backends)) {
    for (const [size, t] of Object.entries(e.cyclegan_train)) rows.push(`| ${backend} | CycleGAN train, ${size}² | ${fmt(t.s_per_iter)} s/iter | ${fmt(r.torch[size]?.train_s_per_iter)} s/iter | ${ratio(t.ratio_to_torch)} | ${rss(t)} | ${rss(r.torch[size])} |`);
    for (const [size, t] of Object.entries(e.pix2pix_train)) rows.push(`| ${backend} | pix2pix train, ${size}² | ${fmt(t.s_per_iter)} s/iter | — | — | ${rss(t)} | — |`);
    for (const [size, t] of Object.entries(e.gaugan_train ?? {})) rows.push(`| ${backend} | GauGAN train, ${size}² (no VGG loss) | ${t.error ?? `${fmt(t.s_per_iter)} s/iter`} | — | — | ${rss(t)} | — |`);
    for (const [size, t] of Object.entries(e.srgan_train ?? {})) rows.push(`| ${backend} | SRGAN ×4 train, batch 4 × ${size}² HR (no VGG loss) | ${fmt(t.s_per_iter)} s/iter | — | — | ${rss(t)} | — |`);
    for (const [name, t] of Object.entries(e.inference)) {
      const torch = name.startsWith('resnet') ? r.torch[name.split('@')[1]] : undefined;
      rows.push(`| ${backend} | ${name} inference | ${fmt(t.s_per_image, 3)} s/img (${fmt(t.images_per_s)} img/s) | ${torch?.infer_s ? `${fmt(torch.infer_s, 3)} s/img (${fmt(1 / torch.infer_s)} img/s)` : '—'} | ${ratio(t.ratio_to_torch)} | ${rss(t)} | — |`);
    }
  }
  const details = Object.entries(r.backends).map(([b, e]) => `- \`${b}\`: ${e.detail ?? 'failed'}`).join('\n');
  const doc = `# Performance

Measured by \`${r.command}\` on ${r.date.slice(0, 10)}: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memory_gib} GiB, Node ${r.machine.node}.
Batch 1, ngf = ndf = ${r.settings.ngf}, median of ${r.settings.iters} iterations after ${r.settings.warmup} warm-up. PyTorch numbers come from
\`shared/bench/torch_baseline.py\` run in the same invocation (${Object.values(r.torch).find((t) => t?.framework)?.framework ?? 'not available'}).
A ratio is our time divided by PyTorch's (lower is better; 1.0 = PyTorch's speed).

Backends (each row ran in its own process, so its peak RSS is its own):
${details}

| backend | what | translate | PyTorch | ratio | peak RSS | PyTorch peak RSS |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Data loader (256×256 JPEGs, resize_and_crop 286 → 256, flips): ${fmt(r.loader.batches_per_s, 1)} batches/s.
Tensor count growth over the timed steps (CycleGAN's two image pools keep up to 50 images each, so they grow by 2 per step until full): ${Object.values(r.backends).flatMap((e) => Object.values(e.cyclegan_train).map((t) => t.tensor_growth)).join(', ')}.

Raw results: \`bench/results/\` (JSON, one file per run).

What the rows compare: \`wasm\` is tfjs' WebAssembly backend with our kernel fixes (SIMD, one thread per
core; Winograd F(4×4, 3×3) for 3×3 stride-1 convolutions with ≥ 32 channels — forward, input and
filter gradient — in translate's own wasm SIMD module on tfjs' heap, and in the same module large
filters on small outputs as columns × filter, without XNNPACK's packing of every new filter; Sum/Mean
over H, W as one average pool, filter-gradient columns in one pass over the heap, heap-view Slice,
storage-sharing Identity);
\`wasm-native\` adds \`@translate/native-kernels\` (oneDNN convolutions, Winograd F(4×4, 3×3) for 3×3
stride-1 layers with ≥ 64 channels on AVX-512 CPUs, and matmuls; fused instance norm (+ ReLU),
mirror-pad gradient, Adam and contiguous reductions, in place on the wasm heap; see its README). Both
use the memory measures of issue 8: a backward pass that frees each gradient and saved activation
once used, intermediate layer outputs released as soon as the next layer ran, an Adam step that holds
one parameter's temporaries at a time, and CycleGAN's generator loss differentiated in four parts (at
most two generators and one discriminator alive). PyTorch runs the same step with OpenMP on all cores
(\`OMP_NUM_THREADS\` = cores) and its peak RSS is that of its whole process (training then
inference), as ours is per row.

Where pure wasm's time goes (\`node bench/profile.mjs --backend wasm --model cyclegan --size 256\`):
the residual blocks' 3×3 convolutions (forward, input gradient, filter gradient) run as Winograd in
\`packages/core/wasm/winograd.c\` (4× fewer multiplications; its matrix products reach ≈ 57 GFLOP/s
per core in 128-bit SIMD) and take ≈ 35 % of a step, where XNNPACK's direct kernels made them ≈ 60 %
of a step twice as long; the other convolutions and matmuls (XNNPACK, 80–88 GFLOP/s) take ≈ 45 %, the
rest is memory-bound glue. oneDNN's AVX-512 kernels reach ≈ 460 GFLOP/s on the same cores, which is
why the native path is faster than PyTorch.
`;
  writeFileSync(join(repo, 'docs', 'performance.md'), doc);
  console.log('wrote docs/performance.md');
}
