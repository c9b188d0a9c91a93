import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, disposeBatch, ImageDecodeError } from '@translate/core';
import { createDataset, type Dataset } from '../src/dataset.js';
import { createLoader, type LoadedBatch } from '../src/loader.js';
import { coordImage, tempDir, writePng } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let ds: Dataset;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  for (let i = 0; i < 7; i++) await writePng(join(dir, 'trainA', `a${i}.png`), coordImage(40, 36, 30 * i));
  for (let i = 0; i < 4; i++) await writePng(join(dir, 'trainB', `b${i}.png`), coordImage(40, 36, 20 * i + 5));
  ds = await createDataset({ dataset_mode: 'unaligned', dataroot: dir, preprocess: 'crop', crop_size: 32 }, { warn: () => undefined });
});
afterAll(() => cleanup());

/** Position-weighted sum: differs when any crop, flip or image differs. */
const checksum = (d: ArrayLike<number>) => Array.from(d).reduce((acc, v, i) => acc + v * ((i % 97) + 1), 0);

/** Paths and pixel checksums of every batch of one epoch; tensors disposed. */
async function run(batches: AsyncIterable<LoadedBatch>) {
  const out: { A: string[]; B: string[]; sum: number; shape: number[] }[] = [];
  for await (const b of batches) {
    const [A, B] = [b.batch.A as tf.Tensor4D, b.batch.B as tf.Tensor4D];
    out.push({
      A: b.batch.A_paths as string[],
      B: b.batch.B_paths as string[],
      sum: checksum(A.dataSync()) + checksum(B.dataSync()),
      shape: A.shape,
    });
    tf.dispose([A, B]);
  }
  return out;
}

