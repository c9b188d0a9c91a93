/**
 * `--tensorboard` (SPADE's `--tf_log`): a training run's losses and images as TensorBoard events in
 * `<checkpoints_dir>/<name>/logs/`, the folder SPADE writes to, apart from the checkpoint files.
 * Each run (a `--continue_train` too) adds a new event file there, as TensorBoard expects.
 */
import { join } from 'node:path';
import { optBool, type Options } from '../options/schema.js';
import { EventFileWriter } from '../tensorboard/event_file.js';
import type { Image8 } from './images.js';

/** A visual as TensorBoard gets it: its name, pixels and PNG bytes. */
export interface EncodedVisual {
  name: string;
  image: Image8;
  png: Uint8Array;
}

/** Where `--tensorboard` writes the event files of the experiment in `checkpointDir`. */
export function tensorboardDir(checkpointDir: string): string {
  return join(checkpointDir, 'logs');
}

/** The event file of one training run. */
export class TensorBoardLog {
  private constructor(private readonly writer: EventFileWriter) {}

  /**
   * A new event file in `tensorboardDir(checkpointDir)` when `--tensorboard` is on, else undefined.
   * A run resumed after `resumedAtStep` (> 0) images first logs a restart one step later, so that
   * TensorBoard drops the points a killed run logged after its last checkpoint.
   */
  static open(opt: Options, checkpointDir: string, resumedAtStep: number): TensorBoardLog | undefined {
    if (!optBool(opt, 'tensorboard')) return undefined;
    const log = new TensorBoardLog(EventFileWriter.create(tensorboardDir(checkpointDir)));
    if (resumedAtStep > 0) log.writer.write({ wallTime: now(), step: resumedAtStep + 1, sessionStart: true });
    return log;
  }

  /** One scalar per loss, tagged with the loss name, at `step` (total images trained on). */
  losses(step: number, losses: Readonly<Record<string, number>>): void {
    this.writer.write({ wallTime: now(), step, summary: Object.entries(losses).map(([tag, simpleValue]) => ({ tag, simpleValue })) });
  }

  /** One PNG image per visual, tagged `results/<visual>` (the reference's W&B keys), at `step`. */
  images(step: number, visuals: readonly EncodedVisual[]): void {
    const summary = visuals.map(({ name, image, png }) => ({
      tag: `results/${name}`,
      image: { height: image.height, width: image.width, colorspace: image.channels, encoded: png },
    }));
    this.writer.write({ wallTime: now(), step, summary });
  }

  /** Closes the event file. */
  close(): void {
    this.writer.close();
  }
}

function now(): number {
  return Date.now() / 1000;
}
