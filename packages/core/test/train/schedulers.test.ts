/**
 * LR schedules: the LR during every epoch against independent formulas (docs/reference.md §1.10,
 * 2025 order), PyTorch's recursive cosine, ReduceLROnPlateau worked by hand, errors, state/restore.
 */
import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/errors.js';
import { createScheduler, LR_POLICIES, type LrScheduler, type SchedulerOptions } from '../../src/train/schedulers.js';

const DEFAULTS: SchedulerOptions = { lr: 2e-4, nEpochs: 100, nEpochsDecay: 100, epochCount: 1, lrDecayIters: 50 };

/** The LR used during each epoch from the first, stepping after every epoch; `metrics[i]` is epoch i's. */
function lrsPerEpoch(s: LrScheduler, epochs: number, metrics?: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < epochs; i++) {
    out.set(s.epoch, s.lr);
    s.step(metrics?.[i]);
  }
  return out;
}

describe('linear', () => {
  it('defaults: 2e-4 for epochs 1–100, 2e-4·100/101 at 101, 2e-4/101 at 200', () => {
    const lrs = lrsPerEpoch(createScheduler('linear', DEFAULTS), 200);
    for (let k = 1; k <= 100; k++) expect(lrs.get(k)).toBe(2e-4);
    expect(lrs.get(101)).toBeCloseTo((2e-4 * 100) / 101, 15);
    expect(lrs.get(150)).toBeCloseTo((2e-4 * 51) / 101, 15);
    expect(lrs.get(200)).toBeCloseTo(2e-4 / 101, 15);
    expect(lrs.size).toBe(200);
  });

  it('LR during epoch k = lr·(1 − max(0, k − n_epochs)/(n_epochs_decay + 1)) from any epoch_count', () => {
    const options = { ...DEFAULTS, lr: 1e-3, nEpochs: 7, nEpochsDecay: 5, epochCount: 4 };
    const lrs = lrsPerEpoch(createScheduler('linear', options), 9);
    expect([...lrs.keys()]).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const [k, lr] of lrs) expect(lr).toBeCloseTo(1e-3 * (1 - Math.max(0, k - 7) / 6), 15);
  });
});

describe('step', () => {
  it('×0.1 every lr_decay_iters epochs, counted from the start of this run', () => {
    const lrs = lrsPerEpoch(createScheduler('step', DEFAULTS), 160);
    expect(lrs.get(1)).toBe(2e-4);
    expect(lrs.get(50)).toBe(2e-4);
    expect(lrs.get(51)).toBeCloseTo(2e-5, 15);
    expect(lrs.get(100)).toBeCloseTo(2e-5, 15);
    expect(lrs.get(101)).toBeCloseTo(2e-6, 16);
    expect(lrs.get(151)).toBeCloseTo(2e-7, 17);
    // The reference's StepLR ignores epoch_count: a run restarted at epoch 60 starts undecayed.
    const restarted = lrsPerEpoch(createScheduler('step', { ...DEFAULTS, epochCount: 60 }), 51);
    expect(restarted.get(60)).toBe(2e-4);
    expect(restarted.get(110)).toBeCloseTo(2e-5, 15);
  });
});

describe('cosine', () => {
  /** PyTorch's CosineAnnealingLR.get_lr (the recursive form), eta_min 0, stepped once per epoch. */
  function torchCosine(baseLr: number, tMax: number, steps: number): number[] {
    const lrs = [baseLr];
    let lr = baseLr;
    for (let e = 1; e <= steps; e++) {
      if ((e - 1 - tMax) % (2 * tMax) === 0) lr = lr + (baseLr * (1 - Math.cos(Math.PI / tMax))) / 2;
      else lr = ((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) * lr;
      lrs.push(lr);
    }
    return lrs;
  }

  it("follows PyTorch's CosineAnnealingLR with T_max = n_epochs, climbing back up during the decay epochs (the reference's quirk)", () => {
    const options = { ...DEFAULTS, nEpochs: 10, nEpochsDecay: 10 };
    const lrs = [...lrsPerEpoch(createScheduler('cosine', options), 20).values()];
    const torch = torchCosine(2e-4, 10, 19);
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(torch[i]!, 15));
    expect(lrs[10]).toBeCloseTo(0, 15);
    expect(lrs[19]).toBeGreaterThan(lrs[12]!);
  });

  it('cosineTMax = n_epochs + n_epochs_decay anneals once over the whole run', () => {
    const lrs = [...lrsPerEpoch(createScheduler('cosine', { ...DEFAULTS, nEpochs: 10, nEpochsDecay: 10, cosineTMax: 20 }), 20).values()];
    lrs.forEach((lr, e) => expect(lr).toBeCloseTo((2e-4 * (1 + Math.cos((Math.PI * e) / 20))) / 2, 15));
    for (let e = 1; e < 20; e++) expect(lrs[e]).toBeLessThan(lrs[e - 1]!);
  });
});

