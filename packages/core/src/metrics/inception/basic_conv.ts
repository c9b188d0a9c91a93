/** torchvision's Inception `BasicConv2d` (convolution without bias, BatchNorm eps 0.001, ReLU) and the pools the blocks share. */
import { tf } from '../../tf.js';
import { Module } from '../../nn/module.js';
import { Conv2d, type Pair } from '../../nn/conv.js';
import { BatchNorm2d } from '../../nn/norm.js';
import { AvgPool2d } from '../../nn/resample.js';

/** Keys `conv.weight`, `bn.weight`, `bn.bias`, `bn.running_mean`, `bn.running_var`, `bn.num_batches_tracked`. */
export class BasicConv2d extends Module<tf.Tensor4D, tf.Tensor4D> {
  private readonly conv: Conv2d;
  private readonly bn: BatchNorm2d;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: { stride?: Pair; padding?: Pair } = {}) {
    super();
    this.conv = this.addModule('conv', new Conv2d({ inChannels, outChannels, kernelSize, bias: false, ...options }));
    this.bn = this.addModule('bn', new BatchNorm2d(outChannels, { eps: 0.001 }));
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => tf.relu(this.bn.forward(this.conv.forward(x))));
  }
}

/** 3×3 average pool, stride 1, padding 1, padded zeros not counted (TensorFlow's pool, pytorch-fid's patch). */
export const averagePool3x3 = new AvgPool2d({ kernelSize: 3, stride: 1, padding: 1, countIncludePad: false });

/** 3×3 max pool, stride 1, padding 1 (padding never wins: `F.max_pool2d(x, 3, 1, 1)`). */
export function maxPool3x3Same(x: tf.Tensor4D): tf.Tensor4D {
  return tf.maxPool(x, 3, 1, 'same');
}

/** 3×3 max pool, stride 2, no padding (`F.max_pool2d(x, 3, stride=2)`). */
export function maxPool3x3Stride2(x: tf.Tensor4D): tf.Tensor4D {
  return tf.maxPool(x, 3, 2, 'valid');
}

/** Concatenates branch outputs along channels (torch's `cat(dim=1)` in NHWC). */
export function concatChannels(branches: tf.Tensor4D[]): tf.Tensor4D {
  return tf.concat(branches, 3);
}
