import { readdir, readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDataset, formatCheckReport } from '../src/check.js';
import { createDataset } from '../src/dataset.js';
import { MAKE_KINDS, type MakeKindOptions } from '../src/make/index.js';
import { cannyEdges, sobelEdges } from '../src/make/edges.js';
import { FIXTURES, coordImage, pixel, tempDir, writeBytes, writePng } from './helpers.js';
import { decodeImage, probeImage } from '@translate/core';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());
const quiet = { warn: () => undefined };
const base = (output: string): MakeKindOptions => ({
  inputs: [`${FIXTURES}/chelsea_96x64.png`, `${FIXTURES}/chelsea_96x64.jpg`],
  output,
  size: 32,
  count: 3,
  testFraction: 0.34,
  seed: 5,
  format: 'png',
  edges: 'sobel',
  classes: 8,
});

describe('edge detectors', () => {
  it('Sobel and Canny draw dark lines on white only at a step', () => {
    const step = { data: new Uint8Array(100).map((_, i) => (i % 10 < 5 ? 0 : 200)), width: 10, height: 10, channels: 1 };
    const s = sobelEdges(step, 0.5);
    expect(pixel(s, 1, 5)).toEqual([255]);
    expect(pixel(s, 4, 5)[0]).toBeLessThan(100);
    const c = cannyEdges(step);
    expect(Array.from({ length: 10 }, (_, x) => pixel(c, x, 5)[0]).filter((v) => v === 0).length).toBeGreaterThanOrEqual(1);
    expect(pixel(c, 1, 5)).toEqual([255]);
  });
});

describe('translate datasets make', () => {
  it('edges2photo writes even-width A|B images that the aligned mode reads', async () => {
    const out = join(dir, 'e2p');
    const counts = await MAKE_KINDS.edges2photo!.build(base(out));
    expect(counts.train! + counts.test!).toBe(6);
    const first = join(out, 'train', (await readdir(join(out, 'train'))).sort()[0]!);
    const info = await probeImage(first);
    expect([info.width, info.height, info.channels]).toEqual([64, 32, 3]);
    const ds = await createDataset({ dataset_mode: 'aligned', dataroot: out, load_size: 32, crop_size: 32 }, quiet);
    expect(ds.length).toBe(counts.train);
  });

  it('photo2gray writes colour A and one-channel B folders', async () => {
    const out = join(dir, 'p2g');
    const counts = await MAKE_KINDS.photo2gray!.build(base(out));
    expect(counts.trainA! + counts.testA!).toBe(6);
    const b = join(out, 'trainB', (await readdir(join(out, 'trainB')))[0]!);
    expect((await probeImage(b)).channels).toBe(1);
  });

  it('mosaic writes label ids < label_nc, instance maps and textured photos that the segmentation mode reads', async () => {
    const out = join(dir, 'mosaic');
    const counts = await MAKE_KINDS.mosaic!.build(base(out));
    expect(counts.label_nc).toBe(2);
    expect(await readFile(join(out, 'classes.txt'), 'utf8')).toBe('0 chelsea_96x64\n1 chelsea_96x64-2\n');
    const ds = await createDataset({ dataset_mode: 'segmentation', dataroot: out, label_nc: 2, load_size: 32, crop_size: 32 }, quiet);
    const label = await decodeImage(join(out, 'train_label', (await readdir(join(out, 'train_label')))[0]!));
    expect(Math.max(...label.data)).toBeLessThan(2);
    expect(ds.length).toBe(counts.train);
  });

  it('sr writes native-scale crops, skipping photos smaller than --size', async () => {
    const out = join(dir, 'sr');
    const logs: string[] = [];
    const counts = await MAKE_KINDS.sr!.build({ ...base(out), size: 48, log: (m) => logs.push(m) });
    expect(counts.train! + counts.val!).toBe(6);
    const big = await MAKE_KINDS.sr!.build({ ...base(join(dir, 'sr2')), size: 80, log: (m) => logs.push(m) });
    expect(big.train! + big.val!).toBe(0);
    expect(logs[0]).toBe('Skipping chelsea_96x64: 96x64 is smaller than --size 80.');
  });
});

