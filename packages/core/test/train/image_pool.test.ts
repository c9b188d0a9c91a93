/**
 * ImagePool: the exact sequence of returned images under a seeded RNG against an independent
 * simulation of docs/reference.md §1.11, ownership (detached results, no leaks once full), and
 * state/restore.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { SeededRandom, globalRng, seedEverything } from '../../src/random.js';
import { ImagePool } from '../../src/train/image_pool.js';
import { useBackend } from '../helpers.js';

const H = 2;
const W = 3;
const C = 2;

/** A batch whose image k is filled with the id ids[k] (so returned images can be told apart). */
function batchOf(ids: number[]): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(ids.flatMap((id) => Array<number>(H * W * C).fill(id))), [ids.length, H, W, C]);
}

/** The id of every image of a batch (and checks each image is uniform). */
function idsOf(batch: tf.Tensor4D): number[] {
  const data = batch.dataSync();
  const size = H * W * C;
  return Array.from({ length: batch.shape[0] }, (_, k) => {
    const image = data.subarray(k * size, (k + 1) * size);
    expect(image.every((v) => v === image[0])).toBe(true);
    return image[0]!;
  });
}

/** The reference algorithm on ids, written from docs/reference.md §1.11 with its own RNG. */
function simulate(poolSize: number, batches: number[][], seed: number): number[][] {
  const rng = new SeededRandom(seed);
  const pool: number[] = [];
  return batches.map((batch) =>
    batch.map((id) => {
      if (pool.length < poolSize) {
        pool.push(id);
        return id;
      }
      if (rng.nextFloat() > 0.5) {
        const randomId = rng.randint(0, poolSize - 1);
        const tmp = pool[randomId]!;
        pool[randomId] = id;
        return tmp;
      }
      return id;
    }),
  );
}

