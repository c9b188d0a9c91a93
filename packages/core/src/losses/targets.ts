/**
 * Target labels of the label-based GAN losses: constants, or soft/noisy labels drawn per sample
 * on every call (SRGAN's one-sided noise: real ~ U(0.7, 1.2), fake ~ U(0, 0.3)).
 */
import { tf } from '../tf.js';
import { OptionError } from '../errors.js';
import { globalRng } from '../random.js';

/**
 * How a target label is given: a number; a function called once per sample per loss call; or a
 * string, either a number (`'0.9'`) or `'uniform(lo,hi)'` (drawn from the seeded global RNG).
 */
export type TargetSpec = number | (() => number) | string;

/** A target label ready to use: a constant, or a per-sample sampler. */
export type TargetLabel = { kind: 'constant'; value: number } | { kind: 'sampled'; draw: () => number };

const NUMBER = String.raw`\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*`;
const UNIFORM = new RegExp(`^\\s*uniform\\(${NUMBER},${NUMBER}\\)\\s*$`, 'i');

/** Resolves a `TargetSpec`; `name` (e.g. 'targetReal') is used in error messages. */
export function parseTarget(spec: TargetSpec, name: string): TargetLabel {
  if (typeof spec === 'function') return { kind: 'sampled', draw: spec };
  if (typeof spec === 'number') {
    if (!Number.isFinite(spec)) throw new OptionError(`${name} must be a finite number; got ${spec}.`);
    return { kind: 'constant', value: spec };
  }
  const uniform = UNIFORM.exec(spec);
  if (uniform) {
    const lo = Number(uniform[1]);
    const hi = Number(uniform[2]);
    if (!(lo <= hi)) throw new OptionError(`${name} '${spec}': the lower bound must not exceed the upper bound.`);
    return { kind: 'sampled', draw: () => lo + (hi - lo) * globalRng().nextFloat() };
  }
  if (new RegExp(`^${NUMBER}$`).test(spec)) return { kind: 'constant', value: Number(spec) };
  throw new OptionError(`${name} '${spec}' is not a target label: give a number (e.g. 0.9) or 'uniform(lo,hi)' (e.g. 'uniform(0.7,1.2)').`);
}

/** Draws one loss call's targets: the constant, or one value per sample of a batch of `batchSize`. */
export function drawTargets(label: TargetLabel, batchSize: number): number | Float32Array {
  return label.kind === 'constant' ? label.value : Float32Array.from({ length: batchSize }, () => label.draw());
}

/**
 * Drawn targets as something that broadcasts against `pred` (batch first): the number itself, or
 * the per-sample values shaped [N, 1, …, 1] (a rank-0 `pred` takes the first value).
 */
export function targetTensor(targets: number | Float32Array, pred: tf.Tensor): number | tf.Tensor {
  if (typeof targets === 'number') return targets;
  if (pred.rank === 0) return tf.scalar(targets[0]!);
  if (pred.shape[0] !== targets.length)
    throw new Error(`The prediction's batch size ${pred.shape[0]} differs from the ${targets.length} drawn targets.`);
  return tf.tensor(targets, [targets.length, ...pred.shape.slice(1).map(() => 1)]);
}
