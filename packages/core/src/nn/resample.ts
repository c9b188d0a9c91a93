/** Resampling layers: nearest/bilinear upsampling, pixel shuffle (PyTorch channel order), average pooling. */
import { tf } from '../tf.js';
import { Module } from './module.js';
import { pair, type Pair } from './conv.js';
import { TranslateError } from '../errors.js';
import type { OnnxGraph } from '../export/onnx/graph.js';
import { upsampleNearestOnnx } from '../export/onnx/ops.js';

/**
 * Resizes an NHWC tensor to (height, width) as `F.interpolate` does: 'nearest' picks
 * floor(dst·in/out); 'bilinear' is align_corners=False (half-pixel centres). Both have exact gradients.
 */
export function interpolate(x: tf.Tensor4D, size: [number, number], mode: 'nearest' | 'bilinear'): tf.Tensor4D {
  const [, h, w] = x.shape;
  if (mode === 'bilinear') return resizeBilinear(x, size);
  if (size[0] % h === 0 && size[1] % w === 0) return repeatNearest(x, size[0] / h, size[1] / w);
  return tf.image.resizeNearestNeighbor(x, size, false, false);
}

/**
 * Bilinear resize (align_corners=False) as two interpolation-matrix products, one per axis. tfjs's
 * ResizeBilinearGrad ignores half-pixel centres, so its gradient is wrong; matrix products have exact ones.
 */
function resizeBilinear(x: tf.Tensor4D, [outH, outW]: [number, number]): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  return tf.tidy(() => {
    // Along H: [N,H,W,C] → [N·W·C, H] · Aᵀ → [N,outH,W,C]
    const alongH = tf.matMul(tf.reshape(tf.transpose(x, [0, 2, 3, 1]), [n * w * c, h]), interpolationMatrix(h, outH), false, true);
    const y = tf.transpose(tf.reshape(alongH, [n, w, c, outH]), [0, 3, 1, 2]);
    // Along W: [N,outH,W,C] → [N·outH·C, W] · Bᵀ → [N,outH,outW,C]
    const alongW = tf.matMul(tf.reshape(tf.transpose(y, [0, 1, 3, 2]), [n * outH * c, w]), interpolationMatrix(w, outW), false, true);
    return tf.transpose(tf.reshape(alongW, [n, outH, c, outW]), [0, 1, 3, 2]);
  });
}

/** [out, in] weights of PyTorch's bilinear (align_corners=False) sampling along one axis. */
function interpolationMatrix(inSize: number, outSize: number): tf.Tensor2D {
  const m = new Float32Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = Math.max(0, (o + 0.5) * scale - 0.5);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const frac = src - i0;
    m[o * inSize + i0]! += 1 - frac;
    m[o * inSize + i1]! += frac;
  }
  return tf.tensor2d(m, [outSize, inSize]);
}

/** Integer nearest upsampling by broadcasting (cheap, and its gradient is a plain sum). */
function repeatNearest(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  return tf.tidy(() => tf.reshape(tf.mul(tf.reshape(x, [n, h, 1, w, 1, c]), tf.ones([1, 1, sh, 1, sw, 1])), [n, h * sh, w * sw, c]));
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

  /** Nearest upsampling as `Resize` (floor(dst / scale)); bilinear has no export yet. */
  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    if (this.mode !== 'nearest')
      throw new TranslateError(
        `Layer Upsample ('${prefix.slice(0, -1)}') with mode '${this.mode}' has no ONNX export; only nearest upsampling is exported.`,
        { usage: false },
      );
    return upsampleNearestOnnx(graph, x, this.scaleFactor, prefix);
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
  return tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(x, [n, h, w, c, r, r]), [0, 1, 4, 2, 5, 3]), [n, h * r, w * r, c]));
}

/** `nn.PixelShuffle(upscale_factor)`. */
export class PixelShuffle extends Module {
  constructor(readonly upscaleFactor: number) {
    super();
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    return pixelShuffle(x, this.upscaleFactor);
  }

  /** `DepthToSpace` in CRD mode, PyTorch's channel order. */
  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    return graph.node('DepthToSpace', [x], { blocksize: { i: this.upscaleFactor }, mode: { s: 'CRD' } }, `${prefix}DepthToSpace`);
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
    const paddings: Array<[number, number]> = [
      [0, 0],
      [ph, ph],
      [pw, pw],
      [0, 0],
    ];
    return tf.tidy(() => {
      const pooled = tf.avgPool(tf.pad(x, paddings), kernel, strides, 'valid');
      if (this.options.countIncludePad) return pooled;
      const [, h, w] = x.shape;
      const coverage = tf.avgPool(tf.pad(tf.ones([1, h, w, 1]) as tf.Tensor4D, paddings), kernel, strides, 'valid');
      return tf.div(pooled, coverage);
    });
  }
}

/** `nn.MaxPool2d(kernel_size, stride)` without padding. */
export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: number,
    readonly stride: number = kernelSize,
  ) {
    super();
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.maxPool(x, this.kernelSize, this.stride, 'valid');
  }
}
