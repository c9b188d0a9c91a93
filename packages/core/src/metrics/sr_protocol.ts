/**
 * The super-resolution evaluation protocol: PSNR and SSIM on the Y channel of YCbCr (BT.601, as
 * MATLAB's `rgb2ycbcr`) or on RGB, with a border of `shave` pixels (the scale factor) cropped
 * first, on the 0–255 scale (data range 255).
 */
import { rgbToY, scaleValues, shaveBorder, assertSameSize, type MetricImage } from './image.js';
import { psnr } from './psnr.js';
import { ssim } from './ssim.js';

/** Which values the SR metrics compare. */
export type SrChannel = 'y' | 'rgb';

/** Options of `srMetrics`. */
export interface SrMetricOptions {
  /** Pixels cropped from every side before comparing (the standard is the scale factor). */
  shave: number;
  /** 'y' (the standard) or 'rgb'. */
  channel: SrChannel;
}

/** PSNR (dB) and SSIM of one image pair. */
export interface SrScores {
  psnr: number;
  ssim: number;
}

/** PSNR and SSIM of a restored image against the ground truth, both RGB (or gray) in [0, 1]. */
export function srMetrics(restored: MetricImage, truth: MetricImage, options: SrMetricOptions): SrScores {
  assertSameSize(restored, truth, 'srMetrics');
  const prepare = (image: MetricImage) => shaveBorder(options.channel === 'y' ? rgbToY(image) : scaleValues(image, 255), options.shave);
  const [a, b] = [prepare(restored), prepare(truth)];
  return { psnr: psnr(a, b, 255), ssim: ssim(a, b, 255) };
}
