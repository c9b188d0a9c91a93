import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { Conv2d } from '../../src/nn/index.js';
import type { RawTensor } from '../../src/interop/raw_tensor.js';
import { BACKENDS, maxAbsDiff, useBackend } from '../helpers.js';
import { conv2dRef, randomArray, randomNchw, toNhwc } from '../reference_ops.js';

const f32 = (shape: number[], data: ArrayLike<number>): RawTensor => ({ dtype: 'F32', shape, data: Float32Array.from(data) });

/** One power iteration of torch.nn.utils.spectral_norm on W viewed as [out, in·kh·kw]. */
function powerIteration(w: Float64Array, rows: number, cols: number, u: Float64Array) {
  const normalize = (v: Float64Array) => {
    const n = Math.max(Math.sqrt(v.reduce((a, b) => a + b * b, 0)), 1e-12);
    return v.map((x) => x / n);
  };
  const v = normalize(Float64Array.from({ length: cols }, (_, j) => u.reduce((acc, ui, i) => acc + w[i * cols + j]! * ui, 0)));
  const wv = Float64Array.from({ length: rows }, (_, i) => v.reduce((acc, vj, j) => acc + w[i * cols + j]! * vj, 0));
  const u2 = normalize(wv);
  const sigma = u2.reduce((acc, ui, i) => acc + ui * wv[i]!, 0);
  return { u: u2, v, sigma };
}

describe.each(BACKENDS)('spectral norm on %s', (backend) => {
  it('keys, power iteration, and the normalised convolution match torch.nn.utils.spectral_norm', async () => {
    await useBackend(backend);
    const [ci, co, k] = [3, 4, 3];
    const conv = new Conv2d({ inChannels: ci, outChannels: co, kernelSize: k, padding: 1, spectralNorm: true });
    expect([...conv.stateDict().keys()]).toEqual(['bias', 'weight_orig', 'weight_u', 'weight_v']);
    const weight = randomArray(co * ci * k * k, 21);
    const bias = randomArray(co, 22);
    const u0 = randomArray(co, 23);
    const v0 = randomArray(ci * k * k, 24);
    conv.loadStateDict(
      new Map([
        ['bias', f32([co], bias)],
        ['weight_orig', f32([co, ci, k, k], weight)],
        ['weight_u', f32([co], u0)],
        ['weight_v', f32([ci * k * k], v0)],
      ]),
    );
    const { u, v, sigma } = powerIteration(weight, co, ci * k * k, u0);
    const x = randomNchw(1, ci, 5, 5, 25);
    const out = tf.tidy(() => conv.forward(tf.tensor4d(toNhwc(x), [1, 5, 5, ci]), { training: true }));
    const expected = conv2dRef(
      x,
      weight.map((w) => w / sigma),
      [co, k, k],
      { padding: [1, 1], bias },
    );
    expect(maxAbsDiff(out, toNhwc(expected))).toBeLessThan(1e-5);
    const state = conv.stateDict();
    expect(maxAbsDiff(state.get('weight_u')!.data as Float32Array, Float32Array.from(u))).toBeLessThan(1e-6);
    expect(maxAbsDiff(state.get('weight_v')!.data as Float32Array, Float32Array.from(v))).toBeLessThan(1e-6);
    // Eval mode reuses the stored vectors without another iteration.
    const storedU = state.get('weight_u')!.data;
    const evalOut = tf.tidy(() => conv.forward(tf.tensor4d(toNhwc(x), [1, 5, 5, ci]), { training: false }));
    expect(maxAbsDiff(evalOut, toNhwc(expected))).toBeLessThan(1e-5);
    expect(conv.stateDict().get('weight_u')!.data).toEqual(storedU);
    tf.dispose([out, evalOut]);
    conv.dispose();
  });
});