describe('translate datasets check', () => {
  it('reports counts, sizes, modes, notes and the batch shape of a good dataset', async () => {
    const root = join(dir, 'checkme');
    await writePng(join(root, 'trainA', 'a.png'), coordImage(40, 40));
    await writePng(join(root, 'trainB', 'b.png'), { data: new Uint8Array(40 * 40), width: 40, height: 40, channels: 1 });
    const r = await checkDataset({ dataset_mode: 'unaligned', dataroot: root, load_size: 36, crop_size: 32, batch_size: 4 });
    expect(r.ok).toBe(true);
    expect(r.sources.map((s) => [s.role, s.count, s.sizes, s.modes])).toEqual([
      ['A', 1, [['40x40', 1]], [['RGB 8-bit', 1]]],
      ['B', 1, [['40x40', 1]], [['gray 8-bit', 1]]],
    ]);
    expect(r.sample).toEqual([
      'A: 32x32x3 float32 in [-1, 1] → batch tensor [4, 32, 32, 3]',
      'B: 32x32x3 float32 in [-1, 1] → batch tensor [4, 32, 32, 3]',
    ]);
    expect(r.notes).toContain(
      'B files are grayscale; they are copied to 3 channels for an RGB model (or pass --input_nc 1 / --output_nc 1).',
    );
    expect(formatCheckReport(r)).toContain('dataset_mode unaligned: OK');
  });

  it('lists a truncated file and an unusable layout as problems', async () => {
    const root = join(dir, 'broken');
    await writePng(join(root, 'train', 'ok.png'), coordImage(64, 32));
    const jpg = await readFile(join(FIXTURES, 'chelsea_96x64.jpg'));
    await writeBytes(join(root, 'train', 'cut.jpg'), jpg.subarray(0, 1200));
    const r = await checkDataset({ dataset_mode: 'aligned', dataroot: root, load_size: 32, crop_size: 32 });
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      expect.stringContaining(`Cannot read image ${join(root, 'train', 'cut.jpg')}: the file is corrupt or truncated`),
    ]);
    const empty = await checkDataset({ dataset_mode: 'aligned', dataroot: join(dir, 'nothing') });
    expect(empty.problems[0]).toContain('does not exist');
  });

  it('notes skipped GIF/SVG files and EXIF-rotated images, once each, and stays OK', async () => {
    const root = join(dir, 'ignored');
    await writePng(join(root, 'trainA', 'a.png'), coordImage(40, 40));
    const rotated = (file: string, orientation: number) =>
      sharp({ create: { width: 40, height: 30, channels: 3, background: '#808080' } })
        .jpeg()
        .withMetadata({ orientation })
        .toFile(join(root, 'trainA', file));
    await rotated('r6.jpg', 6);
    await rotated('r8.jpg', 8);
    await rotated('upright.jpg', 1);
    await writeBytes(join(root, 'trainA', 'anim.gif'), 'GIF89a');
    await writeBytes(join(root, 'trainA', 'logo.svg'), '<svg/>');
    await writePng(join(root, 'trainB', 'b.png'), coordImage(40, 40));
    const r = await checkDataset({ dataset_mode: 'unaligned', dataroot: root, load_size: 36, crop_size: 32 });
    expect(r.ok).toBe(true);
    expect(r.sources[0]!.count).toBe(4);
    const a = join(root, 'trainA');
    expect(r.notes.filter((n) => /Skipped|EXIF/.test(n))).toEqual([
      `Skipped 2 image file(s) in ${a} that are not read, as the reference skips them: 1 GIF (anim.gif); 1 SVG (logo.svg). ` +
        'Convert them to PNG or JPEG to use them (readable kinds: .jpg .jpeg .png .ppm .bmp .tif .tiff .webp).',
      `2 image(s) have an EXIF orientation other than 1 and are read as stored, not rotated: ${join(a, 'r6.jpg')} (orientation 6), ${join(a, 'r8.jpg')} (orientation 8). ` +
        'The reference ignores EXIF orientation too; rotate them to be sure.',
    ]);
    expect(formatCheckReport(r)).toContain('  notes:\n');
  });
});
