/**
 * Every kernel the native addon serves on wasm, against tfjs' cpu backend (stock kernels plus our
 * fixes) on the same inputs: the oneDNN convolutions (forward with bias and activations, both
 * adjoints, conv2dTranspose) over a grid of geometries, batched matmul with transposes and
 * broadcasting, contiguous Sum/Mean (and the fallback for the rest), the fused instance norm with
 * its first and second derivatives, the mirror-pad gradient and the Adam update. Skipped where the
 * addon was not built.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { initBackend, withFrozenWeights } from '../../src/backend/index.js';
import { nativeKernelsInstalled } from '../../src/backend/onednn.js';
import { InstanceNorm2d, instanceNormalize } from '../../src/nn/norm.js';
import { ReLU } from '../../src/nn/activation.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Adam } from '../../src/optim/adam.js';
import { NATIVE_KERNELS } from '../helpers.js';
import { rand, relErr } from './reference.js';

const quiet = { log: () => {} };

/** Runs `fn` on cpu, then on wasm with the native kernels; returns both results as arrays. */
async function onBoth(fn: () => tf.Tensor[]): Promise<{ cpu: Float32Array[]; native: Float32Array[] }> {
  const run = () => {
    const before = tf.memory().numTensors;
    const outs = tf.tidy(fn);
    const data = outs.map((t) => t.dataSync().slice() as Float32Array);
    tf.dispose(outs);
    expect(tf.memory().numTensors).toBe(before);
    return data;
  };
  await initBackend('cpu', quiet);
  const cpu = run();
  await initBackend('wasm', { ...quiet, nativeKernels: true });
  expect(nativeKernelsInstalled()).toBe(true);
  const native = run();
  return { cpu, native };
}

const t4 = (shape: number[], seed: number) =>
  tf.tensor4d(Float32Array.from(rand(shape, seed).data), shape as [number, number, number, number]);
const tn = (shape: number[], seed: number) => tf.tensor(Float32Array.from(rand(shape, seed).data), shape);

function expectClose(a: Float32Array[], b: Float32Array[], tol: number) {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => {
    expect(x.length).toBe(b[i]!.length);
    expect(relErr(b[i]!, x)).toBeLessThan(tol);
  });
}

