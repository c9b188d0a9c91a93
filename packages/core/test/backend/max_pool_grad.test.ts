/** MaxPool's gradient (our MaxPoolGrad kernel on wasm, tfjs' on cpu) against a plain-JS reference. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { initBackend } from '../../src/backend/index.js';
import { stockKernel } from '../../src/backend/install.js';
import { geom, maxPoolGradRef, rand, relErr, type RefPad } from './reference.js';

interface Case {
  x: [number, number, number, number];
  k: number;
  s: number;
  pad: RefPad;
}

const CASES: Case[] = [
  { x: [1, 4, 4, 1], k: 2, s: 2, pad: 'valid' },
  { x: [2, 6, 8, 3], k: 2, s: 2, pad: 'valid' }, // VGG pooling
  { x: [1, 7, 5, 16], k: 2, s: 2, pad: 'valid' }, // odd sizes drop the last row/column
  { x: [2, 7, 7, 2], k: 2, s: 2, pad: 'same' },
  { x: [1, 9, 8, 4], k: 3, s: 2, pad: 'same' }, // overlapping windows
  { x: [2, 5, 6, 3], k: 3, s: 1, pad: 'same' },
  { x: [1, 6, 6, 5], k: 3, s: 3, pad: 'valid' },
];

const maxErr: Record<string, number> = {};

beforeAll(async () => {
  await initBackend('cpu', { log: () => {} });
  await initBackend('wasm', { log: () => {} });
  return () => console.log('max pool max relative errors:', JSON.stringify(maxErr));
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`MaxPool gradient on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
    });

    it.each(CASES.map((c, i) => [`x[${c.x}] ${c.k}x${c.k}/${c.s} ${c.pad}`, c, i] as const))('%s', (_n, c, i) => {
      const g = geom(c.x, [c.k, c.k, c.x[3], c.x[3]], [c.s, c.s], c.pad, [1, 1]);
      const x = rand(c.x, 300 + i);
      const dy = rand([g.n, g.h.out, g.w.out, g.ci], 400 + i);
      const xt = tf.tensor4d(Float32Array.from(x.data), c.x);
      const dyt = tf.tensor4d(Float32Array.from(dy.data), [g.n, g.h.out, g.w.out, g.ci]);
      const before = tf.memory().numTensors;
      const dx = tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, c.k, c.s, c.pad as 'same' | 'valid'))(xt, dyt);
      const e = relErr(dx.dataSync(), maxPoolGradRef(x, dy, g).data);
      maxErr[backend] = Math.max(maxErr[backend] ?? 0, e);
      expect(e).toBeLessThan(1e-6);
      dx.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([xt, dyt]);
    });

    it('breaks ties like the cpu kernel (first maximum in row-major order)', async () => {
      const vals = [1, 1, 0, 2, 1, 1, 2, 2, 0, 0, 3, 3, 0, 0, 3, 3];
      const run = async (b: string) => {
        await tf.setBackend(b);
        const xt = tf.tensor4d(vals, [1, 4, 4, 1]);
        const dyt = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
        return Array.from(
          tf
            .grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'))(xt, dyt)
            .dataSync(),
        );
      };
      const ours = await run(backend);
      const cpu = await run('cpu');
      await tf.setBackend(backend);
      expect(ours).toEqual(cpu);
      expect(ours).toEqual([1, 0, 0, 2, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0]);
    });
  });
}

describe('stock wasm MaxPoolGrad', () => {
  it('is replaced on wasm only', () => {
    expect(stockKernel(tf.MaxPoolGrad, 'wasm')).toBeDefined();
    expect(stockKernel(tf.MaxPoolGrad, 'cpu')).toBeUndefined();
  });
});