/** Batches of mixed sizes with fresh ids. */
function makeBatches(sizes: number[]): number[][] {
  let next = 1;
  return sizes.map((n) => Array.from({ length: n }, () => next++));
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('ImagePool', () => {
  it('returns exactly what the reference algorithm returns under the same seed', () => {
    const batches = makeBatches([1, 3, 2, 4, 1, 1, 5, 2, 3, 1, 4, 2, 1, 3]);
    const expected = simulate(5, batches, 1234);
    seedEverything(1234);
    const pool = new ImagePool(5);
    const got = batches.map((ids) => {
      const input = batchOf(ids);
      const out = pool.query(input);
      const result = idsOf(out);
      tf.dispose([input, out]);
      return result;
    });
    expect(got).toEqual(expected);
    // The sequence does exercise both branches: some images come back from the pool, some are new.
    const flat = got.flat();
    expect(flat.some((id, k) => id !== batches.flat()[k])).toBe(true);
    expect(flat.slice(5).some((id, k) => id === batches.flat()[k + 5])).toBe(true);
    pool.dispose();
  });

  it('stores while not full (no random draws), then holds exactly poolSize images', () => {
    seedEverything(7);
    const pool = new ImagePool(3);
    const first = batchOf([1, 2]);
    const second = batchOf([3]);
    tf.dispose([pool.query(first), pool.query(second)]);
    expect(pool.size).toBe(3);
    expect(globalRng().nextFloat()).toBe(new SeededRandom(7).nextFloat());
    // Once full, it does not grow.
    tf.dispose(pool.query(first));
    expect(pool.size).toBe(3);
    tf.dispose([first, second]);
    pool.dispose();
  });

  it('keeps the tensor count constant once full, and frees everything on dispose', () => {
    seedEverything(3);
    const start = tf.memory().numTensors;
    const pool = new ImagePool(4);
    for (let i = 0; i < 2; i++) {
      const input = batchOf([i * 2 + 1, i * 2 + 2]);
      tf.dispose([input, pool.query(input)]);
    }
    const full = tf.memory().numTensors;
    expect(full).toBe(start + 4);
    for (let i = 0; i < 20; i++) {
      const input = batchOf([100 + i, 200 + i, 300 + i]);
      tf.dispose([input, pool.query(input)]);
      expect(tf.memory().numTensors).toBe(full);
    }
    pool.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('owns detached copies: results outlive the input, and no gradient flows through the pool', () => {
    seedEverything(5);
    const pool = new ImagePool(2);
    const v = tf.variable(batchOf([1, 2]));
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(pool.query(v), v)), [v]);
    // d/dv Σ pool(v)·v with pool(v) detached is pool(v) (= v while filling), not 2v.
    expect(idsOf(grads[v.name] as tf.Tensor4D)).toEqual([1, 2]);
    v.dispose();
    const again = batchOf([3, 4]);
    const out = pool.query(again);
    again.dispose();
    expect(idsOf(out).every((id) => [1, 2, 3, 4].includes(id))).toBe(true);
    tf.dispose([out, ...Object.values(grads)]);
    pool.dispose();
  });

  it('pool size 0 returns the batch itself (as a new detached tensor) and stores nothing', () => {
    const pool = new ImagePool(0);
    const input = batchOf([7, 8]);
    const out = pool.query(input);
    expect(out).not.toBe(input);
    expect(idsOf(out)).toEqual([7, 8]);
    expect(pool.size).toBe(0);
    tf.dispose([input, out]);
  });

  it('at batch size 1 takes images of mixed sizes (as the reference, which stores each on its own) and returns stored ones of other sizes', () => {
    seedEverything(7);
    const pool = new ImagePool(2);
    const sizes: Array<[number, number]> = [
      [2, 3],
      [4, 5],
      [3, 3],
      [5, 2],
      [2, 2],
      [6, 4],
      [3, 5],
      [4, 4],
    ];
    const inputs = sizes.map(([h, w], k) => tf.fill([1, h, w, C], k + 1) as tf.Tensor4D);
    const before = tf.memory().numTensors;
    const got = inputs.map((input) => {
      const out = pool.query(input);
      const result = { shape: out.shape.slice(1, 3), id: out.dataSync()[0]! };
      out.dispose();
      return result;
    });
    expect(tf.memory().numTensors - before).toBe(2); // the two stored images, nothing else
    const ids = simulate(
      2,
      sizes.map((_, k) => [k + 1]),
      7,
    ).flat();
    expect(got.map((g) => g.id)).toEqual(ids);
    expect(got.map((g) => g.shape)).toEqual(ids.map((id) => sizes[id - 1]));
    expect(ids.some((id, k) => id !== k + 1)).toBe(true); // some returned images are older ones of another size
    tf.dispose(inputs);
    pool.dispose();
  });

  it("a larger batch that would mix sizes fails with a clear message, as the reference's torch.cat does", () => {
    seedEverything(0);
    const pool = new ImagePool(1);
    const small = tf.zeros([1, 2, 2, C]) as tf.Tensor4D;
    tf.dispose(pool.query(small));
    const big = tf.zeros([4, 3, 3, C]) as tf.Tensor4D;
    // Four draws: at least one returns the stored 2×2 image with the probability 1 − 2⁻⁴; seed 0 does.
    expect(() => pool.query(big)).toThrow(
      /^ImagePool: a batch of 4 would mix (2×2×2 and 3×3×2|3×3×2 and 2×2×2) images \(a stored image of another size was drawn\), which the reference cannot concatenate either\. With images of mixed sizes \(--preprocess none\) use --batch_size 1, or --pool_size 0\.$/,
    );
    tf.dispose([small, big]);
    pool.dispose();
  });

  it('state/restore resumes the same sequence', () => {
    const batches = makeBatches([3, 2, 2, 3, 1, 2, 3, 2]);
    const run = (pool: ImagePool, part: number[][]) =>
      part.map((ids) => {
        const input = batchOf(ids);
        const out = pool.query(input);
        const r = idsOf(out);
        tf.dispose([input, out]);
        return r;
      });
    seedEverything(42);
    const original = new ImagePool(4);
    run(original, batches.slice(0, 4));
    const saved = original.state();
    const rngState = globalRng().getState();
    expect(saved.map((s) => s.shape)).toEqual(Array(4).fill([1, H, W, C]));
    const tail = run(original, batches.slice(4));

    const resumed = new ImagePool(4);
    resumed.restore(
      JSON.parse(JSON.stringify(saved.map((s) => ({ shape: s.shape, data: Array.from(s.data) })))).map(
        (s: { shape: number[]; data: number[] }) => ({ shape: s.shape, data: Float32Array.from(s.data) }),
      ),
    );
    globalRng().setState(rngState);
    expect(run(resumed, batches.slice(4))).toEqual(tail);
    expect(simulate(4, batches, 42).slice(4)).toEqual(tail);
    original.dispose();
    resumed.dispose();
  });
});
