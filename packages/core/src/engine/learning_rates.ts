/** One LR schedule per optimizer (as the reference's `schedulers` list), stepped at the end of each epoch. */
import { createScheduler, type LrScheduler, type SchedulerState } from '../train/schedulers.js';
import type { BaseModel } from '../model/base_model.js';
import { optNumber, optString, type Options } from '../options/schema.js';

/** The LR schedules of a model's optimizers. */
export class LearningRates {
  private readonly schedules: Array<{ name: string; scheduler: LrScheduler; apply: (lr: number) => void }>;

  constructor(opt: Options, model: BaseModel) {
    this.schedules = [...model.optimizers].map(([name, { optimizer }]) => ({
      name,
      scheduler: createScheduler(optString(opt, 'lr_policy'), {
        lr: optimizer.lr,
        nEpochs: optNumber(opt, 'n_epochs'),
        nEpochsDecay: optNumber(opt, 'n_epochs_decay'),
        epochCount: optNumber(opt, 'epoch_count'),
        lrDecayIters: optNumber(opt, 'lr_decay_iters'),
      }),
      apply: (lr: number) => {
        optimizer.lr = lr;
      },
    }));
  }

  /** Sets every optimizer's LR to its schedule's value for the current epoch. */
  applyForEpoch(): void {
    for (const { scheduler, apply } of this.schedules) apply(scheduler.lr);
  }

  /** Ends the epoch (`metric` feeds `plateau`) and returns the reference's `learning rate old -> new` line. */
  endEpoch(metric: number | undefined): string {
    const [first] = this.schedules;
    const before = first?.scheduler.lr ?? 0;
    for (const { scheduler, apply } of this.schedules) apply(scheduler.step(metric));
    return `learning rate ${before.toFixed(7)} -> ${(first?.scheduler.lr ?? 0).toFixed(7)}`;
  }

  /** Every schedule's position, for checkpoints. */
  state(): Record<string, SchedulerState> {
    return Object.fromEntries(this.schedules.map(({ name, scheduler }) => [name, scheduler.state()]));
  }

  /** Restores `state()`. */
  restore(state: unknown): void {
    const saved = state as Record<string, SchedulerState>;
    for (const { name, scheduler } of this.schedules) if (saved[name]) scheduler.restore(saved[name]);
  }
}
