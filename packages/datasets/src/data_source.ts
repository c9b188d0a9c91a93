/**
 * The data a run reads: the dataset of `--dataset_mode` behind a seeded, prefetching loader, as
 * core's engine consumes it (batches of one epoch, resumable after `skip` samples).
 */
import { disposeBatch, type DataSource, type Options, type TimedBatch } from '@translate/core';
import { createDataset } from './dataset.js';
import { createLoader, type Loader } from './loader.js';

/**
 * Builds the dataset from resolved options and wraps it in a loader: shuffled unless
 * `serial_batches`, seeded by `seed`, `num_threads` images decoded at once. Dataset problems
 * (missing folder, no images) surface here, before any model is built.
 */
export async function openDataSource(opt: Options, warn: (message: string) => void): Promise<DataSource> {
  const dataset = await createDataset(opt, { warn });
  const batchSize = Number(opt['batch_size']);
  const loader = createLoader(dataset, {
    batchSize,
    shuffle: opt['serial_batches'] !== true,
    seed: Number(opt['seed']),
    concurrency: Number(opt['num_threads']),
    skipBadImages: opt['skip_bad_images'] === true,
    onWarning: warn,
  });
  return { size: dataset.length, batchSize, epoch: (epoch, skip = 0) => epochBatches(loader, epoch, skip) };
}

async function* epochBatches(loader: Loader, epoch: number, skip: number): AsyncIterable<TimedBatch> {
  let seen = 0;
  for await (const { batch, size, waitMs } of loader.epoch(epoch)) {
    seen += size;
    if (seen <= skip) {
      disposeBatch(batch);
      continue;
    }
    yield { batch, waitMs };
  }
}
