import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  InstanceNorm2d,
  Linear,
  Pad2d,
  PixelShuffle,
  PReLU,
  Upsample,
  interpolate,
} from '../../src/nn/index.js';
import type { RawTensor } from '../../src/interop/raw_tensor.js';
import { BACKENDS, maxAbsDiff, useBackend } from '../helpers.js';
import { conv2dRef, convTranspose2dRef, pad2dRef, randomArray, randomNchw, toNhwc, type Nchw } from '../reference_ops.js';

const f32 = (shape: number[], data: ArrayLike<number>): RawTensor => ({ dtype: 'F32', shape, data: Float32Array.from(data) });
const input = (x: Nchw) => tf.tensor4d(toNhwc(x), [x.n, x.h, x.w, x.c]);

describe.each(BACKENDS)('layers match PyTorch semantics on %s', (backend) => {
  it.each([
    { name: 'k3 s1 p1', k: 3, s: 1, p: 1, d: 1, h: 7, w: 6 },
    { name: 'k3 s2 p1 even', k: 3, s: 2, p: 1, d: 1, h: 8, w: 8 },
    { name: 'k3 s2 p1 odd', k: 3, s: 2, p: 1, d: 1, h: 9, w: 7 },
    { name: 'k4 s2 p1', k: 4, s: 2, p: 1, d: 1, h: 8, w: 10 },
    { name: 'k4 s1 p1 (PatchGAN tail)', k: 4, s: 1, p: 1, d: 1, h: 6, w: 6 },
    { name: 'k4 s1 p2 (SPADE D)', k: 4, s: 1, p: 2, d: 1, h: 5, w: 5 },
    { name: 'k7 s1 p0', k: 7, s: 1, p: 0, d: 1, h: 9, w: 9 },
    { name: 'k3 dilation 2', k: 3, s: 1, p: 2, d: 2, h: 7, w: 7 },
  ])('Conv2d $name', async ({ k, s, p, d, h, w }) => {
    await useBackend(backend);
    const [ci, co] = [3, 4];
    const x = randomNchw(2, ci, h, w, 1);
    const weight = randomArray(co * ci * k * k, 2);
    const bias = randomArray(co, 3);
    const conv = new Conv2d({ inChannels: ci, outChannels: co, kernelSize: k, stride: s, padding: p, dilation: d });
    conv.loadStateDict(
      new Map([
        ['weight', f32([co, ci, k, k], weight)],
        ['bias', f32([co], bias)],
      ]),
    );
    const expected = conv2dRef(x, weight, [co, k, k], { stride: [s, s], padding: [p, p], dilation: [d, d], bias });
    const out = tf.tidy(() => conv.forward(input(x)));
    expect(out.shape).toEqual([expected.n, expected.h, expected.w, expected.c]);
    expect(maxAbsDiff(out, toNhwc(expected))).toBeLessThan(1e-5);
    out.dispose();
    conv.dispose();
  });

  it.each(['reflect', 'replicate'] as const)('Conv2d with padding_mode %s equals Pad2d + valid conv reference', async (mode) => {
    await useBackend(backend);
    const x = randomNchw(1, 2, 5, 6, 4);
    const weight = randomArray(3 * 2 * 9, 5);
    const conv = new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, paddingMode: mode, bias: false });
    conv.loadStateDict(new Map([['weight', f32([3, 2, 3, 3], weight)]]));
    const expected = conv2dRef(pad2dRef(x, [1, 1, 1, 1], mode), weight, [3, 3, 3], {});
    const out = tf.tidy(() => conv.forward(input(x)));
    expect(maxAbsDiff(out, toNhwc(expected))).toBeLessThan(1e-5);
    out.dispose();
  });

  it.each([
    { k: 3, s: 2, p: 1, op: 1, h: 4, w: 5 },
    { k: 4, s: 2, p: 1, op: 0, h: 4, w: 4 },
    { k: 3, s: 1, p: 1, op: 0, h: 5, w: 3 },
    { k: 3, s: 2, p: 0, op: 1, h: 3, w: 3 },
  ])('ConvTranspose2d k$k s$s p$p output_padding $op', async ({ k, s, p, op, h, w }) => {
    await useBackend(backend);
    const [ci, co] = [3, 2];
    const x = randomNchw(2, ci, h, w, 6);
    const weight = randomArray(ci * co * k * k, 7);
    const bias = randomArray(co, 8);
    const layer = new ConvTranspose2d({ inChannels: ci, outChannels: co, kernelSize: k, stride: s, padding: p, outputPadding: op });
    layer.loadStateDict(
      new Map([
        ['weight', f32([ci, co, k, k], weight)],
        ['bias', f32([co], bias)],
      ]),
    );
    const expected = convTranspose2dRef(x, weight, [co, k, k], { stride: s, padding: p, outputPadding: op, bias });
    const out = tf.tidy(() => layer.forward(input(x)));
    expect(out.shape).toEqual([expected.n, expected.h, expected.w, expected.c]);
    expect(maxAbsDiff(out, toNhwc(expected))).toBeLessThan(1e-5);
    out.dispose();
  });

  it.each(['reflect', 'replicate'] as const)('Pad2d %s with uneven widths', async (mode) => {
    await useBackend(backend);
    const x = randomNchw(2, 3, 5, 4, 9);
    const widths: [number, number, number, number] = [1, 3, 2, 0];
    const out = tf.tidy(() => new Pad2d(widths, mode).forward(input(x)));
    expect(maxAbsDiff(out, toNhwc(pad2dRef(x, widths, mode)))).toBe(0);
    out.dispose();
  });

  it('InstanceNorm2d normalises each sample and channel over H, W with biased variance', async () => {
    await useBackend(backend);
    const x = randomNchw(2, 3, 4, 5, 10);
    const out = tf.tidy(() => new InstanceNorm2d(3).forward(input(x)));
    const expected = new Float64Array(x.data.length);
    const hw = x.h * x.w;
    for (let nc = 0; nc < x.n * x.c; nc++) {
      const slice = x.data.subarray(nc * hw, (nc + 1) * hw);
      const mean = slice.reduce((a, b) => a + b, 0) / hw;
      const variance = slice.reduce((a, b) => a + (b - mean) ** 2, 0) / hw;
      slice.forEach((v, i) => (expected[nc * hw + i] = (v - mean) / Math.sqrt(variance + 1e-5)));
    }
    expect(maxAbsDiff(out, toNhwc({ ...x, data: expected }))).toBeLessThan(1e-5);
    out.dispose();
  });

  it('BatchNorm2d: batch statistics and running-stat update in training, running stats in eval', async () => {
    await useBackend(backend);
    const x = randomNchw(3, 2, 3, 4, 11);
    const gamma = [1.5, -0.5];
    const beta = [0.25, 2];
    const bn = new BatchNorm2d(2);
    bn.loadStateDict(
      new Map<string, RawTensor>([
        ['weight', f32([2], gamma)],
        ['bias', f32([2], beta)],
        ['running_mean', f32([2], [0.1, -0.2])],
        ['running_var', f32([2], [2, 0.5])],
        ['num_batches_tracked', { dtype: 'I64', shape: [], data: BigInt64Array.from([7n]) }],
      ]),
    );
    const count = x.n * x.h * x.w;
    const stats = [0, 1].map((c) => {
      const values: number[] = [];
      for (let n = 0; n < x.n; n++) for (let k = 0; k < x.h * x.w; k++) values.push(x.data[(n * 2 + c) * x.h * x.w + k]!);
      const mean = values.reduce((a, b) => a + b, 0) / count;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / count;
      return { mean, variance };
    });
    const expected = x.data.map((v, i) => {
      const c = Math.floor(i / (x.h * x.w)) % 2;
      return ((v - stats[c]!.mean) / Math.sqrt(stats[c]!.variance + 1e-5)) * gamma[c]! + beta[c]!;
    });
    const out = tf.tidy(() => bn.forward(input(x), { training: true }));
    expect(maxAbsDiff(out, toNhwc({ ...x, data: expected }))).toBeLessThan(1e-5);
    const state = bn.stateDict();
    const runningMean = [0.1, -0.2].map((r, c) => 0.9 * r + 0.1 * stats[c]!.mean);
    const runningVar = [2, 0.5].map((r, c) => 0.9 * r + 0.1 * stats[c]!.variance * (count / (count - 1)));
    expect(maxAbsDiff(state.get('running_mean')!.data as Float32Array, Float32Array.from(runningMean))).toBeLessThan(1e-6);
    expect(maxAbsDiff(state.get('running_var')!.data as Float32Array, Float32Array.from(runningVar))).toBeLessThan(1e-6);
    expect(state.get('num_batches_tracked')).toEqual({ dtype: 'I64', shape: [], data: BigInt64Array.from([8n]) });
    const evalOut = tf.tidy(() => bn.forward(input(x), { training: false }));
    const expectedEval = x.data.map((v, i) => {
      const c = Math.floor(i / (x.h * x.w)) % 2;
      return ((v - runningMean[c]!) / Math.sqrt(runningVar[c]! + 1e-5)) * gamma[c]! + beta[c]!;
    });
    expect(maxAbsDiff(evalOut, toNhwc({ ...x, data: expectedEval }))).toBeLessThan(1e-5);
    tf.dispose([out, evalOut]);
  });

  it('PixelShuffle uses PyTorch channel order: out[c, h·r+i, w·r+j] = in[c·r²+i·r+j, h, w]', async () => {
    await useBackend(backend);
    const r = 2;
    const x = randomNchw(2, 3 * r * r, 3, 2, 12);
    const out = tf.tidy(() => new PixelShuffle(r).forward(input(x)));
    const expected = new Float64Array(x.data.length);
    const [oc, oh, ow] = [3, 3 * r, 2 * r];
    for (let n = 0; n < 2; n++)
      for (let c = 0; c < oc; c++)
        for (let y = 0; y < oh; y++)
          for (let z = 0; z < ow; z++) {
            const src = c * r * r + (y % r) * r + (z % r);
            expected[((n * oc + c) * oh + y) * ow + z] = x.data[((n * x.c + src) * x.h + Math.floor(y / r)) * x.w + Math.floor(z / r)]!;
          }
    expect(maxAbsDiff(out, toNhwc({ n: 2, c: oc, h: oh, w: ow, data: expected }))).toBe(0);
    out.dispose();
  });

  it('AvgPool2d(3, 2, 1, count_include_pad=False) divides by the real pixels only', async () => {
    await useBackend(backend);
    const x = randomNchw(1, 2, 5, 6, 13);
    const out = tf.tidy(() => new AvgPool2d({ kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }).forward(input(x)));
    const [oh, ow] = [3, 3];
    const expected = new Float64Array(2 * oh * ow);
    for (let c = 0; c < 2; c++)
      for (let y = 0; y < oh; y++)
        for (let z = 0; z < ow; z++) {
          let sum = 0;
          let count = 0;
          for (let a = -1; a <= 1; a++)
            for (let b = -1; b <= 1; b++) {
              const [iy, ix] = [y * 2 + a, z * 2 + b];
              if (iy < 0 || iy >= x.h || ix < 0 || ix >= x.w) continue;
              sum += x.data[(c * x.h + iy) * x.w + ix]!;
              count++;
            }
          expected[(c * oh + y) * ow + z] = sum / count;
        }
    expect(maxAbsDiff(out, toNhwc({ n: 1, c: 2, h: oh, w: ow, data: expected }))).toBeLessThan(1e-6);
    out.dispose();
  });

  it('Upsample nearest ×2 repeats pixels; interpolate nearest to a non-multiple picks floor(dst·in/out)', async () => {
    await useBackend(backend);
    const x = randomNchw(1, 2, 3, 4, 14);
    const up = tf.tidy(() => new Upsample(2).forward(input(x)));
    const odd = tf.tidy(() => interpolate(input(x), [5, 7], 'nearest'));
    const expect2 = new Float64Array(2 * 6 * 8);
    const expectOdd = new Float64Array(2 * 5 * 7);
    for (let c = 0; c < 2; c++) {
      for (let y = 0; y < 6; y++) for (let z = 0; z < 8; z++) expect2[(c * 6 + y) * 8 + z] = x.data[(c * 3 + (y >> 1)) * 4 + (z >> 1)]!;
      for (let y = 0; y < 5; y++)
        for (let z = 0; z < 7; z++)
          expectOdd[(c * 5 + y) * 7 + z] = x.data[(c * 3 + Math.floor((y * 3) / 5)) * 4 + Math.floor((z * 4) / 7)]!;
    }
    expect(maxAbsDiff(up, toNhwc({ n: 1, c: 2, h: 6, w: 8, data: expect2 }))).toBe(0);
    expect(maxAbsDiff(odd, toNhwc({ n: 1, c: 2, h: 5, w: 7, data: expectOdd }))).toBe(0);
    tf.dispose([up, odd]);
  });

  it('bilinear interpolate matches align_corners=False', async () => {
    await useBackend(backend);
    const x = randomNchw(1, 1, 3, 4, 15);
    const [oh, ow] = [7, 5];
    const out = tf.tidy(() => interpolate(input(x), [oh, ow], 'bilinear'));
    const expected = new Float64Array(oh * ow);
    const src = (d: number, inSize: number, outSize: number) => Math.max(0, (d + 0.5) * (inSize / outSize) - 0.5);
    for (let y = 0; y < oh; y++)
      for (let z = 0; z < ow; z++) {
        const sy = src(y, 3, oh);
        const sx = src(z, 4, ow);
        const [y0, x0] = [Math.floor(sy), Math.floor(sx)];
        const [y1, x1] = [Math.min(y0 + 1, 2), Math.min(x0 + 1, 3)];
        const [ly, lx] = [sy - y0, sx - x0];
        const v = (a: number, b: number) => x.data[a * 4 + b]!;
        expected[y * ow + z] = (1 - ly) * ((1 - lx) * v(y0, x0) + lx * v(y0, x1)) + ly * ((1 - lx) * v(y1, x0) + lx * v(y1, x1));
      }
    expect(maxAbsDiff(out, Float32Array.from(expected))).toBeLessThan(1e-6);
    out.dispose();
  });

  it('Linear computes x·Wᵀ + b with a PyTorch [out, in] weight', async () => {
    await useBackend(backend);
    const [inF, outF] = [4, 3];
    const weight = randomArray(outF * inF, 16);
    const bias = randomArray(outF, 17);
    const x = randomArray(2 * inF, 18);
    const layer = new Linear(inF, outF);
    layer.loadStateDict(
      new Map([
        ['weight', f32([outF, inF], weight)],
        ['bias', f32([outF], bias)],
      ]),
    );
    const out = tf.tidy(() => layer.forward(tf.tensor2d(Float32Array.from(x), [2, inF])));
    const expected = Float32Array.from({ length: 2 * outF }, (_, k) => {
      const [n, o] = [Math.floor(k / outF), k % outF];
      let acc = bias[o]!;
      for (let i = 0; i < inF; i++) acc += x[n * inF + i]! * weight[o * inF + i]!;
      return acc;
    });
    expect(maxAbsDiff(out, expected)).toBeLessThan(1e-6);
    out.dispose();
  });

  it('PReLU scales negatives by its learned slope', async () => {
    await useBackend(backend);
    const out = tf.tidy(() => new PReLU().forward(tf.tensor4d([-2, -0.5, 0, 3], [1, 2, 2, 1])));
    expect(Array.from(out.dataSync())).toEqual([-0.5, -0.125, 0, 3]);
    out.dispose();
  });
});
