/**
 * Batching. A loader walks a dataset in a seeded order (shuffled unless `shuffle` is false),
 * decodes `prefetch` batches ahead so decoding overlaps the training step, stacks each batch into
 * NHWC tensors, and records how long the consumer waited for it (the `data` field of loss_log.txt).
 */
import { tf, ImageDecodeError, type Batch } from '@translate/core';

import { DatasetError } from './errors.js';
import type { Dataset, Sample } from './dataset.js';
import { mapLimit } from './modes/common.js';
import { deriveRng, shuffleInPlace } from './rng.js';

/** How a loader batches. */
export interface LoaderOptions {
  batchSize: number;
  /** Random order each epoch (the reference shuffles unless --serial_batches). */
  shuffle: boolean;
  /** Same seed ⇒ same order, crops, flips and pairings. */
  seed: number;
  /** Batches decoded ahead of the consumer (default 2; 0 decodes on demand). */
  prefetch?: number;
  /** Drop a last, smaller batch (default false; SPADE drops it in training). */
  dropLast?: boolean;
  /** Samples decoded at the same time (default 4, the reference's num_threads). */
  concurrency?: number;
  /** Skip samples whose images cannot be decoded, with a warning (default false: stop with the error). */
  skipBadImages?: boolean;
  /** Where skip warnings go (default stderr). */
  onWarning?: (message: string) => void;
}

/**
 * One batch as the model takes it (`Batch` of core: each image field of the samples stacked into a
 * float32 NHWC tensor in [-1, 1], each id map into an int32 NHW1 tensor, each string field into a
 * list; `A_paths` and `B_paths` always), with where it came from.
 */
export interface LoadedBatch {
  batch: Batch;
  /** Number of samples (the last batch may be smaller; skipped samples make it smaller). */
  size: number;
  /** Dataset indices of the samples. */
  indices: number[];
  epoch: number;
  /** Milliseconds the consumer waited for this batch after asking for it. */
  waitMs: number;
}

/** Iterates a dataset in batches; iterating the loader itself runs the next epoch. */
export interface Loader extends AsyncIterable<LoadedBatch> {
  readonly dataset: Dataset;
  /** Batches per epoch (before any skipped sample). */
  readonly length: number;
  /** One pass over epoch `epoch` (0-based); the same epoch number always gives the same batches. */
  epoch(epoch: number): AsyncIterable<LoadedBatch>;
  /** Wait time (ms) of the latest batch delivered. */
  readonly lastWaitMs: number;
  /** Files skipped so far because they could not be decoded. */
  readonly skipped: readonly string[];
}

/** A batch's samples stacked as plain arrays (before any tensor exists). */
interface Collated {
  arrays: Record<string, { data: Float32Array | Int32Array; shape: [number, number, number, number] }>;
  strings: Record<string, string[]>;
  size: number;
  indices: number[];
  epoch: number;
}

