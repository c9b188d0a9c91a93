/**
 * SPADE's `get_nonspade_norm_layer(opt, norm_type)(conv)`: optional spectral norm on the conv,
 * then, unless the sub-norm is `none`, the conv loses its bias and is followed by the norm in an
 * `nn.Sequential` (keys `0.weight_orig`, `1.running_mean`, …). Without a sub-norm the conv is
 * returned alone (keys `weight[_orig]`, `bias`).
 */
import { BatchNorm2d, Conv2d, InstanceNorm2d, Sequential, type Conv2dOptions, type Module } from '@translate/core';
import type { PlainNormConfig } from './norm_config.js';

/** The conv of `options` wrapped as `norm` says (batch norm is affine, instance norm is not, as in SPADE). */
export function normalizedConv(norm: PlainNormConfig, options: Omit<Conv2dOptions, 'bias' | 'spectralNorm'>): Module {
  const conv = new Conv2d({ ...options, spectralNorm: norm.spectral, bias: norm.subnorm === 'none' });
  if (norm.subnorm === 'none') return conv;
  const channels = options.outChannels;
  const layer = norm.subnorm === 'batch' ? new BatchNorm2d(channels, { affine: true }) : new InstanceNorm2d(channels);
  return new Sequential([conv, layer]);
}
