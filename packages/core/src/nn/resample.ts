/** Resampling layers: nearest/bilinear upsampling, pixel shuffle (PyTorch channel order), average pooling. */
import { tf } from '../tf.js';
import { Module } from './module.js';
import { pair, type Pair } from './conv.js';

/**
 * Resizes an NHWC tensor to (height, width) as `F.interpolate` does: 'nearest' picks
 * floor(dst·in/out); 'bilinear' is align_corners=False (half-pixel centres).
 */
export function interpolate(x: tf.Tensor4D, size: [number, number], mode: 'nearest' | 'bilinear'): tf.Tensor4D {
  const [, h, w] = x.shape;
  if (mode === 'nearest' && size[0] % h === 0 && size[1] % w === 0) return repeatNearest(x, size[0] / h, size[1] / w);
  return mode === 'nearest'
    ? tf.image.resizeNearestNeighbor(x, size, false, false)
    : tf.image.resizeBilinear(x, size, false, true);
}

/** Integer nearest upsampling by broadcasting (cheap, and its gradient is a plain sum). */
function repeatNearest(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  return tf.tidy(() =>
    tf.reshape(tf.mul(tf.reshape(x, [n, h, 1, w, 1, c]), tf.ones([1, 1, sh, 1, sw, 1])), [n, h * sh, w * sw, c]),
  );
}

/** `nn.Upsample(scale_factor, mode)`. */
export class Upsample extends Module {
  constructor(
    readonly scaleFactor: number,
    readonly mode: 'nearest' | 'bilinear' = 'nearest',
  ) {
    super();
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    const [, h, w] = x.shape;
    return interpolate(x, [Math.floor(h * this.scaleFactor), Math.floor(w * this.scaleFactor)], this.mode);
  }
}

/**
 * `nn.PixelShuffle(r)` in PyTorch's channel order: output channel c at sub-pixel (i, j) reads input
 * channel c·r² + i·r + j. Built from reshape/transpose, which have gradients on every backend
 * (tfjs `depthToSpace` has none and uses another order).
 */
export function pixelShuffle(x: tf.Tensor4D, r: number): tf.Tensor4D {
  const [n, h, w, crr] = x.shape;
  if (crr % (r * r) !== 0) throw new Error(`pixelShuffle: ${crr} channels are not divisible by ${r}² = ${r * r}`);
  const c = crr / (r * r);
  return tf.tidy(() =>
    tf.reshape(tf.transpose(tf.reshape(x, [n, h, w, c, r, r]), [0, 1, 4, 2, 5, 3]), [n, h * r, w * r, c]),
  );
}

/** `nn.PixelShuffle(upscale_factor)`. */
export class PixelShuffle extends Module {
  constructor(readonly upscaleFactor: number) {
    super();
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    return pixelShuffle(x, this.upscaleFactor);
  }
}

/** Options of `AvgPool2d`, as PyTorch's arguments. */
export interface AvgPool2dOptions {
  kernelSize: Pair;
  stride?: Pair;
  padding?: Pair;
  countIncludePad?: boolean;
}

/** `nn.AvgPool2d` with zero padding; `countIncludePad: false` divides by the number of real pixels. */
export class AvgPool2d extends Module {
  readonly options: Required<AvgPool2dOptions>;

  constructor(options: AvgPool2dOptions) {
    super();
    this.options = { stride: options.kernelSize, padding: 0, countIncludePad: true, ...options };
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    const kernel = pair(this.options.kernelSize);
    const strides = pair(this.options.stride);
    const [ph, pw] = pair(this.options.padding);
    if (ph === 0 && pw === 0) return tf.avgPool(x, kernel, strides, 'valid');
    const paddings: Array<[number, number]> = [[0, 0], [ph, ph], [pw, pw], [0, 0]];
    return tf.tidy(() => {
      const pooled = tf.avgPool(tf.pad(x, paddings), kernel, strides, 'valid');
      if (this.options.countIncludePad) return pooled;
      const [, h, w] = x.shape;
      const coverage = tf.avgPool(tf.pad(tf.ones([1, h, w, 1]) as tf.Tensor4D, paddings), kernel, strides, 'valid');
      return tf.div(pooled, coverage);
    });
  }
}
