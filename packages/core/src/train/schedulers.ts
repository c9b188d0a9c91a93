/**
 * Learning-rate schedules of `--lr_policy` (docs/reference.md §1.10), stepped once at the end of every
 * epoch (the 2025 upstream order): the LR during epoch k is what the schedule gives after
 * k − epoch_count steps.
 */
import { OptionError, unknownNameMessage } from '../errors.js';

/** Every value of `--lr_policy`. */
export const LR_POLICIES = ['linear', 'step', 'plateau', 'cosine'] as const;

/** One LR policy. */
export type LrPolicy = (typeof LR_POLICIES)[number];

/** What the schedules read (the reference's option names in camelCase). */
export interface SchedulerOptions {
  /** The initial learning rate (`--lr`). */
  lr: number;
  /** Epochs at the initial LR (`--n_epochs`); also `cosine`'s period T_max by default. */
  nEpochs: number;
  /** Epochs of linear decay after those (`--n_epochs_decay`). */
  nEpochsDecay: number;
  /** The first epoch's number (`--epoch_count`). */
  epochCount: number;
  /** `step`: multiply the LR by 0.1 every this many epochs (`--lr_decay_iters`). */
  lrDecayIters: number;
  /**
   * `cosine`: the half-period T_max in epochs. Default `nEpochs`, as the reference, so during the
   * `nEpochsDecay` epochs the LR climbs back from 0 towards `lr`; pass `nEpochs + nEpochsDecay` to
   * anneal once over the whole run instead.
   */
  cosineTMax?: number;
}

/** A schedule's position, as plain JSON-safe data for checkpoints. */
export interface SchedulerState {
  policy: LrPolicy;
  /** Steps taken (epochs finished since `epochCount`). */
  steps: number;
  /** The LR for the current epoch. */
  lr: number;
  /** `plateau`: the best metric so far (null before the first). */
  best: number | null;
  /** `plateau`: epochs since the last improvement. */
  badEpochs: number;
}

/** A per-epoch LR schedule. */
export interface LrScheduler {
  readonly policy: LrPolicy;
  /** The epoch whose LR `lr` is (epochCount + steps taken). */
  readonly epoch: number;
  /** The LR to use during `epoch`. */
  readonly lr: number;
  /**
   * Ends the current epoch and returns the next epoch's LR. `plateau` requires the finished epoch's
   * metric (lower is better) and throws without one; the other policies ignore it.
   */
  step(metric?: number): number;
  /** The schedule's position. */
  state(): SchedulerState;
  /** Resumes from `state()` of a schedule with the same policy and options. */
  restore(state: SchedulerState): void;
}

/**
 * The schedule of `policy`:
 * - linear: lr·(1 − max(0, k − nEpochs)/(nEpochsDecay + 1)) during epoch k (never reaches 0);
 * - step: lr·0.1^⌊(k − epochCount)/lrDecayIters⌋;
 * - cosine: lr·(1 + cos(π·(k − epochCount)/T_max))/2, eta_min 0 (PyTorch's CosineAnnealingLR, periodic past T_max);
 * - plateau: ReduceLROnPlateau(mode min, factor 0.2, threshold 0.01 relative, patience 5, cooldown 0).
 */
export function createScheduler(policy: string, options: SchedulerOptions): LrScheduler {
  if (!(LR_POLICIES as readonly string[]).includes(policy)) throw new OptionError(unknownNameMessage('--lr_policy', policy, LR_POLICIES));
  checkOptions(policy as LrPolicy, options);
  return policy === 'plateau' ? new PlateauScheduler(options) : new ClosedFormScheduler(policy as ClosedFormPolicy, options);
}

type ClosedFormPolicy = Exclude<LrPolicy, 'plateau'>;

/** LR after `steps` steps, per closed-form policy. */
const CLOSED_FORMS: Record<ClosedFormPolicy, (o: SchedulerOptions, steps: number) => number> = {
  linear: (o, steps) => o.lr * (1 - Math.max(0, steps + o.epochCount - o.nEpochs) / (o.nEpochsDecay + 1)),
  step: (o, steps) => o.lr * 0.1 ** Math.floor(steps / o.lrDecayIters),
  cosine: (o, steps) => (o.lr * (1 + Math.cos((Math.PI * steps) / (o.cosineTMax ?? o.nEpochs)))) / 2,
};

