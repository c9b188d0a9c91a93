/** Tiled inference with linear blending: tile placement, partition of unity, and exactness for local operators. */
import { describe, expect, it } from 'vitest';
import type { FloatImage } from '../src/pixels.js';
import { axisWeight, runTiled, tileStarts } from '../src/tiling.js';

/** A 3×3 box blur with edge clamping (receptive radius 1), optionally ×2 nearest upscaled after. */
async function blur(img: FloatImage, scale = 1): Promise<FloatImage> {
  const { width: w, height: h } = img;
  const data = new Float32Array(w * scale * h * scale);
  for (let y = 0; y < h * scale; y++)
    for (let x = 0; x < w * scale; x++) {
      let sum = 0;
      const [cy, cx] = [Math.floor(y / scale), Math.floor(x / scale)];
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++)
          sum += img.data[Math.min(h - 1, Math.max(0, cy + dy)) * w + Math.min(w - 1, Math.max(0, cx + dx))]!;
      data[y * w * scale + x] = sum / 9;
    }
  return { data, width: w * scale, height: h * scale, channels: 1 };
}

const ramp = (width: number, height: number): FloatImage => ({
  data: Float32Array.from({ length: width * height }, (_, i) => Math.sin(i * 0.37) + (i % width) / width),
  width,
  height,
  channels: 1,
});

describe('tileStarts', () => {
  it('spreads tiles evenly, first at 0 and last flush with the end', () => {
    expect(tileStarts(2000, 256, 64)).toEqual([0, 174, 349, 523, 698, 872, 1046, 1221, 1395, 1570, 1744]);
    expect(tileStarts(1500, 256, 64)).toEqual([0, 178, 355, 533, 711, 889, 1066, 1244]);
    expect(tileStarts(640, 256, 64)).toEqual([0, 192, 384]);
    expect(tileStarts(200, 256, 64)).toEqual([0]);
  });
});

describe('axisWeight', () => {
  it('is 0 up to overlap/4 from an inner edge, rises linearly to 1 at 3·overlap/4, and ignores image borders', () => {
    // Tile at 192 of 256 in a 640 image, overlap 64: inner edges at 192 and 448.
    expect([192, 207, 208, 224, 239.5, 240, 300].map((x) => axisWeight(x, 192, 256, 640, 64))).toEqual([0, 0, 0.015625, 0.515625, 1, 1, 1]);
    expect(axisWeight(0, 0, 256, 640, 64)).toBe(1);
    expect(axisWeight(639, 384, 256, 640, 64)).toBe(1);
  });

  it('sums to 1 over neighbouring tiles across their overlap', () => {
    for (let x = 192; x < 256; x++) expect(axisWeight(x, 0, 256, 640, 64) + axisWeight(x, 192, 256, 640, 64)).toBeCloseTo(1, 12);
  });
});

describe('runTiled', () => {
  it('equals the untiled result for an operator whose radius is within overlap/4, and reports every tile', async () => {
    const input = ramp(50, 37);
    const whole = await blur(input);
    const progress: string[] = [];
    const tiled = await runTiled((t) => blur(t), input, {
      tile: 16,
      overlap: 8,
      scale: 1,
      onProgress: (d, n) => progress.push(`${d}/${n}`),
    });
    expect(progress).toHaveLength(6 * 4);
    expect(progress.at(-1)).toBe('24/24');
    let max = 0;
    for (let i = 0; i < whole.data.length; i++) max = Math.max(max, Math.abs(whole.data[i]! - tiled.data[i]!));
    expect(max).toBeLessThan(1e-6);
  });

  it('blends ×2 outputs at output resolution, equal to untiled', async () => {
    const input = ramp(40, 30);
    const whole = await blur(input, 2);
    const tiled = await runTiled((t) => blur(t, 2), input, { tile: 16, overlap: 8, scale: 2 });
    expect([tiled.width, tiled.height]).toEqual([80, 60]);
    let max = 0;
    for (let i = 0; i < whole.data.length; i++) max = Math.max(max, Math.abs(whole.data[i]! - tiled.data[i]!));
    expect(max).toBeLessThan(1e-6);
  });
});