interface ConvCase {
  x: number[];
  f: number[];
  s: [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  d?: [number, number];
}

const CONV_CASES: ConvCase[] = [
  { x: [2, 5, 5, 3], f: [3, 3, 3, 4], s: [1, 1], pad: 'same' },
  { x: [1, 7, 9, 1], f: [3, 3, 1, 16], s: [2, 2], pad: 'same' },
  { x: [1, 9, 8, 3], f: [4, 4, 3, 2], s: [2, 2], pad: 'valid' }, // unused last row/column
  { x: [2, 6, 7, 4], f: [1, 1, 4, 6], s: [1, 1], pad: 'valid' },
  {
    x: [1, 7, 6, 2],
    f: [3, 3, 2, 3],
    s: [2, 2],
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  { x: [2, 8, 8, 3], f: [4, 4, 3, 5], s: [2, 2], pad: 1 },
  { x: [1, 9, 9, 3], f: [7, 7, 3, 4], s: [1, 1], pad: 'valid' },
  { x: [1, 10, 11, 2], f: [3, 3, 2, 3], s: [3, 3], pad: 'same' },
  { x: [1, 6, 9, 3], f: [3, 3, 3, 2], s: [2, 1], pad: 'same' },
  { x: [3, 5, 4, 1], f: [2, 2, 1, 1], s: [2, 2], pad: 'valid' },
  { x: [1, 12, 12, 32], f: [3, 3, 32, 64], s: [1, 1], pad: 1 },
  { x: [1, 7, 7, 2], f: [3, 3, 2, 3], s: [1, 1], pad: 'same', d: [2, 2] },
  // 3×3 stride 1 with ≥ 64 channels: Winograd where the CPU has it (output sizes not multiples of 4).
  { x: [2, 10, 10, 64], f: [3, 3, 64, 64], s: [1, 1], pad: 1 },
  { x: [1, 11, 13, 64], f: [3, 3, 64, 80], s: [1, 1], pad: 'valid' },
  // 'valid' on a ring-padded input (a residual block) with outputs from 64×64: the input gradient
  // is split into the zero-padded interior and the one-pixel ring.
  { x: [2, 66, 67, 64], f: [3, 3, 64, 72], s: [1, 1], pad: 'valid' },
];
const label = (c: ConvCase) => `x[${c.x}] f[${c.f}] s${c.s.join('x')} ${JSON.stringify(c.pad)}${c.d ? ` d${c.d.join('x')}` : ''}`;

describe.skipIf(!NATIVE_KERNELS)('native kernels on wasm vs the cpu backend', () => {
  afterAll(async () => {
    await initBackend('cpu', quiet);
  });

  it.each(CONV_CASES.map((c, i) => [label(c), c, i] as const))(
    'conv %s: forward, fused bias/relu/leaky relu, both gradients',
    async (_l, c, i) => {
      const { cpu, native } = await onBoth(() => {
        const x = t4(c.x, 10 + i);
        const f = t4(c.f, 20 + i);
        const bias = tn([c.f[3]!], 30 + i);
        const d = c.d ?? [1, 1];
        const y = tf.conv2d(x, f, c.s, c.pad, 'NHWC', d);
        const dy = t4(y.shape, 40 + i);
        const outs: tf.Tensor[] = [y];
        if (d[0] === 1) {
          outs.push(tf.fused.conv2d({ x, filter: f, strides: c.s, pad: c.pad, bias }));
          outs.push(tf.fused.conv2d({ x, filter: f, strides: c.s, pad: c.pad, bias, activation: 'relu' }));
          outs.push(tf.fused.conv2d({ x, filter: f, strides: c.s, pad: c.pad, bias, activation: 'leakyrelu', leakyreluAlpha: 0.2 }));
          const common = { strides: c.s, pad: c.pad, dataFormat: 'NHWC' };
          outs.push(tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: f }, { ...common, inputShape: c.x } as never) as tf.Tensor);
          outs.push(tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...common, filterShape: c.f } as never) as tf.Tensor);
        }
        // Through autodiff of the (fused) conv, bias included.
        const [gx, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad, 'NHWC', d))(
          [x, f],
          dy,
        );
        outs.push(gx!, gf!);
        return outs;
      });
      expectClose(cpu, native, 1e-5);
    },
  );

  it('conv2dTranspose (a Conv2DBackpropInput) and its gradients', async () => {
    const { cpu, native } = await onBoth(() => {
      const x = t4([2, 5, 6, 8], 1);
      const f = t4([4, 4, 3, 8], 2); // [h, w, out, in]
      const y = tf.conv2dTranspose(x, f, [2, 10, 12, 3], 2, 'same');
      const [gx, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 10, 12, 3], 2, 'same'),
      )([x, f], t4([2, 10, 12, 3], 3));
      return [y, gx!, gf!];
    });
    expectClose(cpu, native, 1e-5);
  });

  it('batched matmul with transposes and broadcasting', async () => {
    const { cpu, native } = await onBoth(() => [
      tf.matMul(tn([5, 7], 1), tn([7, 3], 2)),
      tf.matMul(tn([7, 5], 3), tn([3, 7], 4), true, true),
      tf.matMul(tn([4, 5, 7], 5), tn([4, 7, 3], 6)),
      tf.matMul(tn([4, 5, 7], 7), tn([1, 3, 7], 8), false, true),
      tf.matMul(tn([2, 3, 5, 7], 9), tn([7, 6], 10)),
      tf.matMul(tn([1, 7, 5], 11), tn([2, 2, 7, 6], 12), true, false),
    ]);
    expectClose(cpu, native, 1e-5);
  });

  it('Sum and Mean over contiguous axes, and the fallback for the rest', async () => {
    const { cpu, native } = await onBoth(() => {
      const x = t4([2, 5, 6, 7], 1);
      return [
        tf.sum(x, [0, 1, 2]),
        tf.mean(x, [1, 2], true),
        tf.sum(x, 3),
        tf.mean(x, 0),
        tf.sum(x),
        tf.sum(x, [0, 2]),
        tf.mean(x, [1, 3]),
        tf.sum(x, [-2, -1], true),
      ];
    });
    expectClose(cpu, native, 1e-5);
  });

  it('fused instance norm: values, gradient and second-order gradient', async () => {
    const { cpu, native } = await onBoth(() => {
      const x = tf.add(tf.mul(t4([2, 6, 5, 4], 1), 3), 0.5);
      const w = t4([2, 6, 5, 4], 2);
      const y = instanceNormalize(x as tf.Tensor4D);
      const loss = (v: tf.Tensor) => tf.sum(tf.mul(tf.square(instanceNormalize(v as tf.Tensor4D)), w));
      const g = tf.grad(loss)(x);
      // The WGAN-GP pattern: differentiate a function of the gradient.
      const gg = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.grad(loss)(v))))(x);
      return [y, g, gg];
    });
    expectClose(cpu, native, 1e-4);
  });

  it('fused instance norm + ReLU (a Sequential of the two): values, gradient and second-order gradient', async () => {
    const { cpu, native } = await onBoth(() => {
      const net = new Sequential([new InstanceNorm2d(4), new ReLU()]);
      const x = tf.add(tf.mul(t4([2, 6, 5, 4], 3), 2), 0.3);
      const w = t4([2, 6, 5, 4], 4);
      const loss = (v: tf.Tensor) => tf.sum(tf.mul(tf.square(net.forward(v as tf.Tensor4D)), w));
      const out = [net.forward(x as tf.Tensor4D), tf.grad(loss)(x), tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.grad(loss)(v))))(x)];
      net.dispose();
      return out;
    });
    expectClose(cpu, native, 1e-4);
  });

  it('mirror-pad gradient, reflect and symmetric', async () => {
    const { cpu, native } = await onBoth(() =>
      (['reflect', 'symmetric'] as const).flatMap((mode) => {
        const x = t4([2, 5, 6, 3], 1);
        const pads: Array<[number, number]> = [
          [0, 0],
          [3, 2],
          [1, 4],
          [0, 0],
        ];
        const dy = t4([2, 10, 11, 3], 2);
        const [gx] = tf.grads((v: tf.Tensor) => tf.mirrorPad(v, pads, mode))([x], dy);
        return [tf.mirrorPad(x, pads, mode), gx!];
      }),
    );
    expectClose(cpu, native, 1e-6);
  });

  it('Adam update: bit-identical to the op-level update, with and without weight decay', async () => {
    const { cpu, native } = await onBoth(() =>
      [0, 0.01].flatMap((weightDecay) => {
        const p = tf.variable(tn([300], 1));
        const opt = new Adam([['p', p]], { lr: 2e-3, beta1: 0.5, weightDecay });
        for (let step = 0; step < 3; step++) opt.step(new Map([['p', tn([300], 10 + step)]]));
        const moments = [...opt.stateDict().tensors.values()].map((r) => tf.tensor(r.data as Float32Array));
        const out = [p.clone(), ...moments];
        opt.dispose();
        p.dispose();
        return out;
      }),
    );
    cpu.forEach((a, i) => expect(Array.from(native[i]!)).toEqual(Array.from(a)));
  });
});

