#!/usr/bin/env node
/**
 * Where one training step (or one generator inference) spends its time, per tfjs kernel: calls,
 * exclusive seconds (a composite kernel's own time, without the kernels it runs) and share of the
 * step; then the convolutions and matmuls by shape. Run after `pnpm build`:
 *
 *   node bench/profile.mjs --backend wasm --model cyclegan --size 128
 *   node bench/profile.mjs --backend wasm-native --infer resnet_9blocks --size 256
 *
 * One warm-up step (plans, operator caches, heap growth) runs first and is not profiled.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const core = await import(join(repo, 'packages/core/dist/index.js'));
const datasets = await import(join(repo, 'packages/datasets/dist/index.js'));
const { registerBuiltinModels } = await import(join(repo, 'packages/cli/dist/builtins.js'));
const { tf } = core;

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm-native' },
    model: { type: 'string', default: 'cyclegan' },
    infer: { type: 'string', default: '' },
    size: { type: 'string', default: '128' },
    ngf: { type: 'string', default: '64' },
    warmup: { type: 'string', default: '1' },
    top: { type: 'string', default: '25' },
  },
});
const size = Number(args.size);
const native = args.backend === 'wasm-native';
const info = await core.initBackend(native ? 'wasm' : args.backend, { log: () => undefined, nativeKernels: native });
registerBuiltinModels();

const model = args.infer ? (args.infer.startsWith('unet') ? 'pix2pix' : 'cyclegan') : args.model;
const extra = model === 'gaugan' ? { label_nc: 8, no_instance: true, no_vgg_loss: true } : model === 'srgan' ? { lambda_vgg: 0 } : {};
const values = {
  model,
  dataroot: '(profile)',
  ngf: Number(args.ngf),
  ndf: Number(args.ngf),
  seed: 0,
  crop_size: size,
  load_size: size,
  ...extra,
  ...(args.infer ? { netG: args.infer } : {}),
};
const opt = core.resolveOptions({ phase: 'train', layers: [{ source: 'profile', values }], datasetMode: datasets.getDatasetMode }).options;

/** The work to profile: one inference, or one setInput + optimizeParameters. */
function makeStep() {
  const image = (seed) => tf.randomUniform([1, size, size, 3], -1, 1, 'float32', seed);
  if (args.infer) {
    const G = core.generatorFromOptions(opt, { inputNc: 3, outputNc: 3 });
    G.eval();
    const x = image(1);
    return () => core.withFrozenWeights(() => tf.tidy(() => G.forward(x).dataSync()));
  }
  const m = core.getModel(model).create(opt, { isTrain: true });
  const batch =
    model === 'gaugan'
      ? {
          label: tf.tidy(() => tf.cast(tf.floor(tf.mul(tf.randomUniform([1, size, size, 1], 0, 1, 'float32', 1), 8)), 'int32')),
          instance: tf.zeros([1, size, size, 1], 'int32'),
          B: image(2),
          A_paths: ['a'],
        }
      : model === 'srgan'
        ? { A: tf.randomUniform([1, size / 4, size / 4, 3], -1, 1, 'float32', 1), B: image(2), A_paths: ['a'], B_paths: ['b'] }
        : { A: image(1), B: image(2), A_paths: ['a'], B_paths: ['b'] };
  return () => {
    m.setInput(batch);
    m.optimizeParameters();
  };
}

/** A readable key for a conv or matmul call: kind, input and filter shapes, strides. */
function shapeKey(name, inputs, attrs) {
  const shape = (t) => `[${t?.shape ?? '?'}]`;
  if (name === 'BatchMatMul')
    return `matmul ${shape(inputs.a)}${attrs.transposeA ? 'ᵀ' : ''} × ${shape(inputs.b)}${attrs.transposeB ? 'ᵀ' : ''}`;
  if (name === 'Conv2DBackpropInput') return `conv input-grad dy${shape(inputs.dy)} f${shape(inputs.filter)} s${attrs.strides}`;
  if (name === 'Conv2DBackpropFilter') return `conv filter-grad x${shape(inputs.x)} dy${shape(inputs.dy)} s${attrs.strides}`;
  return `${name} x${shape(inputs.x)} f${shape(inputs.filter)} s${attrs.strides} d${attrs.dilations ?? 1}`;
}
const HEAVY = new Set(['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'BatchMatMul', 'DepthwiseConv2dNative']);

const engine = tf.engine();
const runKernelFunc = engine.runKernelFunc.bind(engine);
const byKernel = new Map();
const byShape = new Map();
const open = [];
let profiling = false;
engine.runKernelFunc = (params) => {
  if (!profiling) return runKernelFunc(params);
  const frame = { children: 0 };
  open.push(frame);
  const start = performance.now();
  try {
    return runKernelFunc(params);
  } finally {
    const elapsed = performance.now() - start;
    open.pop();
    if (open.length > 0) open.at(-1).children += elapsed;
    const own = elapsed - frame.children;
    const name = params.kernelName ?? '(custom op)';
    const k = byKernel.get(name) ?? { calls: 0, ms: 0 };
    k.calls++;
    k.ms += own;
    byKernel.set(name, k);
    if (HEAVY.has(name)) {
      const key = shapeKey(name, params.inputs ?? {}, params.attrs ?? {});
      const s = byShape.get(key) ?? { calls: 0, ms: 0 };
      s.calls++;
      s.ms += own;
      byShape.set(key, s);
    }
  }
};

const step = makeStep();
for (let i = 0; i < Number(args.warmup); i++) step();
profiling = true;
const start = performance.now();
step();
const total = performance.now() - start;
profiling = false;

const top = Number(args.top);
const pct = (ms) => `${((100 * ms) / total).toFixed(1)}%`.padStart(6);
console.log(
  `${args.infer ? `${args.infer} inference` : `${model} train step`} at ${size}², ${args.backend} (${info.detail}): ${(total / 1000).toFixed(3)} s`,
);
console.log('\nkernel                              calls   own s  share');
for (const [name, k] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
  console.log(`${name.padEnd(34)} ${String(k.calls).padStart(6)} ${(k.ms / 1000).toFixed(3).padStart(7)} ${pct(k.ms)}`);
}
console.log('\nconvolutions and matmuls by shape                                          calls   own s  share');
for (const [key, s] of [...byShape].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
  console.log(`${key.padEnd(74)} ${String(s.calls).padStart(5)} ${(s.ms / 1000).toFixed(3).padStart(7)} ${pct(s.ms)}`);
}
