/**
 * The MirrorPad gradient against the exact adjoint of an index-map reference: the pad is a gather
 * y[k] = x[map[k]], so dx[i] = Σ_{k: map[k] = i} dy[k].
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { initBackend } from '../../src/backend/index.js';
import { mirrorIndexMap, rand, relErr } from './reference.js';

interface Case {
  shape: number[];
  paddings: Array<[number, number]>;
}

const CASES: Case[] = [
  { shape: [5], paddings: [[2, 3]] },
  {
    shape: [5, 5],
    paddings: [
      [1, 1],
      [1, 1],
    ],
  },
  {
    shape: [4, 6],
    paddings: [
      [3, 0],
      [2, 5],
    ],
  },
  {
    shape: [1, 7, 6, 2],
    paddings: [
      [0, 0],
      [3, 3],
      [3, 3],
      [0, 0],
    ],
  }, // ResNet stem
  {
    shape: [2, 5, 4, 3],
    paddings: [
      [0, 0],
      [1, 2],
      [3, 1],
      [0, 0],
    ],
  },
  {
    shape: [2, 3, 3, 16],
    paddings: [
      [0, 0],
      [2, 2],
      [0, 2],
      [0, 0],
    ],
  },
  {
    shape: [3, 4, 5],
    paddings: [
      [1, 2],
      [0, 3],
      [4, 0],
    ],
  },
];

/** Largest pad each mode allows along an axis of size n. */
const limit = (n: number, mode: string) => (mode === 'reflect' ? n - 1 : n);

const maxErr: Record<string, number> = {};

beforeAll(async () => {
  await initBackend('cpu', { log: () => {} });
  await initBackend('wasm', { log: () => {} });
  return () => console.log('mirror pad max relative errors:', JSON.stringify(maxErr));
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`MirrorPad gradient on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
    });

    for (const mode of ['reflect', 'symmetric'] as const) {
      it.each(CASES.map((c, i) => [`${mode} [${c.shape}] ${JSON.stringify(c.paddings)}`, c, i] as const))('%s', (_n, c, i) => {
        const paddings = c.paddings.map(
          ([b, a], axis) => [Math.min(b, limit(c.shape[axis]!, mode)), Math.min(a, limit(c.shape[axis]!, mode))] as [number, number],
        );
        const { outShape, map } = mirrorIndexMap(c.shape, paddings, mode);
        const x = rand(c.shape, 11 + i);
        const dy = rand(outShape, 57 + i);
        const xt = tf.tensor(Float32Array.from(x.data), c.shape);
        const dyt = tf.tensor(Float32Array.from(dy.data), outShape);

        // Forward agrees with the index map (so its adjoint is the right reference).
        const y = tf.mirrorPad(xt, paddings, mode);
        const refY = Float64Array.from(map, (src) => x.data[src]!);
        expect(relErr(y.dataSync(), refY)).toBeLessThan(1e-6);

        const refDx = new Float64Array(x.data.length);
        map.forEach((src, k) => {
          refDx[src]! += dy.data[k]!;
        });
        const before = tf.memory().numTensors;
        const dx = tf.grad((t: tf.Tensor) => tf.mirrorPad(t, paddings, mode))(xt, dyt);
        const e = relErr(dx.dataSync(), refDx);
        maxErr[`${backend} ${mode}`] = Math.max(maxErr[`${backend} ${mode}`] ?? 0, e);
        expect(dx.shape).toEqual(c.shape);
        expect(e).toBeLessThan(1e-5);
        dx.dispose();
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([xt, dyt, y]);
      });
    }

    it('is differentiable twice (gradient of the gradient is the pad again)', () => {
      const x = tf.tensor(Float32Array.from(rand([4, 5], 3).data), [4, 5]);
      const v = tf.tensor(Float32Array.from(rand([6, 9], 4).data), [6, 9]);
      // d/dx <grad_x <pad(x), v>, w> is zero (linear), so check the second-order tape runs and
      // yields pad(w)'s adjoint structure: grad of <fold(v_x), w> w.r.t. v is pad(w).
      const w = tf.tensor(Float32Array.from(rand([4, 5], 5).data), [4, 5]);
      const gv = tf.grad((vv: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.grad((xx: tf.Tensor) =>
              tf.mirrorPad(
                xx,
                [
                  [1, 1],
                  [2, 2],
                ],
                'reflect',
              ),
            )(x, vv),
            w,
          ),
        ),
      )(v);
      const padW = tf.mirrorPad(
        w,
        [
          [1, 1],
          [2, 2],
        ],
        'reflect',
      );
      expect(relErr(gv.dataSync(), padW.dataSync())).toBeLessThan(1e-6);
    });
  });
}