describe.skipIf(!NATIVE_KERNELS)('native convolution algorithm', () => {
  it('is Winograd for 3×3 stride-1 convs with ≥ 64 channels where the CPU has AVX-512, direct otherwise', async () => {
    const probe = (await import('@translate/native-kernels')).loadAddon();
    if (!probe.ok) throw new Error(probe.reason);
    // 12×12 input, padding 1: [batch, h, w, c, oh, ow, oc, kh, kw, sh, sw, dh, dw, top, left].
    const geometry = (c: number, oc: number, k: number, s: number) => {
      const out = Math.floor((12 + 2 - k) / s) + 1;
      return Int32Array.from([1, 12, 12, c, out, out, oc, k, k, s, s, 1, 1, 1, 1]);
    };
    const kinds = [0, 1, 2, 3] as const;
    const avx512 = existsSync('/proc/cpuinfo') && /\bavx512f\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
    for (const kind of kinds) {
      expect(probe.kernels.implementation(kind, geometry(64, 64, 3, 1)).includes('wino')).toBe(
        avx512 && process.env['TRANSLATE_WINOGRAD'] !== '0',
      );
      expect(probe.kernels.implementation(kind, geometry(32, 64, 3, 1))).not.toMatch(/wino/);
      expect(probe.kernels.implementation(kind, geometry(64, 64, 3, 2))).not.toMatch(/wino/);
      expect(probe.kernels.implementation(kind, geometry(64, 64, 4, 1))).not.toMatch(/wino/);
    }
  });
});