/** A loader over `dataset`. */
export function createLoader(dataset: Dataset, options: LoaderOptions): Loader {
  const { batchSize, shuffle, seed } = options;
  if (!(Number.isInteger(batchSize) && batchSize >= 1))
    throw new DatasetError(`--batch_size must be a positive integer, got ${batchSize}.`);
  const prefetch = options.prefetch ?? 2;
  const concurrency = options.concurrency ?? 4;
  const warn = options.onWarning ?? ((m: string) => console.warn(m));
  const skipped: string[] = [];
  const full = Math.floor(dataset.length / batchSize);
  const length = options.dropLast || dataset.length % batchSize === 0 ? full : full + 1;
  let nextEpoch = 0;
  let lastWaitMs = 0;

  async function loadBatch(epoch: number, batch: number, order: number[]): Promise<Collated | null> {
    const positions = order
      .slice(batch * batchSize, (batch + 1) * batchSize)
      .map((index, i) => ({ index, position: batch * batchSize + i }));
    const loaded = await mapLimit(positions, concurrency, async ({ index, position }) => {
      try {
        return { index, sample: await dataset.get(index, deriveRng(seed, epoch, position)) };
      } catch (err) {
        if (options.skipBadImages && err instanceof ImageDecodeError) {
          skipped.push(err.file);
          warn(`Skipping sample ${index}: ${err.message}`);
          return null;
        }
        throw err;
      }
    });
    const kept = loaded.filter((x): x is { index: number; sample: Sample } => x !== null);
    return kept.length === 0 ? null : collate(kept, epoch);
  }

  async function* run(epoch: number): AsyncGenerator<LoadedBatch> {
    const order = Array.from({ length: dataset.length }, (_, i) => i);
    if (shuffle) shuffleInPlace(order, deriveRng(seed, epoch));
    const pending: Promise<Collated | null>[] = [];
    let next = 0;
    const fill = (depth: number) => {
      while (pending.length < depth && next < length) {
        const p = loadBatch(epoch, next++, order);
        p.catch(() => undefined); // reported when awaited below
        pending.push(p);
      }
    };
    for (let b = 0; b < length; b++) {
      fill(Math.max(1, prefetch));
      const start = performance.now();
      const collated = await pending.shift()!;
      const waitMs = performance.now() - start;
      fill(prefetch);
      if (!collated) continue;
      lastWaitMs = waitMs;
      yield toBatch(collated, waitMs);
    }
  }

  return {
    dataset,
    length,
    epoch: (e) => ({ [Symbol.asyncIterator]: () => run(e) }),
    [Symbol.asyncIterator]: () => run(nextEpoch++),
    get lastWaitMs() {
      return lastWaitMs;
    },
    skipped,
  };
}

/** Stacks samples into flat arrays; every sample must have the same fields and sizes. */
function collate(items: { index: number; sample: Sample }[], epoch: number): Collated {
  const first = items[0]!.sample;
  const arrays: Collated['arrays'] = {};
  const strings: Collated['strings'] = { A_paths: [], B_paths: [] };
  for (const [field, ref] of Object.entries(first)) {
    if (typeof ref === 'string') strings[field] = [];
    if (!ref || typeof ref === 'string') continue;
    const channels = 'channels' in ref ? ref.channels : 1;
    const per = ref.height * ref.width * channels;
    const data = 'channels' in ref ? new Float32Array(per * items.length) : new Int32Array(per * items.length);
    items.forEach(({ sample }, i) => {
      const arr = sample[field];
      const c = arr && typeof arr !== 'string' && 'channels' in arr ? arr.channels : 1;
      if (!arr || typeof arr === 'string' || arr.height !== ref.height || arr.width !== ref.width || c !== channels) {
        const size = (x: Sample[string]) =>
          x && typeof x !== 'string' ? `${x.width}x${x.height}x${'channels' in x ? x.channels : 1}` : 'missing';
        throw new DatasetError(
          `Samples in one batch differ in '${field}': ${first.A_paths ?? first.B_paths} gives ${size(ref)}, ${sample.A_paths ?? sample.B_paths} gives ${size(arr)}. ` +
            'Images of different sizes cannot be stacked: use --batch_size 1, or a --preprocess that crops to --crop_size.',
        );
      }
      data.set(arr.data, i * per);
    });
    arrays[field] = { data, shape: [items.length, ref.height, ref.width, channels] };
  }
  for (const [field, list] of Object.entries(strings)) for (const { sample } of items) list.push(String(sample[field] ?? ''));
  return { arrays, strings, size: items.length, indices: items.map(({ index }) => index), epoch };
}

function toBatch(c: Collated, waitMs: number): LoadedBatch {
  const batch: Batch = { ...c.strings };
  for (const [field, { data, shape }] of Object.entries(c.arrays))
    batch[field] = tf.tensor4d(data, shape, data instanceof Int32Array ? 'int32' : 'float32');
  return { batch, size: c.size, indices: c.indices, epoch: c.epoch, waitMs };
}
