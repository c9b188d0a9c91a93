/**
 * The SPADE layer and SPADEResnetBlock: reference state-dict keys, forward against a plain-JS
 * float64 reference, batch-statistics state, gradients against finite differences (cpu) and wasm
 * against cpu, and the norm-string parsers.
 */
import { describe, expect, it } from 'vitest';
import { OptionError, seedEverything, tf } from '@translate/core';
import { SPADE, SPADEResnetBlock, parsePlainNorm, parseSpadeNorm, normalizedConv } from '../../src/spade/index.js';
import { randomArray, randomNchw, toNhwc, type Nchw } from '../../../core/test/reference_ops.js';
import { directionalDerivatives, maxAbsDiff, useBackend } from '../../../core/test/helpers.js';
import { convOf, mapRef, spadeRef } from './spade_ref.js';

const tensorOf = (x: Nchw) => tf.tensor4d(toNhwc(x), [x.n, x.h, x.w, x.c]);
const lrelu = (x: Nchw) => mapRef((v) => (v > 0 ? v : 0.2 * v), x);

/** A one-hot-like segmap (values 0/1) at a lower resolution than x, to exercise the nearest resize. */
function segmapOf(n: number, c: number, h: number, w: number, seed: number): Nchw {
  const r = randomArray(n * h * w, seed);
  const data = new Float64Array(n * c * h * w);
  for (let b = 0; b < n; b++) for (let i = 0; i < h * w; i++) data[(b * c + Math.floor(((r[b * h * w + i]! + 1) / 2) * c)) * h * w + i] = 1;
  return { n, c, h, w, data };
}

describe('norm strings', () => {
  it('parses SPADE and plain norms as the reference spells them', () => {
    expect(parseSpadeNorm('spectralspadesyncbatch3x3')).toEqual({ spectral: true, paramFree: 'syncbatch', kernelSize: 3 });
    expect(parseSpadeNorm('spadeinstance5x5')).toEqual({ spectral: false, paramFree: 'instance', kernelSize: 5 });
    expect(parsePlainNorm('spectralinstance', '--norm_D')).toEqual({ spectral: true, subnorm: 'instance' });
    expect(parsePlainNorm('spectral', '--norm_D')).toEqual({ spectral: true, subnorm: 'none' });
    expect(parsePlainNorm('spectralsync_batch', '--norm_D')).toEqual({ spectral: true, subnorm: 'batch' });
    expect(parsePlainNorm('instance', '--norm_E')).toEqual({ spectral: false, subnorm: 'instance' });
    expect(() => parseSpadeNorm('spectralinstance')).toThrow(/--norm_G 'spectralinstance' is not a SPADE norm/);
    expect(() => parseSpadeNorm('spadebatch4x4')).toThrow(OptionError);
    expect(() => parsePlainNorm('spectralgroup', '--norm_D')).toThrow(/--norm_D 'spectralgroup'/);
  });

  it("normalizedConv: a sub-norm removes the conv bias and nests it as '0' (SPADE's get_nonspade_norm_layer)", async () => {
    await useBackend('cpu');
    const nested = normalizedConv(parsePlainNorm('spectralbatch', 'x'), { inChannels: 2, outChannels: 3, kernelSize: 3 });
    expect([...nested.stateDict().keys()]).toEqual([
      '0.weight_orig',
      '0.weight_u',
      '0.weight_v',
      '1.weight',
      '1.bias',
      '1.running_mean',
      '1.running_var',
      '1.num_batches_tracked',
    ]);
    const alone = normalizedConv(parsePlainNorm('spectral', 'x'), { inChannels: 2, outChannels: 3, kernelSize: 3 });
    expect([...alone.stateDict().keys()]).toEqual(['bias', 'weight_orig', 'weight_u', 'weight_v']);
    nested.dispose();
    alone.dispose();
  });
});

