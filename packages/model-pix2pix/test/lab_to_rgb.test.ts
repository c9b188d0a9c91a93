/**
 * Lab → RGB on tensors against scikit-image's `lab2rgb` and the reference colorization model's
 * `lab2rgb` (fixtures and their generator in packages/datasets/test/fixtures/colorization).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tf, decodeImage } from '@translate/core';
import { colorizationToRgb, labToRgb } from '../src/lab_to_rgb.js';
import { BACKENDS, maxAbsDiff, useBackend } from '../../core/test/helpers.js';

const FIXTURES = fileURLToPath(new URL('../../datasets/test/fixtures/colorization', import.meta.url));
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const skimage = fixture('lab_skimage.json') as {
  lab_pixels: number[];
  lab_pixels_rgb: number[];
  image: { file: string; width: number; height: number; lab: number[]; lab_rgb: number[] };
};
const reference = fixture('colorization_dataset.json') as { width: number; height: number; A: number[]; B: number[]; rgb: number[] };

/** `labToRgb` of HWC values, as a flat array. */
function rgbOf(lab: number[], width: number, height: number): Float32Array {
  const input = tf.tensor4d(lab, [1, height, width, 3]);
  const rgb = labToRgb(input);
  const out = rgb.dataSync() as Float32Array;
  tf.dispose([input, rgb]);
  return out;
}

describe.each(BACKENDS)('Lab → RGB on %s', (backend) => {
  it('equals skimage.color.lab2rgb within 1e-4 on every branch (dark, light, Z < 0, out of gamut)', async () => {
    await useBackend(backend);
    const rgb = rgbOf(skimage.lab_pixels, skimage.lab_pixels.length / 3, 1);
    expect(maxAbsDiff(rgb, Float32Array.from(skimage.lab_pixels_rgb))).toBeLessThan(1e-4);
    // L 100 is white; L 50, b 120 has Z < 0 (set to 0), and its blue is clipped to 0.
    expect(Array.from(rgb.subarray(3, 6)).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([1, 1, 1]);
    expect(Array.from(rgb.subarray(15, 18)).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0.5783, 0.4554, 0]);
  });

  it("round-trips a photo crop: skimage's lab2rgb of its rgb2lab, and the photo's own pixels, within 1e-4", async () => {
    await useBackend(backend);
    const { width, height, lab, lab_rgb } = skimage.image;
    const rgb = rgbOf(lab, width, height);
    expect(maxAbsDiff(rgb, Float32Array.from(lab_rgb))).toBeLessThan(1e-4);
    const photo = await decodeImage(join(FIXTURES, skimage.image.file));
    expect(
      maxAbsDiff(
        rgb,
        Float32Array.from(photo.data, (v) => v / 255),
      ),
    ).toBeLessThan(1e-4);
  });

  it("turns the colorization scaling (A = L/50 − 1, B = ab/110) into the reference model's RGB visual", async () => {
    await useBackend(backend);
    const { width, height } = reference;
    const before = tf.memory().numTensors;
    const [a, b] = [tf.tensor4d(reference.A, [1, height, width, 1]), tf.tensor4d(reference.B, [1, height, width, 2])];
    const visual = colorizationToRgb(a, b);
    expect(visual.shape).toEqual([1, height, width, 3]);
    const unit = Float32Array.from(visual.dataSync(), (v) => (v + 1) / 2);
    expect(
      maxAbsDiff(
        unit,
        Float32Array.from(reference.rgb, (v) => v / 255),
      ),
    ).toBeLessThan(1e-4);
    tf.dispose([a, b, visual]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
