/**
 * PSNR/SSIM against values computed independently in float64 with numpy and cross-checked with
 * scikit-image (fixtures/reference_metrics.py → fixtures/expected.json) on real image pairs:
 * a photo vs its bicubic ×4 restoration, and a photo vs its JPEG (quality 20).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { psnr, rgbToY, shaveBorder, srMetrics, ssim, tensorImages, type MetricImage, type SrChannel } from '../../src/metrics/index.js';
import { useBackend } from '../helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

interface Case {
  restored: string;
  truth: string;
  channel: SrChannel;
  shave: number;
  psnr: number;
  ssim: number;
}
const { cases } = JSON.parse(readFileSync(fixture('expected.json'), 'utf8')) as { cases: Case[] };

/** A fixture PNG as RGB in [0, 1]. */
async function load(name: string): Promise<MetricImage> {
  const { data, info } = await sharp(fixture(name)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: Float64Array.from(data, (v) => v / 255), width: info.width, height: info.height, channels: info.channels };
}

describe('SR metrics on real image pairs', () => {
  it.each(cases.map((c) => [`${c.restored} ${c.channel} shave ${c.shave}`, c] as const))('%s equals numpy/scikit-image', async (_, c) => {
    const [restored, truth] = [await load(c.restored), await load(c.truth)];
    const scores = srMetrics(restored, truth, { channel: c.channel, shave: c.shave });
    expect(scores.psnr).toBeCloseTo(c.psnr, 9);
    expect(scores.ssim).toBeCloseTo(c.ssim, 9);
  });

  it('reads NHWC tensors unchanged, one image per sample', async () => {
    await useBackend('cpu');
    const [restored, truth] = [await load('coffee_jpeg_q20.png'), await load('coffee_hr.png')];
    const batch = tf.tensor4d(Float32Array.from([...Array.from(truth.data), ...Array.from(restored.data)]), [2, 96, 96, 3]);
    const [t, r] = tensorImages(batch);
    const expected = cases.find((c) => c.restored === 'coffee_jpeg_q20.png' && c.channel === 'y' && c.shave === 4)!;
    // float32 storage of v/255 moves PSNR by far less than 1e-4 dB.
    expect(srMetrics(r!, t!, { channel: 'y', shave: 4 }).psnr).toBeCloseTo(expected.psnr, 4);
    batch.dispose();
  });
});

describe('metric building blocks', () => {
  it('Y is MATLAB rgb2ycbcr luma: black 16, white 235, pure colours their coefficients', () => {
    const image: MetricImage = { data: [0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1], width: 5, height: 1, channels: 3 };
    const y = Array.from(rgbToY(image).data);
    [16, 235, 16 + 65.481, 16 + 128.553, 16 + 24.966].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 10));
  });

  it('shaves the border on every side and refuses shaving the whole image', () => {
    const image: MetricImage = { data: Array.from({ length: 16 }, (_, i) => i), width: 4, height: 4, channels: 1 };
    expect(Array.from(shaveBorder(image, 1).data)).toEqual([5, 6, 9, 10]);
    expect(() => shaveBorder(image, 2)).toThrow(/Cannot shave 2 pixels/);
  });

  it('PSNR of a constant offset d is 20·log10(range/d); identical images give Infinity; SSIM of identical images is 1', () => {
    const a: MetricImage = { data: Array.from({ length: 16 * 16 }, (_, i) => (i * 37) % 200), width: 16, height: 16, channels: 1 };
    const b: MetricImage = { ...a, data: Array.from(a.data, (v) => v + 5) };
    expect(psnr(a, b, 255)).toBeCloseTo(20 * Math.log10(255 / 5), 10);
    expect(psnr(a, a, 255)).toBe(Infinity);
    expect(ssim(a, a, 255)).toBeCloseTo(1, 12);
    expect(() => ssim({ ...a, width: 8, height: 8, data: [] }, { ...a, width: 8, height: 8, data: [] }, 255)).toThrow(/at least 11×11/);
    expect(() => psnr(a, { ...a, width: 8 }, 255)).toThrow(/differ in size/);
  });
});
