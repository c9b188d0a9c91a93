import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { tensorToImage, writePng } from '../../src/engine/images.js';
import { useBackend } from '../helpers.js';

describe('report images', () => {
  it("tensor2im: the first (or the given) image of the batch, (x + 1) / 2 · 255 truncated; one channel stays one channel", async () => {
    await useBackend('cpu');
    const batch = tf.tensor4d([-1, 0, 0.999, 1, 9, 9, 9, 9], [2, 2, 2, 1]);
    expect(tensorToImage(batch)).toEqual({ data: Uint8Array.from([0, 127, 254, 255]), width: 2, height: 2, channels: 1 });
    const before = tf.memory().numTensors;
    expect(tensorToImage(batch, 1)).toEqual({ data: Uint8Array.from([255, 255, 255, 255]), width: 2, height: 2, channels: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(() => tensorToImage(batch, 2)).toThrow('tensorToImage: image 2 of a batch of 2.');
    batch.dispose();
  });

  it('--aspect_ratio stretches square images but leaves images that already have the ratio', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aspect-'));
    const image = (width: number, height: number) => ({ data: new Uint8Array(width * height * 3).fill(90), width, height, channels: 3 });
    await writePng(join(dir, 'square.png'), image(8, 8), 2);
    await writePng(join(dir, 'wide.png'), image(16, 8), 2);
    await writePng(join(dir, 'tall.png'), image(8, 8), 0.5);
    const size = async (f: string) => {
      const { width, height } = await sharp(join(dir, f)).metadata();
      return [width, height];
    };
    expect(await size('square.png')).toEqual([16, 8]);
    expect(await size('wide.png')).toEqual([16, 8]);
    expect(await size('tall.png')).toEqual([8, 16]);
  });
});
