/** What the engine needs from a data pipeline; `@translate/datasets` provides implementations. */
import { tf } from '../tf.js';
import type { Batch } from '../model/base_model.js';

/** One batch and how long the training loop waited for it. */
export interface TimedBatch {
  batch: Batch;
  /** Milliseconds the loop waited for this batch (the `data` field of `loss_log.txt`). */
  waitMs: number;
}

/** A dataset as the training and test loops consume it. */
export interface DataSource {
  /** Samples per epoch (after `max_dataset_size`). */
  readonly size: number;
  /** Samples per batch. */
  readonly batchSize: number;
  /**
   * The batches of one epoch in that epoch's order (a pure function of the seed and the epoch, so
   * a resumed run sees the same data), starting after the first `skip` samples. The caller
   * disposes each batch's tensors.
   */
  epoch(epoch: number, skip?: number): AsyncIterable<TimedBatch>;
  /** Frees prefetched batches and worker resources. */
  close?(): Promise<void> | void;
}

/** Frees every tensor of a batch (models keep their own clones of what they need). */
export function disposeBatch(batch: Batch): void {
  tf.dispose(Object.values(batch).filter((v): v is tf.Tensor => v instanceof tf.Tensor));
}