/** linear, step and cosine: the LR is a function of the step count. */
class ClosedFormScheduler implements LrScheduler {
  private steps = 0;

  constructor(
    readonly policy: ClosedFormPolicy,
    private readonly options: SchedulerOptions,
  ) {}

  get epoch(): number {
    return this.options.epochCount + this.steps;
  }

  get lr(): number {
    return CLOSED_FORMS[this.policy](this.options, this.steps);
  }

  step(): number {
    this.steps++;
    return this.lr;
  }

  state(): SchedulerState {
    return { policy: this.policy, steps: this.steps, lr: this.lr, best: null, badEpochs: 0 };
  }

  restore(state: SchedulerState): void {
    checkState(this.policy, state);
    this.steps = state.steps;
  }
}

const PLATEAU = { factor: 0.2, threshold: 0.01, patience: 5, eps: 1e-8 };

/** ReduceLROnPlateau in mode 'min' with a relative threshold, as PyTorch implements it. */
class PlateauScheduler implements LrScheduler {
  readonly policy = 'plateau' as const;
  private steps = 0;
  private current: number;
  /** PyTorch starts from +∞ (mode min); `state()` writes it as null. */
  private best = Infinity;
  private badEpochs = 0;

  constructor(private readonly options: SchedulerOptions) {
    this.current = options.lr;
  }

  get epoch(): number {
    return this.options.epochCount + this.steps;
  }

  get lr(): number {
    return this.current;
  }

  step(metric?: number): number {
    if (typeof metric !== 'number')
      throw new OptionError(
        "The 'plateau' LR policy lowers the LR when a metric stops improving, so it needs the epoch's metric (lower is better) at every step; this training run gives none. Use --lr_policy linear, step or cosine.",
      );
    this.steps++;
    if (metric < this.best * (1 - PLATEAU.threshold)) {
      this.best = metric;
      this.badEpochs = 0;
    } else this.badEpochs++;
    if (this.badEpochs > PLATEAU.patience) {
      const reduced = this.current * PLATEAU.factor;
      if (this.current - reduced > PLATEAU.eps) this.current = reduced;
      this.badEpochs = 0;
    }
    return this.current;
  }

  state(): SchedulerState {
    return {
      policy: this.policy,
      steps: this.steps,
      lr: this.current,
      best: this.best === Infinity ? null : this.best,
      badEpochs: this.badEpochs,
    };
  }

  restore(state: SchedulerState): void {
    checkState(this.policy, state);
    this.steps = state.steps;
    this.current = state.lr;
    this.best = state.best ?? Infinity;
    this.badEpochs = state.badEpochs;
  }
}

function checkOptions(policy: LrPolicy, o: SchedulerOptions): void {
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new OptionError(`--lr_policy ${policy}: ${what}.`);
  };
  need(Number.isFinite(o.lr) && o.lr > 0, `the learning rate must be a positive number (got ${o.lr})`);
  need(Number.isInteger(o.epochCount) && o.epochCount >= 0, `--epoch_count must be a non-negative integer (got ${o.epochCount})`);
  if (policy === 'linear') {
    need(Number.isInteger(o.nEpochs) && o.nEpochs >= 0, `--n_epochs must be a non-negative integer (got ${o.nEpochs})`);
    need(
      Number.isInteger(o.nEpochsDecay) && o.nEpochsDecay >= 0,
      `--n_epochs_decay must be a non-negative integer (got ${o.nEpochsDecay})`,
    );
  }
  if (policy === 'step')
    need(Number.isInteger(o.lrDecayIters) && o.lrDecayIters > 0, `--lr_decay_iters must be a positive integer (got ${o.lrDecayIters})`);
  if (policy === 'cosine') {
    const tMax = o.cosineTMax ?? o.nEpochs;
    need(Number.isFinite(tMax) && tMax > 0, `the cosine period (--n_epochs) must be positive (got ${tMax})`);
  }
}

function checkState(policy: LrPolicy, state: SchedulerState): void {
  if (state.policy !== policy)
    throw new OptionError(
      `The checkpoint's LR schedule is '${state.policy}' but --lr_policy is '${policy}'; resume with --lr_policy ${state.policy}.`,
    );
}