describe('SPADE layer', () => {
  it('has the reference keys: MLP convs, and batch-norm buffers only for batch/syncbatch', async () => {
    await useBackend('cpu');
    const batch = new SPADE({ normNc: 4, labelNc: 3, paramFree: 'syncbatch', kernelSize: 3 });
    expect([...batch.stateDict().keys()]).toEqual([
      'param_free_norm.running_mean',
      'param_free_norm.running_var',
      'param_free_norm.num_batches_tracked',
      'mlp_shared.0.weight',
      'mlp_shared.0.bias',
      'mlp_gamma.weight',
      'mlp_gamma.bias',
      'mlp_beta.weight',
      'mlp_beta.bias',
    ]);
    expect(batch.stateDict().get('mlp_gamma.weight')!.shape).toEqual([4, 128, 3, 3]);
    // (s·128·k² + 128) + 2·(128·C·k² + C)
    expect(batch.numParameters()).toBe(3 * 128 * 9 + 128 + 2 * (128 * 4 * 9 + 4));
    const instance = new SPADE({ normNc: 4, labelNc: 3, paramFree: 'instance', kernelSize: 3 });
    expect([...instance.stateDict().keys()].filter((k) => k.startsWith('param_free_norm'))).toEqual([]);
    batch.dispose();
    instance.dispose();
  });

  it.each(['instance', 'batch'] as const)(
    '%s: forward equals norm(x)·(1 + γ) + β of a float64 reference (segmap nearest-resized)',
    async (kind) => {
      await useBackend('cpu');
      seedEverything(3);
      const layer = new SPADE({ normNc: 3, labelNc: 4, paramFree: kind, kernelSize: 3 });
      const x = randomNchw(2, 3, 6, 6, 11);
      const seg = segmapOf(2, 4, 3, 3, 12);
      const [xt, st] = [tensorOf(x), tensorOf(seg)];
      const y = layer.forward({ x: xt, segmap: st }, { training: true, updateState: false });
      expect(maxAbsDiff(y, toNhwc(spadeRef(layer.stateDict(), '', x, seg, kind, 3)))).toBeLessThan(1e-4);
      tf.dispose([xt, st, y]);
      layer.dispose();
    },
  );

  it('batch: training updates running statistics once per call unless updateState is false; eval uses them', async () => {
    await useBackend('cpu');
    const layer = new SPADE({ normNc: 2, labelNc: 2, paramFree: 'batch', kernelSize: 1 });
    const x = tf.randomNormal([2, 4, 4, 2], 3, 2, 'float32', 1) as tf.Tensor4D;
    const seg = tf.ones([2, 4, 4, 2]) as tf.Tensor4D;
    const runningMean = () => layer.stateDict().get('param_free_norm.running_mean')!.data as Float32Array;
    tf.dispose(layer.forward({ x, segmap: seg }, { training: true, updateState: false }));
    expect([...runningMean()]).toEqual([0, 0]);
    tf.dispose(layer.forward({ x, segmap: seg }, { training: true }));
    const mean = tf.mean(x, [0, 1, 2]).dataSync();
    expect(
      maxAbsDiff(
        runningMean(),
        Float32Array.from(mean, (m) => 0.1 * m),
      ),
    ).toBeLessThan(1e-5);
    tf.dispose([x, seg]);
    layer.dispose();
  });
});

describe('SPADEResnetBlock', () => {
  it('has the reference keys: spectral conv_0/conv_1/conv_s (no bias), norm_0/norm_1/norm_s sized fin, fmiddle, fin', async () => {
    await useBackend('cpu');
    const block = new SPADEResnetBlock({ fin: 8, fout: 4, semanticNc: 3, norm: parseSpadeNorm('spectralspadesyncbatch3x3') });
    const state = block.stateDict();
    expect([...state.keys()].filter((k) => k.startsWith('conv'))).toEqual([
      'conv_0.bias',
      'conv_0.weight_orig',
      'conv_0.weight_u',
      'conv_0.weight_v',
      'conv_1.bias',
      'conv_1.weight_orig',
      'conv_1.weight_u',
      'conv_1.weight_v',
      'conv_s.weight_orig',
      'conv_s.weight_u',
      'conv_s.weight_v',
    ]);
    expect(state.get('conv_0.weight_orig')!.shape).toEqual([4, 8, 3, 3]);
    expect(state.get('norm_0.mlp_gamma.weight')!.shape).toEqual([8, 128, 3, 3]);
    expect(state.get('norm_1.mlp_gamma.weight')!.shape).toEqual([4, 128, 3, 3]);
    expect(state.get('norm_s.mlp_beta.weight')!.shape).toEqual([8, 128, 3, 3]);
    expect(block.learnedShortcut).toBe(true);
    const same = new SPADEResnetBlock({ fin: 4, fout: 4, semanticNc: 3, norm: parseSpadeNorm('spadeinstance3x3') });
    expect([...same.stateDict().keys()].some((k) => k.includes('_s.') || k.includes('weight_orig'))).toBe(false);
    block.dispose();
    same.dispose();
  });

  it.each([
    ['learned shortcut (fin 4 → fout 2)', 4, 2],
    ['identity shortcut (fin = fout = 3)', 3, 3],
  ])('%s: forward equals x_s + conv_1(lrelu(norm_1(conv_0(lrelu(norm_0(x)))))) of the reference', async (_name, fin, fout) => {
    await useBackend('cpu');
    seedEverything(5);
    const block = new SPADEResnetBlock({ fin, fout, semanticNc: 3, norm: parseSpadeNorm('spadeinstance3x3') });
    const state = block.stateDict();
    const x = randomNchw(1, fin, 4, 4, 21);
    const seg = segmapOf(1, 3, 8, 8, 22);
    const dx0 = convOf(state, 'conv_0', lrelu(spadeRef(state, 'norm_0.', x, seg, 'instance', 3)), 1);
    const dx = convOf(state, 'conv_1', lrelu(spadeRef(state, 'norm_1.', dx0, seg, 'instance', 3)), 1);
    const xs = fin !== fout ? convOf(state, 'conv_s', spadeRef(state, 'norm_s.', x, seg, 'instance', 3), 0) : x;
    const [xt, st] = [tensorOf(x), tensorOf(seg)];
    const y = block.forward({ x: xt, segmap: st });
    expect(maxAbsDiff(y, toNhwc(mapRef((a, b) => a + b, xs, dx)))).toBeLessThan(1e-4);
    tf.dispose([xt, st, y]);
    block.dispose();
  });
});

