import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { tensorToImage, writePng } from '../../src/engine/images.js';
import { useBackend } from '../helpers.js';

describe('report images', () => {
  it('tensor2im: the first (or the given) image of the batch, (x + 1) / 2 · 255 truncated; one channel stays one channel', async () => {
    await useBackend('cpu');
    const batch = tf.tensor4d([-1, 0, 0.999, 1, 9, 9, 9, 9], [2, 2, 2, 1]);
    expect(tensorToImage(batch)).toEqual({ data: Uint8Array.from([0, 127, 254, 255]), width: 2, height: 2, channels: 1 });
    const before = tf.memory().numTensors;
    expect(tensorToImage(batch, 1)).toEqual({ data: Uint8Array.from([255, 255, 255, 255]), width: 2, height: 2, channels: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(() => tensorToImage(batch, 2)).toThrow('tensorToImage: image 2 of a batch of 2.');
    batch.dispose();
  });

  it("--aspect_ratio resizes as the reference's save_image (PIL sizes are (width, height)), leaving images that already have the ratio", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aspect-'));
    const image = (width: number, height: number) => ({ data: new Uint8Array(width * height * 3).fill(90), width, height, channels: 3 });
    const size = async (name: string, width: number, height: number, ratio: number) => {
      await writePng(join(dir, name), image(width, height), ratio);
      const meta = await sharp(join(dir, name)).metadata();
      return [meta.width, meta.height];
    };
    // ar > 1: resize((h, int(w * ar))); ar < 1: resize((int(h / ar), w)).
    expect(await size('square_tall.png', 8, 8, 2)).toEqual([8, 16]);
    expect(await size('square_wide.png', 8, 8, 0.5)).toEqual([16, 8]);
    expect(await size('odd.png', 10, 6, 1.5)).toEqual([6, 15]);
    expect(await size('odd_small.png', 10, 6, 0.7)).toEqual([8, 10]);
    expect(await size('same.png', 10, 6, 1)).toEqual([10, 6]);
    // GauGAN's output already has width/height = --aspect_ratio (SPADE saves it as it is).
    expect(await size('wide.png', 16, 8, 2)).toEqual([16, 8]);
  });
});
