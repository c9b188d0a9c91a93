/** Our heap-view `Slice` on wasm against tfjs' cpu kernel, and its run decomposition. */
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { initBackend } from '../../src/backend/index.js';
import { forEachSliceRun } from '../../src/backend/kernels/slice_wasm.js';

const quiet = { log: () => {} };

/** [input shape, begin, size] — size -1 means "to the end". */
const CASES: Array<[number[], number[], number[]]> = [
  [
    [1, 64, 64, 8],
    [0, 3, 5, 0],
    [1, 20, 30, 8],
  ], // spatial crop
  [
    [1, 64, 64, 8],
    [0, 0, 0, 2],
    [1, 64, 64, 3],
  ], // channel range (runs of 3)
  [
    [2, 16, 16, 4],
    [1, 0, 0, 0],
    [1, -1, -1, -1],
  ], // one whole image: a single run
  [
    [1, 9, 9, 4],
    [0, 8, 0, 0],
    [1, 1, 9, 4],
  ], // last row, as mirror-pad folding takes it
  [
    [4, 6],
    [1, 2],
    [2, 3],
  ],
  [[10], [3], [5]],
  [
    [2, 3, 4, 5, 6],
    [1, 0, 1, 2, 3],
    [1, 3, 2, 3, 2],
  ], // rank 5
  [
    [3, 4],
    [1, 1],
    [0, 2],
  ], // empty
];

function sliceOn(backend: string, shape: number[], begin: number[], size: number[], dtype: 'float32' | 'int32'): number[] {
  return tf.tidy(() => {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(
      Array.from({ length: n }, (_, i) => (dtype === 'int32' ? i : Math.sin(i) * 1000)),
      shape,
      dtype,
    );
    expect(tf.getBackend()).toBe(backend);
    return Array.from(tf.slice(x, begin, size).dataSync());
  });
}

describe('wasm Slice from heap views', () => {
  it('is the kernel registered on wasm', async () => {
    const info = await initBackend('wasm', quiet);
    expect(info.fixes.some((f) => f.kernel === 'Slice' && f.backend === 'wasm')).toBe(true);
  });

  it('equals the cpu backend exactly on every case and dtype, without leaking', async () => {
    for (const dtype of ['float32', 'int32'] as const) {
      await initBackend('cpu', quiet);
      const expected = CASES.map(([shape, begin, size]) => sliceOn('cpu', shape, begin, size, dtype));
      await initBackend('wasm', quiet);
      const before = tf.memory().numTensors;
      CASES.forEach(([shape, begin, size], i) => {
        expect(sliceOn('wasm', shape, begin, size, dtype)).toEqual(expected[i]);
      });
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('slices string tensors', async () => {
    await initBackend('wasm', quiet);
    const out = tf.tidy(() => tf.slice(tf.tensor2d(['a', 'b', 'c', 'd', 'e', 'f'], [2, 3]), [0, 1], [2, 2]).arraySync());
    expect(out).toEqual([
      ['b', 'c'],
      ['e', 'f'],
    ]);
  });

  it('has the gradient tfjs gives on cpu (through the padded dy)', async () => {
    const grad = () =>
      tf.tidy(() => {
        const x = tf.reshape(tf.range(0, 2 * 5 * 5 * 3), [2, 5, 5, 3]);
        return Array.from(
          tf
            .grad((t: tf.Tensor) => tf.sum(tf.square(tf.slice(t, [1, 1, 0, 1], [1, 3, 4, 2]))))(x)
            .dataSync(),
        );
      });
    await initBackend('cpu', quiet);
    const cpu = grad();
    await initBackend('wasm', quiet);
    expect(grad()).toEqual(cpu);
  });
});

describe('forEachSliceRun', () => {
  const runs = (shape: number[], begin: number[], size: number[]) => {
    const out: Array<[number, number, number]> = [];
    forEachSliceRun(shape, begin, size, (from, to, n) => out.push([from, to, n]));
    return out;
  };

  it('merges trailing axes taken whole into one run', () => {
    expect(runs([2, 3, 4], [1, 0, 0], [1, 3, 4])).toEqual([[12, 0, 12]]);
    expect(runs([2, 3, 4], [0, 1, 0], [2, 2, 4])).toEqual([
      [4, 0, 8],
      [16, 8, 8],
    ]);
  });

  it('walks the outer axes in row-major order', () => {
    expect(runs([2, 3, 4], [0, 1, 1], [2, 2, 2])).toEqual([
      [5, 0, 2],
      [9, 2, 2],
      [17, 4, 2],
      [21, 6, 2],
    ]);
  });

  it('makes no runs for an empty slice and one for a scalar', () => {
    expect(runs([3, 4], [1, 1], [0, 2])).toEqual([]);
    expect(runs([], [], [])).toEqual([[0, 0, 1]]);
  });
});
