/**
 * PIL's 'F'-mode bicubic resize (clean-fid's clean resize) against Pillow 9.4 on a fixture channel
 * (fixtures/make_eval_fixtures.py → eval/pil_resize.npz): antialiased downscale, upscale, one axis only.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pilResizeBicubicFloat, readNpz } from '../../src/metrics/index.js';

const evalDir = (name: string) => fileURLToPath(new URL(`./fixtures/eval/${name}`, import.meta.url));
const expected = readNpz(new Uint8Array(readFileSync(evalDir('pil_resize.npz'))));

describe('PIL bicubic resize in float (clean-fid clean mode)', () => {
  it.each([
    ['down_37x29', 37, 29],
    ['up_83x61', 83, 61],
    ['wide_100x48', 100, 48],
  ])('%s equals Pillow within 1e-4', async (name, w, h) => {
    const { data, info } = await sharp(evalDir('real/0.png')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const green = Float32Array.from({ length: info.width * info.height }, (_, i) => data[i * 3 + 1]!);
    const ours = pilResizeBicubicFloat(green, info.width, info.height, w, h).map((v) => Math.min(255, Math.max(0, v)));
    const want = expected.get(name)!;
    expect(want.shape).toEqual([h, w]);
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - want.data[i]!));
    expect(worst).toBeLessThan(1e-4);
  });
});