describe('createLoader', () => {
  it('stacks NHWC float batches with paths; the last batch is smaller unless dropLast', async () => {
    const loader = createLoader(ds, { batchSize: 3, shuffle: true, seed: 1 });
    expect(loader.length).toBe(3);
    const epoch = await run(loader.epoch(0));
    expect(epoch.map((b) => b.shape)).toEqual([
      [3, 32, 32, 3],
      [3, 32, 32, 3],
      [1, 32, 32, 3],
    ]);
    expect(new Set(epoch.flatMap((b) => b.A)).size).toBe(7);
    const dropped = createLoader(ds, { batchSize: 3, shuffle: true, seed: 1, dropLast: true });
    expect(dropped.length).toBe(2);
    expect(await run(dropped.epoch(0))).toHaveLength(2);
  });

  it("carries a mode's own fields: id maps as int32 tensors, strings as lists", async () => {
    const custom: Dataset = {
      mode: 'masked',
      length: 2,
      options: {},
      sources: [],
      get: async (i) => ({
        A: { data: new Float32Array(4 * 3).fill(i), width: 2, height: 2, channels: 3 },
        mask: { data: Int32Array.of(i, 1, 2, 3), width: 2, height: 2 },
        caption: `image ${i}`,
      }),
    };
    for await (const { batch } of createLoader(custom, { batchSize: 2, shuffle: false, seed: 0 })) {
      const mask = batch.mask as tf.Tensor4D;
      expect([mask.dtype, mask.shape]).toEqual(['int32', [2, 2, 2, 1]]);
      expect(Array.from(mask.dataSync())).toEqual([0, 1, 2, 3, 1, 1, 2, 3]);
      expect(batch.caption).toEqual(['image 0', 'image 1']);
      expect(batch.A_paths).toEqual(['', '']);
      disposeBatch(batch);
    }
  });

  it('same seed ⇒ same order, pairings, crops and flips, whatever the prefetch depth', async () => {
    const a = await run(createLoader(ds, { batchSize: 2, shuffle: true, seed: 42, prefetch: 0 }).epoch(3));
    const b = await run(createLoader(ds, { batchSize: 2, shuffle: true, seed: 42, prefetch: 4, concurrency: 1 }).epoch(3));
    expect(b).toEqual(a);
    const c = await run(createLoader(ds, { batchSize: 2, shuffle: true, seed: 43 }).epoch(3));
    expect(c.map((x) => x.A)).not.toEqual(a.map((x) => x.A));
    const nextEpoch = await run(createLoader(ds, { batchSize: 2, shuffle: true, seed: 42 }).epoch(4));
    expect(nextEpoch.map((x) => x.A)).not.toEqual(a.map((x) => x.A));
  });

  it('without shuffle walks indices in order; iterating the loader runs epochs 0, 1, ...', async () => {
    const loader = createLoader(ds, { batchSize: 4, shuffle: false, seed: 0 });
    const first: LoadedBatch[] = [];
    for await (const b of loader) first.push(b);
    expect(first.map((b) => b.indices)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6],
    ]);
    expect(first.map((b) => b.epoch)).toEqual([0, 0]);
    for await (const b of loader) expect(b.epoch).toBe(1);
    first.forEach((b) => disposeBatch(b.batch));
  });

  it('records the wait for each batch; prefetching hides decoding behind a slow consumer', async () => {
    const slow: Dataset = {
      ...ds,
      get: async (i, rng) => {
        await new Promise((r) => setTimeout(r, 30));
        return ds.get(i, rng);
      },
    };
    const waits = async (prefetch: number) => {
      const loader = createLoader(slow, { batchSize: 1, shuffle: false, seed: 0, prefetch });
      const w: number[] = [];
      for await (const b of loader) {
        w.push(b.waitMs);
        expect(loader.lastWaitMs).toBe(b.waitMs);
        disposeBatch(b.batch);
        await new Promise((r) => setTimeout(r, 60)); // the "training step"
      }
      return w;
    };
    const none = await waits(0);
    const two = await waits(2);
    expect(Math.min(...none.slice(1))).toBeGreaterThanOrEqual(25);
    expect(Math.max(...two.slice(1))).toBeLessThan(15);
  });

  it('skips undecodable samples with a warning when asked, and otherwise stops with the file named', async () => {
    const flaky: Dataset = {
      ...ds,
      get: async (i, rng) => {
        if (i === 2) throw new ImageDecodeError('/data/x.jpg', 'the file is corrupt or truncated');
        return ds.get(i, rng);
      },
    };
    const warnings: string[] = [];
    const loader = createLoader(flaky, { batchSize: 3, shuffle: false, seed: 0, skipBadImages: true, onWarning: (m) => warnings.push(m) });
    const sizes: number[] = [];
    for await (const b of loader) {
      sizes.push(b.size);
      disposeBatch(b.batch);
    }
    expect(sizes).toEqual([2, 3, 1]);
    expect(loader.skipped).toEqual(['/data/x.jpg']);
    expect(warnings[0]).toContain('Skipping sample 2: Cannot read image /data/x.jpg');
    const strict = createLoader(flaky, { batchSize: 3, shuffle: false, seed: 0 });
    await expect(run(strict)).rejects.toThrow('Cannot read image /data/x.jpg');
  });

  it('images of different sizes in one batch are a clear error', async () => {
    const mixed = await createDataset(
      { dataset_mode: 'single', dataroot: join(dir, 'mixed'), preprocess: 'none' },
      { warn: () => undefined },
    ).catch(async () => {
      await writePng(join(dir, 'mixed', 'a.png'), coordImage(40, 40));
      await writePng(join(dir, 'mixed', 'b.png'), coordImage(48, 40));
      return createDataset({ dataset_mode: 'single', dataroot: join(dir, 'mixed'), preprocess: 'none' }, { warn: () => undefined });
    });
    await expect(run(createLoader(mixed, { batchSize: 2, shuffle: false, seed: 0 }))).rejects.toThrow(
      /Samples in one batch differ in 'A'.*use --batch_size 1/,
    );
  });
});