describe.skipIf(!NATIVE_KERNELS)('frozen weights (inference)', () => {
  it("give the plain convolution's values, and follow a variable that is assigned new weights", async () => {
    await initBackend('wasm', { ...quiet, nativeKernels: true });
    // Two 3×3 64→64 layers (Winograd on AVX-512) and a 7×7 one (direct), as network parameters.
    const filter = (k: number, seed: number) => tf.tidy(() => tf.mul(tn([k, k, 64, 64], seed), 0.05));
    const weights = [filter(3, 1), filter(3, 2), filter(7, 3)].map((f) => {
      const v = tf.variable(f);
      f.dispose();
      return v;
    });
    const x = t4([1, 20, 20, 64], 4);
    const forward = () =>
      tf.tidy(() =>
        weights
          .reduce((h, w) => tf.relu(tf.conv2d(h, w as tf.Tensor4D, 1, 'same')), x as tf.Tensor4D)
          .dataSync()
          .slice(),
      );
    const plain = forward();
    const before = tf.memory().numTensors;
    const frozen = [withFrozenWeights(forward), withFrozenWeights(forward)];
    frozen.forEach((f) => expect(relErr(plain, f)).toBeLessThan(1e-5));
    const replacement = filter(3, 5);
    weights[1]!.assign(replacement);
    replacement.dispose();
    const reassigned = forward();
    expect(relErr(plain, reassigned)).toBeGreaterThan(0.1);
    expect(relErr(reassigned, withFrozenWeights(forward))).toBeLessThan(1e-5);
    // Inside a gradient the weights are not taken as frozen: the gradient is the plain one's.
    const grad = () =>
      tf.tidy(() =>
        tf
          .grad((w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'))))(weights[0]!)
          .dataSync()
          .slice(),
      );
    expect(relErr(grad(), withFrozenWeights(grad))).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...weights, x]);
  });
});

describe('native kernels availability', () => {
  beforeAll(async () => {
    await initBackend('wasm', { ...quiet, nativeKernels: false });
  });
  it('are off when asked, and say why when unavailable', async () => {
    expect(nativeKernelsInstalled()).toBe(false);
    const lines: string[] = [];
    const info = await initBackend('wasm', { log: (m) => lines.push(m), nativeKernels: true });
    if (NATIVE_KERNELS) {
      expect(info.nativeKernels).toContain('Conv2DBackpropFilter');
      // Exactly the kernels the addon registers: pure wasm's windows kernel stays ours.
      expect(info.nativeKernels).not.toContain('TranslateWindows');
      expect(info.nativeKernels).toHaveLength(new Set(info.nativeKernels).size);
      expect(lines.at(-1)).toMatch(/oneDNN \d+\.\d+\.\d+ kernels/);
    } else {
      expect(info.nativeKernels).toEqual([]);
      expect(lines[0]).toMatch(/^notice: native kernels unavailable \(.+\); using the wasm kernels/);
    }
    await initBackend('cpu', quiet);
  });
});
