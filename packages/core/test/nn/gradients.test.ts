/**
 * Gradients of every layer type: on cpu against central finite differences along a random
 * direction (input and all parameters perturbed together), and on wasm against cpu.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  InstanceNorm2d,
  LeakyReLU,
  Linear,
  Pad2d,
  PixelShuffle,
  PReLU,
  ReLU,
  Sigmoid,
  Tanh,
  Upsample,
  type Module,
} from '../../src/nn/index.js';
import { seedEverything } from '../../src/random.js';
import { directionalDerivatives, maxAbsDiff, useBackend } from '../helpers.js';
import { randomArray } from '../reference_ops.js';

interface GradCase {
  name: string;
  build: () => Module<any, any>;
  input: number[];
  training?: boolean;
  /** Training-mode forwards before the check (lets spectral norm's u, v converge, so σ is not near 0). */
  warmup?: number;
}

const cases: GradCase[] = [
  {
    name: 'Conv2d k3 s1 zero pad',
    build: () => new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, padding: 1 }),
    input: [2, 5, 6, 3],
  },
  {
    name: 'Conv2d k3 s2 p1 odd',
    build: () => new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, stride: 2, padding: 1 }),
    input: [1, 7, 7, 3],
  },
  {
    name: 'Conv2d k4 s2 p1',
    build: () => new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 4, stride: 2, padding: 1 }),
    input: [2, 8, 8, 2],
  },
  {
    name: 'Conv2d k4 s1 p1',
    build: () => new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 4, stride: 1, padding: 1 }),
    input: [1, 6, 6, 2],
  },
  {
    name: 'Conv2d reflect pad',
    build: () => new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, paddingMode: 'reflect' }),
    input: [1, 5, 4, 2],
  },
  {
    name: 'Conv2d dilation 2',
    build: () => new Conv2d({ inChannels: 2, outChannels: 2, kernelSize: 3, padding: 2, dilation: 2 }),
    input: [1, 6, 6, 2],
  },
  {
    name: 'Conv2d spectral norm (eval)',
    build: () => new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, spectralNorm: true }),
    input: [1, 4, 4, 2],
    training: false,
    warmup: 5,
  },
  {
    name: 'ConvTranspose2d k3 s2 p1 op1',
    build: () => new ConvTranspose2d({ inChannels: 3, outChannels: 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1 }),
    input: [2, 3, 4, 3],
  },
  {
    name: 'ConvTranspose2d k4 s2 p1',
    build: () => new ConvTranspose2d({ inChannels: 2, outChannels: 2, kernelSize: 4, stride: 2, padding: 1 }),
    input: [1, 3, 3, 2],
  },
  { name: 'InstanceNorm2d', build: () => new InstanceNorm2d(3), input: [2, 4, 5, 3] },
  { name: 'InstanceNorm2d affine', build: () => new InstanceNorm2d(3, { affine: true }), input: [2, 4, 5, 3] },
  { name: 'BatchNorm2d (train)', build: () => new BatchNorm2d(3), input: [2, 3, 4, 3], training: true },
  { name: 'BatchNorm2d (eval)', build: () => new BatchNorm2d(3), input: [2, 3, 4, 3], training: false },
  { name: 'ReflectionPad2d', build: () => new Pad2d([2, 1, 1, 3], 'reflect'), input: [1, 5, 4, 2] },
  { name: 'ReplicationPad2d', build: () => new Pad2d([2, 1, 1, 3], 'replicate'), input: [1, 5, 4, 2] },
  { name: 'ZeroPad2d', build: () => new Pad2d(1, 'zeros'), input: [1, 3, 3, 2] },
  { name: 'ReLU', build: () => new ReLU(), input: [1, 4, 4, 2] },
  { name: 'LeakyReLU', build: () => new LeakyReLU(0.2), input: [1, 4, 4, 2] },
  { name: 'PReLU', build: () => new PReLU(), input: [1, 4, 4, 2] },
  { name: 'Tanh', build: () => new Tanh(), input: [1, 4, 4, 2] },
  { name: 'Sigmoid', build: () => new Sigmoid(), input: [1, 4, 4, 2] },
  { name: 'Upsample nearest', build: () => new Upsample(2), input: [1, 3, 3, 2] },
  { name: 'Upsample bilinear', build: () => new Upsample(2, 'bilinear'), input: [1, 3, 3, 2] },
  { name: 'PixelShuffle', build: () => new PixelShuffle(2), input: [1, 3, 2, 8] },
  {
    name: 'AvgPool2d count_include_pad=False',
    build: () => new AvgPool2d({ kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }),
    input: [1, 5, 6, 2],
  },
  { name: 'Linear', build: () => new Linear(5, 3), input: [4, 5] },
];

/** Gradients of sum(forward(x) · R) w.r.t. x and every parameter, plus the loss function itself. */
function gradients(c: GradCase, seed: number) {
  seedEverything(seed);
  const layer = c.build();
  const ctx = { training: c.training ?? true };
  const x = tf.variable(
    tf.tensor(
      Float32Array.from(
        randomArray(
          c.input.reduce((a, b) => a * b, 1),
          seed,
        ),
      ),
      c.input,
    ),
  );
  for (let i = 0; i < (c.warmup ?? 0); i++) tf.dispose(layer.forward(x as any, { training: true }));
  const loss = () =>
    tf.tidy(() => {
      const y = layer.forward(x as any, ctx) as tf.Tensor;
      const r = tf.tensor(Float32Array.from(randomArray(y.size, seed + 1)), y.shape);
      return tf.sum(tf.mul(y, r)) as tf.Scalar;
    });
  const params = layer.namedParameters();
  const { grads } = tf.variableGrads(loss, [x, ...params.map(([, v]) => v)]);
  const named = new Map<string, Float32Array>([['input', grads[x.name]!.dataSync() as Float32Array]]);
  for (const [key, v] of params) named.set(key, grads[v.name]!.dataSync() as Float32Array);
  tf.dispose(Object.values(grads));
  return { layer, x, params, named, loss };
}

describe('layer gradients', () => {
  it.each(cases)('$name: cpu gradient matches finite differences', async (c) => {
    await useBackend('cpu');
    const { layer, x, params, named, loss } = gradients(c, 31);
    const { numeric, analytic } = directionalDerivatives(
      [x, ...params.map(([, v]) => v)],
      ['input', ...params.map(([k]) => k)].map((k) => named.get(k)!),
      loss,
    );
    expect(Math.abs(numeric - analytic)).toBeLessThan(2e-2 * Math.max(1, Math.abs(analytic)));
    layer.dispose();
    x.dispose();
  });

  it.each(cases)('$name: wasm gradient equals cpu gradient', async (c) => {
    await useBackend('cpu');
    const cpu = gradients(c, 41);
    await useBackend('wasm');
    const wasm = gradients(c, 41);
    for (const [key, g] of cpu.named) expect(maxAbsDiff(wasm.named.get(key)!, g), key).toBeLessThan(1e-4 * Math.max(1, ...g.map(Math.abs)));
    for (const run of [cpu, wasm]) {
      run.layer.dispose();
      run.x.dispose();
    }
  });
});
