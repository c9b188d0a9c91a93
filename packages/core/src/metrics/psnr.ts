/** Peak signal-to-noise ratio. */
import { assertSameSize, type MetricImage } from './image.js';

/** Mean squared difference over every value of two same-sized images (float64). */
export function meanSquaredError(a: MetricImage, b: MetricImage): number {
  assertSameSize(a, b, 'meanSquaredError');
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i]! - b.data[i]!;
    sum += d * d;
  }
  return sum / a.data.length;
}

/** 10·log10(dataRange² / MSE) in dB over all values; identical images give Infinity. */
export function psnr(a: MetricImage, b: MetricImage, dataRange: number): number {
  const mse = meanSquaredError(a, b);
  return mse === 0 ? Infinity : 10 * Math.log10((dataRange * dataRange) / mse);
}