/** Gradients of sum(SPADE(x, seg) · R) w.r.t. x and every parameter. */
function spadeGradients(seed: number, kind: 'instance' | 'batch') {
  seedEverything(seed);
  const layer = new SPADE({ normNc: 3, labelNc: 2, paramFree: kind, kernelSize: 3 });
  const x = tf.variable(tf.tensor4d(Float32Array.from(randomArray(2 * 4 * 4 * 3, seed)), [2, 4, 4, 3]));
  const seg = tf.tensor4d(toNhwc(segmapOf(2, 2, 2, 2, seed + 7)), [2, 2, 2, 2]);
  const r = tf.tensor(Float32Array.from(randomArray(2 * 4 * 4 * 3, seed + 1)), [2, 4, 4, 3]);
  const loss = () =>
    tf.tidy(
      () => tf.sum(tf.mul(layer.forward({ x: x as tf.Tensor4D, segmap: seg }, { training: true, updateState: false }), r)) as tf.Scalar,
    );
  const params = layer.namedParameters();
  const { value, grads } = tf.variableGrads(loss, [x, ...params.map(([, v]) => v)]);
  const named = new Map<string, Float32Array>([['input', grads[x.name]!.dataSync() as Float32Array]]);
  for (const [key, v] of params) named.set(key, grads[v.name]!.dataSync() as Float32Array);
  tf.dispose([value, ...Object.values(grads)]);
  const dispose = () => {
    tf.dispose([x, seg, r]);
    layer.dispose();
  };
  return { variables: [x, ...params.map(([, v]) => v)], keys: ['input', ...params.map(([k]) => k)], named, loss, dispose };
}

describe('SPADE layer gradients', () => {
  it.each(['instance', 'batch'] as const)('%s: cpu gradient matches central finite differences along a random direction', async (kind) => {
    await useBackend('cpu');
    const { variables, keys, named, loss, dispose } = spadeGradients(31, kind);
    const { numeric, analytic } = directionalDerivatives(
      variables,
      keys.map((k) => named.get(k)!),
      loss,
    );
    expect(Math.abs(numeric - analytic)).toBeLessThan(2e-2 * Math.max(1, Math.abs(analytic)));
    expect(named.get('input')!.some((g) => g !== 0)).toBe(true);
    dispose();
  });

  it.each(['instance', 'batch'] as const)('%s: wasm gradient equals cpu gradient', async (kind) => {
    await useBackend('cpu');
    const cpu = spadeGradients(41, kind);
    await useBackend('wasm');
    const wasm = spadeGradients(41, kind);
    for (const [key, g] of cpu.named) expect(maxAbsDiff(wasm.named.get(key)!, g), key).toBeLessThan(1e-4 * Math.max(1, ...g.map(Math.abs)));
    cpu.dispose();
    wasm.dispose();
  });
});
