/** The reference's `--norm` choices and its use_bias rule. */
import { BatchNorm2d, InstanceNorm2d } from '../nn/norm.js';
import { Identity } from '../nn/activation.js';
import type { Module } from '../nn/module.js';
import { OptionError, unknownNameMessage } from '../errors.js';

/** Values of `--norm` (`syncbatch` is plain batch norm on one device). */
export const NORM_TYPES = ['batch', 'instance', 'none', 'syncbatch'] as const;
/** One of `NORM_TYPES`. */
export type NormType = (typeof NORM_TYPES)[number];

/** Checks a `--norm` value. */
export function parseNorm(value: string): NormType {
  if (!(NORM_TYPES as readonly string[]).includes(value)) throw new OptionError(unknownNameMessage('--norm', value, NORM_TYPES));
  return value as NormType;
}

/**
 * `get_norm_layer(norm)(channels)`: BatchNorm2d (affine, tracked), InstanceNorm2d (no affine, no
 * running stats), or Identity for 'none' (it keeps the layer index, as in the reference).
 */
export function normLayer(norm: NormType, channels: number): Module {
  switch (norm) {
    case 'batch':
    case 'syncbatch':
      return new BatchNorm2d(channels);
    case 'instance':
      return new InstanceNorm2d(channels);
    case 'none':
      return new Identity();
  }
}

/** The reference's use_bias: convs followed by a norm have a bias only with instance norm (also for 'none'). */
export function convBiasFor(norm: NormType): boolean {
  return norm === 'instance';
}
