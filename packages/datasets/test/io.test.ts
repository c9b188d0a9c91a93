import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listImages } from '../src/image/discover.js';
import { FIXTURES, pixel, tempDir, writeBytes, writePng } from './helpers.js';
import { decodeImage, probeImage, normalizeImage, toChannels, resizeBicubic, ImageDecodeError } from '@translate/core';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

/** A 24-bit bottom-up BMP of 2x2 pixels: red, green / blue, white (top row first). */
function bmp24(): Uint8Array {
  const rowBytes = 8; // 2 px * 3 bytes, padded to 4
  const buf = new Uint8Array(54 + rowBytes * 2);
  const v = new DataView(buf.buffer);
  buf.set([0x42, 0x4d]);
  v.setUint32(2, buf.length, true);
  v.setUint32(10, 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, 2, true);
  v.setInt32(22, 2, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  // bottom row first: blue, white (BGR)
  buf.set([255, 0, 0, 255, 255, 255], 54);
  // top row: red, green
  buf.set([0, 0, 255, 0, 255, 0], 54 + rowBytes);
  return buf;
}

describe('decodeImage', () => {
  it('reads a real photo exactly as PIL does (colour profile ignored)', async () => {
    const img = await decodeImage(join(FIXTURES, 'chelsea_96x64.png'));
    expect([img.width, img.height, img.channels]).toEqual([96, 64, 3]);
    expect(img.data).toBeInstanceOf(Uint8Array);
  });

  it('converts RGB to L with PIL\'s luma formula, identical to PIL convert("L")', async () => {
    const rgb = await decodeImage(join(FIXTURES, 'chelsea_96x64.png'));
    const gray = toChannels(rgb, 1, 'flatten', 'x');
    const pil = await decodeImage(join(FIXTURES, 'chelsea_pil_L.png'));
    expect(gray.channels).toBe(1);
    expect(Buffer.from(gray.data).equals(Buffer.from(pil.data))).toBe(true);
  });

  it('decodes a 24-bit BMP (own decoder) top row first', async () => {
    const file = await writeBytes(join(dir, 'tiny.bmp'), bmp24());
    const img = await decodeImage(file);
    expect([img.width, img.height, img.channels]).toEqual([2, 2, 3]);
    expect(Array.from(img.data)).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
    expect((await probeImage(file)).format).toBe('bmp');
  });

  it('decodes binary PPM and 16-bit PGM', async () => {
    const ppm = await writeBytes(join(dir, 'a.ppm'), Buffer.concat([Buffer.from('P6\n# c\n2 1\n255\n'), Buffer.from([1, 2, 3, 4, 5, 6])]));
    expect(Array.from((await decodeImage(ppm)).data)).toEqual([1, 2, 3, 4, 5, 6]);
    const pgm = await writeBytes(join(dir, 'b.pgm'), Buffer.concat([Buffer.from('P5 2 1 65535\n'), Buffer.from([0x12, 0x34, 0xff, 0xff])]));
    const g = await decodeImage(pgm);
    expect(g.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(g.data)).toEqual([0x1234, 0xffff]);
  });

  it('keeps 16-bit PNG precision and normalises by 65535', async () => {
    const file = await writePng(join(dir, 'g16.png'), {
      data: Uint16Array.from([0, 1000, 32768, 65535]),
      width: 2,
      height: 2,
      channels: 1,
    });
    expect((await probeImage(file)).bitDepth).toBe(16);
    const img = await decodeImage(file);
    expect(Array.from(img.data)).toEqual([0, 1000, 32768, 65535]);
    const n = normalizeImage(img);
    expect(n.data[0]).toBe(-1);
    expect(n.data[3]).toBe(1);
    expect(n.data[1]).toBeCloseTo((1000 / 65535) * 2 - 1, 6);
  });

  it('flattens RGBA on white, drops alpha like the reference, or refuses it', async () => {
    const file = await writePng(join(dir, 'rgba.png'), {
      data: Uint8Array.from([200, 100, 0, 0, 200, 100, 0, 255]),
      width: 2,
      height: 1,
      channels: 4,
    });
    const img = await decodeImage(file);
    expect(img.channels).toBe(4);
    expect(pixel(toChannels(img, 3, 'flatten', file), 0, 0)).toEqual([255, 255, 255]);
    expect(pixel(toChannels(img, 3, 'flatten', file), 1, 0)).toEqual([200, 100, 0]);
    expect(pixel(toChannels(img, 3, 'drop', file), 0, 0)).toEqual([200, 100, 0]);
    expect(() => toChannels(img, 3, 'error', file)).toThrow(/rgba.png has an alpha \(transparency\) channel. Pass --alpha_mode flatten/);
  });

  it('expands a grayscale image for an RGB model by copying the channel', async () => {
    const file = await writePng(join(dir, 'gray.png'), { data: Uint8Array.from([7, 9]), width: 2, height: 1, channels: 1 });
    expect(Array.from(toChannels(await decodeImage(file), 3, 'flatten', file).data)).toEqual([7, 7, 7, 9, 9, 9]);
  });

  it('reports a truncated JPEG by path, without a sharp stack', async () => {
    const whole = await readFile(join(FIXTURES, 'chelsea_96x64.jpg'));
    const file = await writeBytes(join(dir, 'cut.jpg'), whole.subarray(0, Math.floor(whole.length / 2)));
    const err = await decodeImage(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageDecodeError);
    expect((err as ImageDecodeError).file).toBe(file);
    expect((err as Error).message).toMatch(new RegExp(`^Cannot read image ${file}: the file is corrupt or truncated`));
    expect((err as ImageDecodeError).usage).toBe(true);
  });

  it('reports a non-image and a missing file by path', async () => {
    const file = await writeBytes(join(dir, 'text.png'), 'hello');
    await expect(decodeImage(file)).rejects.toThrow(`Cannot read image ${file}: the content is not a supported image`);
    await expect(probeImage(join(dir, 'nope.png'))).rejects.toThrow('the file does not exist');
  });
});

describe('resizeBicubic vs PIL bicubic on a real photo', () => {
  const cases: [string, number, number, number, number][] = [
    // file, w, h, max allowed abs diff, mean allowed
    ['chelsea_pil_bicubic_120x80.png', 120, 80, 12, 0.3],
    ['chelsea_pil_bicubic_48x32.png', 48, 32, 6, 0.4],
    ['chelsea_pil_bicubic_60x90.png', 60, 90, 12, 0.4],
  ];
  for (const [name, w, h, maxAllowed, meanAllowed] of cases) {
    it(`96x64 → ${w}x${h} is within ${maxAllowed} (max) / ${meanAllowed} (mean) of PIL`, async () => {
      const src = await decodeImage(join(FIXTURES, 'chelsea_96x64.png'));
      const ours = await resizeBicubic(src, w, h);
      const pil = await decodeImage(join(FIXTURES, name));
      expect([ours.width, ours.height, ours.channels]).toEqual([w, h, 3]);
      let max = 0;
      let sum = 0;
      for (let i = 0; i < ours.data.length; i++) {
        const d = Math.abs(ours.data[i]! - pil.data[i]!);
        max = Math.max(max, d);
        sum += d;
      }
      expect(max).toBeLessThanOrEqual(maxAllowed);
      expect(sum / ours.data.length).toBeLessThan(meanAllowed);
    });
  }

  it('keeps 16-bit data 16-bit and one channel one channel', async () => {
    const out = await resizeBicubic({ data: new Uint16Array(16).fill(40000), width: 4, height: 4, channels: 1 }, 6, 3);
    expect(out.data).toBeInstanceOf(Uint16Array);
    expect([out.width, out.height, out.channels]).toEqual([6, 3, 1]);
    // libvips' 16-bit reduce carries a small fixed-point error (≤ 0.1%).
    expect(Array.from(out.data).every((v) => Math.abs(v - 40000) <= 40)).toBe(true);
  });
});

describe('listImages', () => {
  it('walks folders recursively in sorted order, any extension case, truncated to max_dataset_size', async () => {
    const root = join(dir, 'walk');
    for (const f of ['b.png', 'a.JPG', 'sub/c.webp', 'sub/deep/d.tiff', 'notes.txt', 'a_x/e.bmp']) await writeBytes(join(root, f), 'x');
    const warnings: string[] = [];
    const warn = (m: string) => void warnings.push(m);
    expect(await listImages(root, { warn })).toEqual(
      ['a.JPG', 'b.png', 'a_x/e.bmp', 'sub/c.webp', 'sub/deep/d.tiff'].map((f) => join(root, f)),
    );
    expect(await listImages(root, { maxDatasetSize: 2, warn })).toHaveLength(2);
    expect(warnings).toEqual([]);
  });

  it('skips GIF and SVG files as the reference does, and says so once: a count and the first names of each kind', async () => {
    const root = join(dir, 'kinds');
    for (const f of ['a.png', 'b.gif', 'sub/c.GIF', 'd.gif', 'e.gif', 'logo.svg', 'notes.txt']) await writeBytes(join(root, f), 'x');
    const warnings: string[] = [];
    expect(await listImages(root, { warn: (m) => void warnings.push(m) })).toEqual([join(root, 'a.png')]);
    expect(warnings).toEqual([
      `Skipped 5 image file(s) in ${root} that are not read, as the reference skips them: 4 GIF (b.gif, d.gif, e.gif, ...); 1 SVG (logo.svg). ` +
        'Convert them to PNG or JPEG to use them (readable kinds: .jpg .jpeg .png .ppm .bmp .tif .tiff .webp).',
    ]);
  });

  it('names a missing folder and hints at --dataroot/--phase', async () => {
    await expect(listImages(join(dir, 'missing'), { warn: () => undefined })).rejects.toThrow(
      `The folder ${join(dir, 'missing')} does not exist. Check --dataroot and --phase.`,
    );
  });
});

describe('fixtures', () => {
  it('the JPEG fixture decodes to the same size as its PNG', async () => {
    const meta = await sharp(join(FIXTURES, 'chelsea_96x64.jpg')).metadata();
    expect([meta.width, meta.height]).toEqual([96, 64]);
    await copyFile(join(FIXTURES, 'chelsea_96x64.jpg'), join(dir, 'copy.jpg'));
  });
});
