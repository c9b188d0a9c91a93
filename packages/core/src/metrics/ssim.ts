/**
 * Structural similarity (Wang et al. 2004) as their MATLAB `ssim_index` and the SR literature
 * compute it: an 11×11 Gaussian window with σ = 1.5 (normalised), 'valid' filtering (no padding),
 * K1 = 0.01, K2 = 0.03, population (co)variances; the mean of the SSIM map, averaged over channels.
 */
import { assertSameSize, type MetricImage } from './image.js';

const RADIUS = 5;
const SIGMA = 1.5;

/** The normalised 1-D Gaussian (11 taps, σ 1.5) whose outer product is the 2-D window. */
const KERNEL: Float64Array = (() => {
  const k = Float64Array.from({ length: 2 * RADIUS + 1 }, (_, i) => Math.exp(-((i - RADIUS) ** 2) / (2 * SIGMA * SIGMA)));
  const sum = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / sum);
})();

/** Mean SSIM of two same-sized images with values on a scale of `dataRange` (e.g. 255). */
export function ssim(a: MetricImage, b: MetricImage, dataRange: number): number {
  assertSameSize(a, b, 'ssim');
  const { width, height, channels } = a;
  if (width < 2 * RADIUS + 1 || height < 2 * RADIUS + 1)
    throw new RangeError(`ssim needs images of at least ${2 * RADIUS + 1}×${2 * RADIUS + 1}; got ${width}×${height}.`);
  let total = 0;
  for (let c = 0; c < channels; c++) total += channelSsim(plane(a, c), plane(b, c), width, height, dataRange);
  return total / channels;
}

function channelSsim(x: Float64Array, y: Float64Array, width: number, height: number, dataRange: number): number {
  const c1 = (0.01 * dataRange) ** 2;
  const c2 = (0.03 * dataRange) ** 2;
  const xy = x.map((v, i) => v * y[i]!);
  const [muX, muY, xx, yy, cross] = [x, y, x.map((v) => v * v), y.map((v) => v * v), xy].map((p) => gaussianValid(p, width, height));
  let sum = 0;
  for (let i = 0; i < muX!.length; i++) {
    const mx = muX![i]!;
    const my = muY![i]!;
    const vx = xx![i]! - mx * mx;
    const vy = yy![i]! - my * my;
    const cov = cross![i]! - mx * my;
    sum += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
  }
  return sum / muX!.length;
}

/** Separable Gaussian filtering keeping only positions where the whole window fits. */
function gaussianValid(p: Float64Array, width: number, height: number): Float64Array {
  const w = width - 2 * RADIUS;
  const h = height - 2 * RADIUS;
  const rows = new Float64Array(height * w);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = 0; k < KERNEL.length; k++) s += KERNEL[k]! * p[y * width + x + k]!;
      rows[y * w + x] = s;
    }
  }
  const out = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = 0; k < KERNEL.length; k++) s += KERNEL[k]! * rows[(y + k) * w + x]!;
      out[y * w + x] = s;
    }
  }
  return out;
}

function plane(image: MetricImage, channel: number): Float64Array {
  const n = image.width * image.height;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = image.data[i * image.channels + channel]!;
  return out;
}
