/**
 * sRGB → CIE Lab as scikit-image's `rgb2lab` (0.19) computes it, which the reference's colorization
 * dataset uses: the sRGB gamma removed, XYZ by skimage's matrix, then Lab relative to the D65
 * white (2° observer). The constants are skimage's, so the inverse (`lab2rgb`) can use them too.
 */
import { maxValue, type RawImage } from './types.js';

/** skimage's D65 white point (2° observer): the XYZ of Lab's reference white. */
export const D65_WHITE: readonly [number, number, number] = [0.95047, 1.0, 1.08883];

/** Linear sRGB → XYZ (rows: X, Y, Z), skimage's `xyz_from_rgb`. */
export const XYZ_FROM_RGB: ReadonlyArray<readonly [number, number, number]> = [
  [0.412453, 0.35758, 0.180423],
  [0.212671, 0.71516, 0.072169],
  [0.019334, 0.119193, 0.950227],
];

/** XYZ → linear sRGB (rows: R, G, B), skimage's `rgb_from_xyz` (the inverse of `XYZ_FROM_RGB`). */
export const RGB_FROM_XYZ: ReadonlyArray<readonly [number, number, number]> = [
  [3.2404813432005266, -1.5371515162713183, -0.4985363261688878],
  [-0.9692549499965682, 1.8759900014898907, 0.04155592655829284],
  [0.055646639135177166, -0.20404133836651123, 1.0573110696453443],
];

/** sRGB value in [0, 1] → linear light. */
function linearize(v: number): number {
  return v > 0.04045 ? ((v + 0.055) / 1.055) ** 2.4 : v / 12.92;
}

/** Lab's cube-root companding of an XYZ value relative to the white. */
function labCompand(t: number): number {
  return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116;
}

/** One sRGB pixel (each channel in [0, 1]) → [L, a, b], in float64 as skimage. */
function rgbPixelToLab(r: number, g: number, b: number): [number, number, number] {
  const lin = [linearize(r), linearize(g), linearize(b)];
  const [fx, fy, fz] = XYZ_FROM_RGB.map((row, i) =>
    labCompand((row[0] * lin[0]! + row[1] * lin[1]! + row[2] * lin[2]!) / D65_WHITE[i]!),
  ) as [number, number, number];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/**
 * A 3-channel image (8 or 16 bits) → its Lab values, HWC float32 (L in [0, 100], a and b about
 * ±110), as the reference's `color.rgb2lab(im).astype(np.float32)`.
 */
export function rgbToLab(img: RawImage): Float32Array {
  if (img.channels !== 3) throw new RangeError(`rgbToLab: expected 3 channels, got ${img.channels}.`);
  const max = maxValue(img.data);
  const out = new Float32Array(img.data.length);
  for (let i = 0; i < img.data.length; i += 3)
    out.set(rgbPixelToLab(img.data[i]! / max, img.data[i + 1]! / max, img.data[i + 2]! / max), i);
  return out;
}
