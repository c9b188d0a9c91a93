/**
 * Small helpers shared by the replacement kernels: tensor wrapping of kernel inputs, padding that may
 * also crop, and convolution geometry in one place.
 */
import { tf } from '../../tf.js';

/** Explicit convolution padding as tfjs takes it: `[[0,0],[top,bottom],[left,right],[0,0]]`. */
export type ExplicitPadding = tf.backend_util.ExplicitPadding;

/** Any padding a tfjs convolution accepts. */
export type ConvPadding = 'same' | 'valid' | number | ExplicitPadding;

/** Rounding mode for numeric padding (tfjs `dimRoundingMode`). */
export type DimRoundingMode = 'floor' | 'round' | 'ceil';

/** A pair of per-dimension values given as one number or `[h, w]`. */
export function pair(v: number | readonly number[] | undefined, fallback = 1): [number, number] {
  if (v === undefined || v === null) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  if (v.length === 1) return [v[0]!, v[0]!];
  return [v[0]!, v[1]!];
}

/**
 * A kernel input as a `tf.Tensor`. Ops call `runKernel` with tensors, so this is normally the object
 * itself; a bare TensorInfo is wrapped in a new tensor that holds its own reference to the data
 * (dispose it, or create it inside a `tf.tidy`).
 */
export function asTensor<T extends tf.Tensor = tf.Tensor>(info: tf.TensorInfo): T {
  if (info instanceof tf.Tensor) return info as T;
  const engine = tf.engine();
  const t = engine.makeTensorFromTensorInfo(info);
  engine.backend.incRef(info.dataId);
  return t as T;
}

/**
 * Pads (positive amounts, zeros) or crops (negative amounts) `x` along `axis` at both ends.
 * The result may be `x` itself when nothing changes.
 */
export function padOrCrop<T extends tf.Tensor>(x: T, axis: number, before: number, after: number): T {
  let y: tf.Tensor = x;
  if (before < 0 || after < 0) {
    const begin = y.shape.map(() => 0);
    const size = y.shape.slice();
    const b = Math.max(0, -before);
    const a = Math.max(0, -after);
    begin[axis] = b;
    size[axis] = Math.max(0, y.shape[axis]! - b - a);
    y = tf.slice(y, begin, size);
  }
  if (before > 0 || after > 0) {
    const paddings = y.shape.map(() => [0, 0] as [number, number]);
    paddings[axis] = [Math.max(0, before), Math.max(0, after)];
    y = tf.pad(y, paddings);
  }
  return y as T;
}

/** Attributes tfjs passes to its conv kernels (`Conv2D`, `FusedConv2D`, the two gradients). */
export interface ConvKernelAttrs {
  strides: number | [number, number];
  pad: ConvPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: DimRoundingMode;
}

/** Geometry of a 2-D convolution in NHWC terms (what the replacement kernels need). */
export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  fh: number;
  fw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  top: number;
  left: number;
}

/**
 * Resolves padding, output size and strides exactly as tfjs' forward conv2d does, for an NHWC input
 * shape and an HWIO filter shape.
 */
export function convGeometry(
  inShape: readonly number[],
  filterShape: readonly number[],
  strides: number | readonly number[],
  pad: ConvPadding,
  dilations: number | readonly number[] | undefined,
  dimRoundingMode?: DimRoundingMode,
): ConvGeometry {
  const [sh, sw] = pair(strides);
  const [dh, dw] = pair(dilations);
  const info = tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    [sh, sw],
    [dh, dw],
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    fh: info.filterHeight,
    fw: info.filterWidth,
    sh,
    sw,
    dh,
    dw,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

/** NCHW → NHWC for a rank-4 tensor. */
export function toNhwc<T extends tf.Tensor4D>(x: T): T {
  return tf.transpose(x, [0, 2, 3, 1]) as T;
}

/** NHWC → NCHW for a rank-4 tensor. */
export function toNchw<T extends tf.Tensor4D>(x: T): T {
  return tf.transpose(x, [0, 3, 1, 2]) as T;
}

/** NCHW shape → NHWC shape. */
export function nhwcShape(shape: readonly number[]): [number, number, number, number] {
  return [shape[0]!, shape[2]!, shape[3]!, shape[1]!];
}
