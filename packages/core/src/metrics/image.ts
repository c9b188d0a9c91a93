/** The image type the metrics read: interleaved H×W×C values, and its conversions. */
import type { tf } from '../tf.js';

/** One image as interleaved row-major values (`data[(y·width + x)·channels + c]`). */
export interface MetricImage {
  data: ArrayLike<number>;
  width: number;
  height: number;
  channels: number;
}

/** Splits an NHWC batch into one `MetricImage` per sample, values unchanged (one `dataSync`). */
export function tensorImages(batch: tf.Tensor4D): MetricImage[] {
  const [n, height, width, channels] = batch.shape;
  const all = batch.dataSync() as Float32Array;
  const size = height * width * channels;
  return Array.from({ length: n }, (_, i) => ({ data: all.subarray(i * size, (i + 1) * size), width, height, channels }));
}

/** The image without a `shave`-pixel border on every side (the SR protocol crops the scale factor). */
export function shaveBorder(image: MetricImage, shave: number): MetricImage {
  if (shave === 0) return image;
  const { width, height, channels } = image;
  if (2 * shave >= width || 2 * shave >= height)
    throw new RangeError(`Cannot shave ${shave} pixels from each side of a ${width}×${height} image.`);
  const w = width - 2 * shave;
  const h = height - 2 * shave;
  const data = new Float64Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    const from = ((y + shave) * width + shave) * channels;
    for (let i = 0; i < w * channels; i++) data[y * w * channels + i] = image.data[from + i]!;
  }
  return { data, width: w, height: h, channels };
}

/**
 * Luma of RGB in [0, 1] as MATLAB's `rgb2ycbcr` (ITU-R BT.601, studio range): Y = 16 + 65.481·R +
 * 128.553·G + 24.966·B, in [16, 235] on the 0–255 scale (not rounded). A one-channel image is
 * taken as luma already and scaled by 255.
 */
export function rgbToY(image: MetricImage): MetricImage {
  const { width, height, channels, data } = image;
  const y = new Float64Array(width * height);
  if (channels === 1) {
    for (let i = 0; i < y.length; i++) y[i] = 255 * data[i]!;
  } else if (channels === 3) {
    for (let i = 0; i < y.length; i++) y[i] = 16 + 65.481 * data[3 * i]! + 128.553 * data[3 * i + 1]! + 24.966 * data[3 * i + 2]!;
  } else {
    throw new RangeError(`rgbToY needs 1 or 3 channels; got ${channels}.`);
  }
  return { data: y, width, height, channels: 1 };
}

/** Multiplies every value by `factor` (e.g. [0, 1] → [0, 255]). */
export function scaleValues(image: MetricImage, factor: number): MetricImage {
  return { ...image, data: Float64Array.from(image.data, (v) => v * factor) };
}

/** Throws unless `a` and `b` have the same width, height and channel count. */
export function assertSameSize(a: MetricImage, b: MetricImage, what: string): void {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels)
    throw new RangeError(
      `${what}: the images differ in size: ${a.width}×${a.height}×${a.channels} vs ${b.width}×${b.height}×${b.channels}.`,
    );
}
