/**
 * Our Conv2DBackpropFilter / Conv2DBackpropInput kernels and the Conv2D gradient, on cpu and wasm,
 * against plain-JS float64 adjoints of the conv definition over a grid of geometries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { initBackend } from '../../src/backend/index.js';
import { conv2dBackpropFilter, resolveMethod } from '../../src/backend/kernels/conv2d_backprop_filter.js';
import { convGeometry } from '../../src/backend/kernels/util.js';
import { conv2dBackpropInput } from '../../src/backend/kernels/conv2d_backprop_input.js';
import { convFilterGradRef, convInputGradRef, convRef, geom, rand, relErr, type Dense, type RefPad } from './reference.js';

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: [number, number];
  pad: RefPad;
  d?: [number, number];
}

const CASES: Case[] = [
  { x: [2, 5, 5, 3], f: [3, 3, 3, 4], s: [1, 1], pad: 'same' },
  { x: [1, 7, 9, 1], f: [3, 3, 1, 16], s: [2, 2], pad: 'same' },
  { x: [2, 8, 8, 5], f: [3, 3, 5, 2], s: [2, 2], pad: 'same' },
  { x: [1, 9, 8, 3], f: [4, 4, 3, 2], s: [2, 2], pad: 'valid' },
  { x: [2, 6, 7, 4], f: [1, 1, 4, 6], s: [1, 1], pad: 'valid' },
  {
    x: [1, 7, 6, 2],
    f: [3, 3, 2, 3],
    s: [2, 2],
    pad: [
      [1, 2],
      [0, 1],
    ],
  },
  { x: [2, 8, 8, 3], f: [4, 4, 3, 5], s: [2, 2], pad: 1 }, // pix2pix / PatchGAN down-conv
  { x: [1, 9, 9, 3], f: [7, 7, 3, 4], s: [1, 1], pad: 'valid' }, // ResNet stem after a 3-px reflection pad
  { x: [1, 5, 6, 16], f: [3, 3, 16, 16], s: [1, 1], pad: 1 },
  { x: [1, 7, 7, 2], f: [3, 3, 2, 3], s: [1, 1], pad: 'same', d: [2, 2] },
  { x: [2, 9, 8, 3], f: [3, 2, 3, 2], s: [1, 1], pad: 'valid', d: [2, 2] },
  { x: [1, 6, 9, 3], f: [3, 3, 3, 2], s: [2, 1], pad: 'same' },
  { x: [1, 10, 11, 2], f: [3, 3, 2, 3], s: [3, 3], pad: 'same' },
  { x: [1, 2, 3, 2], f: [3, 3, 2, 2], s: [2, 2], pad: 'same' },
  { x: [3, 5, 4, 1], f: [2, 2, 1, 1], s: [2, 2], pad: 'valid' },
];

const TOL = 1e-4;

function tfPad(pad: RefPad): 'same' | 'valid' | number | tf.backend_util.ExplicitPadding {
  if (typeof pad !== 'object') return pad;
  return [[0, 0], pad[0], pad[1], [0, 0]];
}

const label = (c: Case) =>
  `x[${c.x}] f[${c.f.slice(0, 2)}] ${c.f[2]}→${c.f[3]} s${c.s.join('x')} ${JSON.stringify(c.pad)}${c.d ? ` d${c.d.join('x')}` : ''}`;

function tensor(d: Dense): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(d.data), d.shape as [number, number, number, number]);
}

function setup(c: Case, seed: number) {
  const d = c.d ?? ([1, 1] as [number, number]);
  const g = geom(c.x, c.f, c.s, c.pad, d);
  const x = rand(c.x, seed);
  const w = rand(c.f, seed + 1);
  const dy = rand([g.n, g.h.out, g.w.out, g.co], seed + 2);
  return { d, g, x, w, dy };
}

const maxErr: Record<string, number> = {};
function record(name: string, err: number) {
  maxErr[name] = Math.max(maxErr[name] ?? 0, err);
}

beforeAll(async () => {
  const quiet = { log: () => {} };
  await initBackend('cpu', quiet);
  // Our wasm kernels themselves (the native addon's are compared in native_kernels.test.ts).
  await initBackend('wasm', { ...quiet, nativeKernels: false });
});

afterAll(() => {
  console.log('max relative errors:', JSON.stringify(maxErr));
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`conv backprop kernels on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
    });

    it.each(CASES.map((c, i) => [label(c), c, i] as const))('%s', (_name, c, i) => {
      const { d, g, x, w, dy } = setup(c, 100 + 7 * i);
      const xt = tensor(x);
      const wt = tensor(w);
      const dyt = tensor(dy);
      const pad = tfPad(c.pad);

      // The forward conv agrees with the reference geometry (so the adjoints below are the right ones).
      const y = tf.conv2d(xt, wt, c.s, pad, 'NHWC', d);
      expect(y.shape).toEqual([g.n, g.h.out, g.w.out, g.co]);
      const eFwd = relErr(y.dataSync(), convRef(x, w, g).data);
      expect(eFwd).toBeLessThan(TOL);

      const refDx = convInputGradRef(dy, w, g).data;
      const refDw = convFilterGradRef(x, dy, g).data;

      // The registered kernels, called as the engine calls them (plus `dilations`).
      const common = { strides: c.s, pad, dataFormat: 'NHWC', dilations: d };
      // (cpu keeps tfjs' own Conv2DBackpropInput, which is faster there but ignores `dilations`.)
      const dilated = d[0] !== 1 || d[1] !== 1;
      if (backend === 'wasm' || !dilated) {
        const dx = tf
          .engine()
          .runKernel(tf.Conv2DBackpropInput, { dy: dyt, filter: wt }, { ...common, inputShape: c.x } as never) as tf.Tensor;
        const eDx = relErr(dx.dataSync(), refDx);
        record(`${backend} kernel dx`, eDx);
        expect(eDx).toBeLessThan(TOL);
        dx.dispose();
      }
      const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: xt, dy: dyt }, { ...common, filterShape: c.f } as never) as tf.Tensor;
      const eDw = relErr(dw.dataSync(), refDw);
      record(`${backend} kernel dW`, eDw);
      expect(eDw).toBeLessThan(TOL);

      // Every filter-gradient route, where it applies.
      const both = (c.s[0] === 1 && c.s[1] === 1) || (d[0] === 1 && d[1] === 1);
      for (const method of both ? (['conv', 'taps', 'columns'] as const) : (['taps', 'columns'] as const)) {
        const r = conv2dBackpropFilter({ x: xt, dy: dyt, filterShape: c.f, strides: c.s, pad, dilations: d, method });
        const e = relErr(r.dataSync(), refDw);
        record(`${backend} dW ${method}`, e);
        expect(e).toBeLessThan(TOL);
        r.dispose();
      }

      // The input gradient with sub-filters built by tf ops (differentiable) and in JS (the kernel's way).
      for (const differentiable of [true, false]) {
        const r = conv2dBackpropInput({ inputShape: c.x, dy: dyt, filter: wt, strides: c.s, pad, dilations: d, differentiable });
        const e = relErr(r.dataSync(), refDx);
        record(`${backend} dx ${differentiable ? 'tf-op filters' : 'js filters'}`, e);
        expect(e).toBeLessThan(TOL);
        r.dispose();
      }

      // Through autodiff (the Conv2D gradient), without leaking tensors.
      const before = tf.memory().numTensors;
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, pad, 'NHWC', d))(
        [xt, wt],
        dyt,
      );
      const eGx = relErr(gx!.dataSync(), refDx);
      const eGw = relErr(gw!.dataSync(), refDw);
      record(`${backend} grad dx`, eGx);
      record(`${backend} grad dW`, eGw);
      expect(eGx).toBeLessThan(TOL);
      expect(eGw).toBeLessThan(TOL);
      tf.dispose([gx!, gw!]);
      expect(tf.memory().numTensors).toBe(before);

      tf.dispose([xt, wt, dyt, y, dw]);
    });

    it('conv2dTranspose (the Conv2DBackpropInput forward) matches the reference', () => {
      const c: Case = { x: [2, 7, 6, 3], f: [4, 4, 3, 5], s: [2, 2], pad: 'same' };
      const { g, w, dy } = setup(c, 999);
      const out = tf.conv2dTranspose(tensor(dy), tensor(w), c.x, c.s, 'same');
      expect(relErr(out.dataSync(), convInputGradRef(dy, w, g).data)).toBeLessThan(TOL);
    });

    it('strides and dilations both > 1 (kernel called directly)', () => {
      const c: Case = { x: [2, 11, 10, 3], f: [3, 3, 3, 2], s: [2, 2], pad: 'same', d: [2, 2] };
      const { d, g, x, w, dy } = setup(c, 4242);
      const dx = conv2dBackpropInput({ inputShape: c.x, dy: tensor(dy), filter: tensor(w), strides: c.s, pad: 'same', dilations: d });
      const dw = conv2dBackpropFilter({ x: tensor(x), dy: tensor(dy), filterShape: c.f, strides: c.s, pad: 'same', dilations: d });
      const eDx = relErr(dx.dataSync(), convInputGradRef(dy, w, g).data);
      const eDw = relErr(dw.dataSync(), convFilterGradRef(x, dy, g).data);
      record(`${backend} s2d2 dx`, eDx);
      record(`${backend} s2d2 dW`, eDw);
      expect(eDx).toBeLessThan(TOL);
      expect(eDw).toBeLessThan(TOL);
    });
  });
}

describe('NCHW layout (op-level implementations, cpu)', () => {
  it('matches the NHWC result transposed', async () => {
    await tf.setBackend('cpu');
    const c: Case = { x: [2, 7, 5, 3], f: [3, 3, 3, 4], s: [2, 2], pad: 'same' };
    const { g, x, w, dy } = setup(c, 77);
    const toNchw = (t: tf.Tensor4D) => tf.transpose(t, [0, 3, 1, 2]) as tf.Tensor4D;
    const dx = conv2dBackpropInput({
      inputShape: [2, 3, 7, 5],
      dy: toNchw(tensor(dy)),
      filter: tensor(w),
      strides: c.s,
      pad: 'same',
      dataFormat: 'NCHW',
    });
    const dw = conv2dBackpropFilter({
      x: toNchw(tensor(x)),
      dy: toNchw(tensor(dy)),
      filterShape: c.f,
      strides: c.s,
      pad: 'same',
      dataFormat: 'NCHW',
    });
    expect(dx.shape).toEqual([2, 3, 7, 5]);
    const ref = tensor(convInputGradRef(dy, w, g));
    expect(relErr(dx.dataSync(), toNchw(ref).dataSync())).toBeLessThan(TOL);
    expect(relErr(dw.dataSync(), convFilterGradRef(x, dy, g).data)).toBeLessThan(TOL);
  });
});

describe('the filter-gradient route auto picks', () => {
  const geometry = (x: number[], f: number[], s: number, d = 1) => convGeometry(x, f, s, 'same', d);
  it('is winograd for 3x3 stride-1 convs with 32+ channels in multiples of 8 on wasm', async () => {
    await initBackend('wasm', { log: () => {}, nativeKernels: false });
    expect(resolveMethod('auto', geometry([1, 64, 64, 64], [3, 3, 64, 128], 1))).toBe('winograd');
    expect(resolveMethod('auto', geometry([1, 64, 64, 16], [3, 3, 16, 128], 1))).toBe('columns');
    expect(resolveMethod('auto', geometry([1, 64, 64, 64], [3, 3, 64, 36], 1))).toBe('columns');
    expect(resolveMethod('auto', geometry([1, 64, 64, 64], [3, 3, 64, 128], 1, 2))).toBe('columns');
    // Too few 4x4 output tiles: 8x8 output is 4 tiles.
    expect(resolveMethod('auto', geometry([1, 8, 8, 64], [3, 3, 64, 128], 1))).toBe('columns');
  });

  it('is columns for 16+ output channels (any stride with the wasm windows kernel), within a size cap', async () => {
    await initBackend('wasm', { log: () => {}, nativeKernels: false });
    expect(resolveMethod('auto', geometry([1, 64, 64, 64], [5, 5, 64, 128], 1))).toBe('columns');
    expect(resolveMethod('auto', geometry([1, 64, 64, 64], [3, 3, 64, 128], 2))).toBe('columns');
    expect(resolveMethod('auto', geometry([1, 64, 64, 64], [7, 7, 64, 3], 1))).toBe('conv');
    // 49·64 rows × 512² columns would be 822 M floats: the conv route instead.
    expect(resolveMethod('auto', geometry([1, 512, 512, 64], [7, 7, 64, 64], 1))).toBe('conv');
    expect(resolveMethod('conv', geometry([1, 64, 64, 64], [3, 3, 64, 128], 2))).toBe('conv');
  });

  it('is columns only at stride 1 without the windows kernel (cpu)', async () => {
    await initBackend('cpu', { log: () => {} });
    expect(resolveMethod('auto', geometry([1, 64, 64, 64], [3, 3, 64, 128], 1))).toBe('columns');
    expect(resolveMethod('auto', geometry([1, 64, 64, 64], [3, 3, 64, 128], 2))).toBe('conv');
    expect(resolveMethod('auto', geometry([1, 64, 64, 64], [3, 3, 64, 128], 2, 2))).toBe('taps');
    expect(() => resolveMethod('winograd', geometry([1, 64, 64, 64], [3, 3, 64, 128], 1))).toThrow(/winograd route needs the wasm backend/);
  });
});
