/** Our pooled `Sum`/`Mean` on pure wasm against tfjs' cpu kernels, on the cases it takes and the rest. */
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { initBackend } from '../../src/backend/index.js';
import { contiguousReduction } from '../../src/backend/kernels/reduce_wasm.js';
import { rand, relErr } from './reference.js';

const quiet = { log: () => {} };

/** [shape, axes, keepDims]: pooled (contiguous axes with an axis after them) and stock cases. */
const CASES: Array<[number[], number[], boolean]> = [
  [[2, 7, 5, 6], [1, 2], true], // instance-norm statistics
  [[2, 7, 5, 6], [1, 2], false],
  [[3, 4, 5, 6], [0, 1, 2], false], // bias gradient
  [[3, 4, 5, 6], [-3, -2], true], // negative axes
  [[6, 9], [0], false],
  [[2, 3, 4, 5, 6], [1, 2, 3], true], // rank 5
  [[4, 1, 5], [1], false], // a run of size 1: stock
  [[3, 4, 5, 6], [3], false], // innermost: stock
  [[3, 4, 5, 6], [1, 3], true], // not contiguous: stock
  [[3, 4, 5, 6], [0, 1, 2, 3], false], // everything: stock
];

function reduceAll(): Float32Array[] {
  return CASES.flatMap(([shape, axes, keepDims], i) =>
    tf.tidy(() => {
      const x = tf.tensor(Float32Array.from(rand(shape, i).data), shape);
      return [tf.sum(x, axes, keepDims), tf.mean(x, axes, keepDims)].map((t) => {
        const expectShape = keepDims
          ? shape.map((d, a) => (axes.map((b) => (b < 0 ? b + shape.length : b)).includes(a) ? 1 : d))
          : undefined;
        if (expectShape) expect(t.shape).toEqual(expectShape);
        return t.dataSync().slice() as Float32Array;
      });
    }),
  );
}

describe('wasm Sum/Mean as an average pool', () => {
  it('splits a reduction into [outer, run, inner] only for one contiguous run of axes', () => {
    expect(contiguousReduction([2, 7, 5, 6], [1, 2])).toEqual([2, 35, 6]);
    expect(contiguousReduction([2, 7, 5, 6], [-1])).toEqual([70, 6, 1]);
    expect(contiguousReduction([2, 7, 5, 6], [1, 3])).toBeUndefined();
    expect(contiguousReduction([2, 7, 5, 6], [])).toBeUndefined();
  });

  it('equals the cpu backend on every case, keepDims or not, without leaking', async () => {
    await initBackend('cpu', quiet);
    const expected = reduceAll();
    const info = await initBackend('wasm', { ...quiet, nativeKernels: false });
    expect(info.fixes.filter((f) => f.kind === 'kernel' && (f.kernel === 'Sum' || f.kernel === 'Mean')).length).toBe(2);
    const before = tf.memory().numTensors;
    const got = reduceAll();
    expect(tf.memory().numTensors).toBe(before);
    got.forEach((g, i) => {
      expect(g.length).toBe(expected[i]!.length);
      expect(relErr(g, expected[i]!)).toBeLessThan(1e-6);
    });
    await initBackend('cpu', quiet);
  });

  // (That the stock kernel still binds to a restarted backend is checked by wasm_threads.test.ts.)
  it('keeps int32 reductions exact (stock kernel)', async () => {
    await initBackend('wasm', { ...quiet, nativeKernels: false });
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2], 'int32');
    expect(Array.from(tf.sum(x, [1, 2]).dataSync())).toEqual([16, 20]);
    x.dispose();
    await initBackend('cpu', quiet);
  });
});