describe('plateau', () => {
  it('×0.2 once the metric has not improved by 1 % for more than 5 epochs', () => {
    // Epoch 1 sets best = 1.0; epochs 2–7 are six bad epochs (0.995 is not below 1.0·0.99), so
    // the step after epoch 7 lowers the LR; then 0.5 improves, and six more bad epochs lower it again.
    const metrics = [1.0, 1.0, 0.995, 0.999, 0.991, 1.2, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    const lrs = [...lrsPerEpoch(createScheduler('plateau', DEFAULTS), metrics.length, metrics).values()];
    expect(lrs.slice(0, 7)).toEqual(Array(7).fill(2e-4));
    expect(lrs.slice(7, 14)).toEqual(Array(7).fill(2e-4 * 0.2));
    const s = createScheduler('plateau', DEFAULTS);
    metrics.forEach((m) => s.step(m));
    expect(s.lr).toBeCloseTo(2e-4 * 0.04, 15);
  });

  it('an improvement of more than 1 % resets the patience', () => {
    const s = createScheduler('plateau', DEFAULTS);
    let metric = 1;
    for (let i = 0; i < 30; i++) {
      metric *= 0.98;
      s.step(metric);
    }
    expect(s.lr).toBe(2e-4);
  });

  it('stops lowering when a reduction would change the LR by less than 1e-8 (PyTorch eps)', () => {
    const s = createScheduler('plateau', { ...DEFAULTS, lr: 1e-6 });
    // 1e-6 → 2e-7 → 4e-8 → 8e-9 (each drop > 1e-8); 8e-9 → 1.6e-9 drops by 6.4e-9 < 1e-8: kept.
    for (let i = 0; i < 6 * 6 + 1; i++) s.step(1);
    expect(s.lr).toBeCloseTo(8e-9, 20);
  });

  it('requires a metric at every step', () => {
    const s = createScheduler('plateau', DEFAULTS);
    expect(() => s.step()).toThrow(OptionError);
    expect(() => s.step()).toThrow(/needs the epoch's metric/);
  });
});

describe('errors and state', () => {
  it('an unknown policy is an OptionError listing the policies', () => {
    expect(LR_POLICIES).toEqual(['linear', 'step', 'plateau', 'cosine']);
    expect(() => createScheduler('lambda', DEFAULTS)).toThrow(OptionError);
    expect(() => createScheduler('cosin', DEFAULTS)).toThrow(/Did you mean 'cosine'\?.*Known: cosine, linear, plateau, step/);
  });

  it('rejects option values a policy cannot use', () => {
    expect(() => createScheduler('step', { ...DEFAULTS, lrDecayIters: 0 })).toThrow(OptionError);
    expect(() => createScheduler('cosine', { ...DEFAULTS, nEpochs: 0 })).toThrow(OptionError);
    expect(() => createScheduler('linear', { ...DEFAULTS, lr: -1 })).toThrow(OptionError);
  });

  for (const policy of LR_POLICIES) {
    it(`${policy}: state() survives JSON and restore() continues the same sequence`, () => {
      const metrics = Array.from({ length: 40 }, (_, i) => 1 + 0.3 * Math.sin(i));
      const options = { ...DEFAULTS, nEpochs: 12, nEpochsDecay: 20, lrDecayIters: 7 };
      const a = createScheduler(policy, options);
      metrics.slice(0, 25).forEach((m) => a.step(m));
      const state = JSON.parse(JSON.stringify(a.state()));
      const b = createScheduler(policy, options);
      b.restore(state);
      expect(b.epoch).toBe(a.epoch);
      expect(b.lr).toBe(a.lr);
      for (const m of metrics.slice(25)) expect(b.step(m)).toBe(a.step(m));
    });
  }

  it('restore() refuses the state of another policy', () => {
    const state = createScheduler('linear', DEFAULTS).state();
    expect(() => createScheduler('step', DEFAULTS).restore(state)).toThrow(/checkpoint's LR schedule is 'linear'/);
  });
});
