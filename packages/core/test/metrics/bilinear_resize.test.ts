/**
 * pytorch-fid's resize (`F.interpolate(..., mode='bilinear', align_corners=False)`, no antialias) as
 * tfjs's half-pixel-centre bilinear, against torch on a formula pattern, downscaling and upscaling
 * (fixtures/make_eval_fixtures.py → eval/bilinear_resize.npz).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { readNpz } from '../../src/metrics/index.js';
import { useBackend } from '../helpers.js';

const expected = readNpz(new Uint8Array(readFileSync(fileURLToPath(new URL('./fixtures/eval/bilinear_resize.npz', import.meta.url)))));

/** v[c, y, x] = sin(0.3 y + c) + cos(0.21 x (c + 1)) as NHWC float32, the fixture script's pattern. */
function pattern(w: number, h: number): tf.Tensor4D {
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = Math.sin(0.3 * y + c) + Math.cos(0.21 * x * (c + 1));
  return tf.tensor4d(data, [1, h, w, 3]);
}

describe('bilinear resize (pytorch-fid protocol)', () => {
  beforeAll(() => useBackend('wasm'));

  it.each([
    [97, 61, 41, 23],
    [13, 11, 29, 31],
  ])('%i×%i → %i×%i equals torch within 1e-5', (w, h, ow, oh) => {
    const ours = tf.tidy(() => tf.image.resizeBilinear(pattern(w, h), [oh, ow], false, true).dataSync() as Float32Array);
    const want = expected.get(`${w}x${h}_to_${ow}x${oh}`)!;
    expect(want.shape).toEqual([oh, ow, 3]);
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - want.data[i]!));
    expect(worst).toBeLessThan(1e-5);
  });
});
