import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDataset } from '../src/check.js';
import { createDataset } from '../src/dataset.js';
import { combineAB, type CombineOptions } from '../src/pairs/combine.js';
import { makeAligned } from '../src/pairs/make_aligned.js';
import { deriveRng } from '../src/rng.js';
import { coordImage, tempDir, to8, writeBytes, writePng } from './helpers.js';
import { decodeImage, cropImage, sideBySide, type RawImage } from '@translate/core';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

const W = 12;
const H = 8;
/** A W×H RGB image whose pixels encode their coordinates and `fill`, so every image of a test differs. */
const rgb = (fill: number, w = W, h = H) => coordImage(w, h, fill);
const gray = (): RawImage => ({ data: Uint8Array.from({ length: W * H }, (_, i) => 40 + i), width: W, height: H, channels: 1 });
const rgba = (): RawImage => ({
  data: Uint8Array.from({ length: W * H * 4 }, (_, i) => (i % 4 === 3 ? 30 : (i * 7) % 256)),
  width: W,
  height: H,
  channels: 4,
});

async function writeJpeg(file: string, img: RawImage): Promise<void> {
  const bytes = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels as 3 } })
    .jpeg({ quality: 100 })
    .toBuffer();
  await writeBytes(file, bytes);
}

/** What a JPEG of `img` at `quality` decodes to. */
async function jpegRoundTrip(img: RawImage, quality: number): Promise<Uint8Array> {
  const bytes = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels as 3 } })
    .jpeg({ quality })
    .toBuffer();
  return new Uint8Array(await sharp(bytes).raw().toBuffer());
}

const options = (root: string, extra: Partial<CombineOptions> = {}): CombineOptions => ({
  foldA: join(root, 'A'),
  foldB: join(root, 'B'),
  foldAB: join(root, 'AB'),
  numImgs: 1000000,
  useAB: false,
  concurrency: 4,
  ...extra,
});

/** fold_A/{train,test,val}, fold_B/{train,test}: a.png (RGB|RGB), b.png (gray|RGBA), c.png (no B), d.jpg in test, val only in A. */
async function makeFolds(root: string): Promise<void> {
  await writePng(join(root, 'A/train/a.png'), rgb(10));
  await writePng(join(root, 'B/train/a.png'), rgb(200));
  await writePng(join(root, 'A/train/b.png'), gray());
  await writePng(join(root, 'B/train/b.png'), rgba());
  await writePng(join(root, 'A/train/c.png'), rgb(20));
  await writeBytes(join(root, 'A/train/notes.txt'), 'not an image');
  await writeJpeg(join(root, 'A/test/d.jpg'), rgb(30));
  await writeJpeg(join(root, 'B/test/d.jpg'), rgb(90));
  await writePng(join(root, 'A/val/e.png'), rgb(40));
}

describe('combineAB (datasets/combine_A_and_B.py)', () => {
  it('writes A|B images of the same name per split, skipping missing B files and splits only in fold_A', async () => {
    const root = join(dir, 'combine');
    await makeFolds(root);
    const logs: string[] = [];
    const result = await combineAB({ ...options(root), log: (m) => logs.push(m) });
    expect(result).toEqual([
      { split: 'test', found: 1, written: 1, missingB: [] },
      { split: 'train', found: 3, written: 2, missingB: [join(root, 'B/train/c.png')] },
    ]);
    expect(logs).toEqual([`Skipping split 'val': ${join(root, 'B/val')} does not exist.`]);
    expect(await readdir(join(root, 'AB'))).toEqual(['test', 'train']);
    expect((await readdir(join(root, 'AB/train'))).sort()).toEqual(['a.png', 'b.png']);

    const ab = await decodeImage(join(root, 'AB/train/a.png'));
    expect([ab.width, ab.height, ab.channels]).toEqual([2 * W, H, 3]);
    expect(cropImage(ab, 0, 0, W, H).data).toEqual(rgb(10).data);
    expect(cropImage(ab, W, 0, W, H).data).toEqual(rgb(200).data);

    // Gray is copied to three channels, alpha dropped: the colours of both files are kept exactly.
    const mixed = await decodeImage(join(root, 'AB/train/b.png'));
    expect(mixed.channels).toBe(3);
    expect(Array.from(cropImage(mixed, 0, 0, W, H).data.subarray(0, 6))).toEqual([40, 40, 40, 41, 41, 41]);
    expect(Array.from(cropImage(mixed, W, 0, W, H).data.subarray(0, 6))).toEqual([0, 7, 14, 28, 35, 42]);
  });

  it('writes JPEG at quality 95, as cv2.imwrite', async () => {
    const root = join(dir, 'combine');
    const pair = sideBySide(await decodeImage(join(root, 'A/test/d.jpg')), await decodeImage(join(root, 'B/test/d.jpg')));
    const written = (await decodeImage(join(root, 'AB/test/d.jpg'))).data;
    expect(written).toEqual(await jpegRoundTrip(pair, 95));
    expect(written).not.toEqual(await jpegRoundTrip(pair, 90));
  });

  it('--num_imgs takes the first A images in name order, those without B included', async () => {
    const root = join(dir, 'num');
    await makeFolds(root);
    const result = await combineAB({ ...options(root), numImgs: 1, log: () => undefined });
    expect(result.map((s) => [s.split, s.found, s.written])).toEqual([
      ['test', 1, 1],
      ['train', 3, 1],
    ]);
    expect(await readdir(join(root, 'AB/train'))).toEqual(['a.png']);
    await expect(combineAB({ ...options(root), numImgs: 0 })).rejects.toThrow('--num_imgs must be at least 1, got 0.');
  });

  it('--use_AB pairs x_A.ext with x_B.ext into x.ext and ignores other A files', async () => {
    const root = join(dir, 'useab');
    await writePng(join(root, 'A/train/1_A.png'), rgb(1));
    await writePng(join(root, 'B/train/1_B.png'), rgb(2));
    await writePng(join(root, 'A/train/2_A.png'), rgb(3));
    await writePng(join(root, 'B/train/2_B.png'), rgb(4));
    await writePng(join(root, 'A/train/plain.png'), rgb(5));
    await writePng(join(root, 'B/train/plain.png'), rgb(6));
    const result = await combineAB({ ...options(root), useAB: true, concurrency: 1 });
    expect(result).toEqual([{ split: 'train', found: 2, written: 2, missingB: [] }]);
    expect((await readdir(join(root, 'AB/train'))).sort()).toEqual(['1.png', '2.png']);
    const two = await decodeImage(join(root, 'AB/train/2.png'));
    expect(cropImage(two, W, 0, W, H).data).toEqual(rgb(4).data);
  });

  it('refuses missing folders, a fold_A without splits and folds without a common split', async () => {
    const root = join(dir, 'errors');
    await writePng(join(root, 'A/train/a.png'), rgb(1));
    await writeBytes(join(root, 'file'), 'x');
    await expect(combineAB({ ...options(root), foldA: join(root, 'nope') })).rejects.toThrow(
      `--fold_A ${join(root, 'nope')} does not exist. It must hold one subfolder per split`,
    );
    await expect(combineAB({ ...options(root), foldB: join(root, 'file') })).rejects.toThrow(
      `--fold_B ${join(root, 'file')} is a file, not a folder.`,
    );
    await expect(combineAB({ ...options(root), foldA: join(root, 'A/train'), foldB: join(root, 'A') })).rejects.toThrow(
      `--fold_A ${join(root, 'A/train')} has no subfolders.`,
    );
    await writePng(join(root, 'B/test/a.png'), rgb(2));
    await expect(combineAB({ ...options(root), log: () => undefined })).rejects.toThrow(
      `No split folder of --fold_A ${join(root, 'A')} (train) is in --fold_B ${join(root, 'B')}.`,
    );
  });

  it('refuses pairs of different sizes, listing each, before writing anything', async () => {
    const root = join(dir, 'sizes');
    await writePng(join(root, 'A/train/a.png'), rgb(1));
    await writePng(join(root, 'B/train/a.png'), rgb(2));
    await writePng(join(root, 'A/train/b.png'), rgb(3));
    await writePng(join(root, 'B/train/b.png'), rgb(4, W + 2, H));
    const err = combineAB(options(root));
    await expect(err).rejects.toThrow(
      `1 pair(s) of A and B images differ in size:\n  ${join(root, 'A/train/b.png')} (12x8) and ${join(root, 'B/train/b.png')} (14x8)\n` +
        'An A|B image holds A in its left half and B in its right half, so A and B must have the same size. Resize one image of each pair (or remove the pair) and run combine again.',
    );
    expect(existsSync(join(root, 'AB'))).toBe(false);
  });

  it('the aligned mode splits each combined image back into exactly the A and B pixels', async () => {
    const root = join(dir, 'combine');
    const dataroot = join(root, 'AB');
    const report = await checkDataset({ dataset_mode: 'aligned', dataroot, preprocess: 'none', no_flip: true });
    expect(report.ok).toBe(true);
    expect(report.length).toBe(2);
    const ds = await createDataset({ dataset_mode: 'aligned', dataroot, preprocess: 'none', no_flip: true }, { warn: () => undefined });
    const sample = await ds.get(0, deriveRng(0));
    expect(sample.A_paths).toBe(join(dataroot, 'train/a.png'));
    const A = sample.A as { data: Float32Array };
    const B = sample.B as { data: Float32Array };
    expect(Uint8Array.from(A.data, to8)).toEqual(rgb(10).data);
    expect(Uint8Array.from(B.data, to8)).toEqual(rgb(200).data);
  });
});

describe('makeAligned (datasets/make_dataset_aligned.py)', () => {
  it('pairs the i-th .png/.jpg of <split>A with the i-th of <split>B into <output>/<split>/0000.jpg at JPEG quality 75', async () => {
    const root = join(dir, 'aligned');
    await writePng(join(root, 'trainA/x.png'), rgb(1));
    await writePng(join(root, 'trainA/y.png'), rgb(2));
    await writePng(join(root, 'trainA/sub/z.png'), rgb(3));
    await writeBytes(join(root, 'trainA/notes.txt'), 'x');
    await writePng(join(root, 'trainB/p.png'), rgb(4));
    await writeJpeg(join(root, 'trainB/q.jpg'), rgb(5));
    await writePng(join(root, 'testA/t.png'), rgb(6));
    await writePng(join(root, 'testB/u.png'), gray());
    const out = join(dir, 'aligned_out');
    const counts = await makeAligned({ datasetPath: root, output: out, concurrency: 2 });
    expect(counts).toEqual({ test: 1, train: 2 });
    expect(await readdir(join(out, 'train'))).toEqual(['0000.jpg', '0001.jpg']);
    expect(await readdir(join(out, 'test'))).toEqual(['0000.jpg']);
    const second = await decodeImage(join(out, 'train/0001.jpg'));
    expect([second.width, second.height, second.channels]).toEqual([2 * W, H, 3]);
    const expected = sideBySide(rgb(2), await decodeImage(join(root, 'trainB/q.jpg')));
    expect(second.data).toEqual(await jpegRoundTrip(expected, 75));
    expect(second.data).not.toEqual(await jpegRoundTrip(expected, 95));
  });

  it('skips a split with neither folder, and refuses a lone folder, unequal counts, size mismatches and no splits', async () => {
    const root = join(dir, 'aligned_bad');
    await writePng(join(root, 'trainA/x.png'), rgb(1));
    await writePng(join(root, 'trainB/x.png'), rgb(2));
    const logs: string[] = [];
    expect(await makeAligned({ datasetPath: root, output: root, concurrency: 1, log: (m) => logs.push(m) })).toEqual({ train: 1 });
    expect(logs).toEqual([`Skipping split 'test': ${root} has neither testA/ nor testB/.`]);
    expect(existsSync(join(root, 'train/0000.jpg'))).toBe(true);

    await writePng(join(root, 'testA/x.png'), rgb(1));
    await expect(makeAligned({ datasetPath: root, output: root, concurrency: 1 })).rejects.toThrow(
      `${join(root, 'testA')} exists but ${join(root, 'testB')} does not. It must hold testA/ and testB/, trainA/ and trainB/`,
    );
    await writePng(join(root, 'testB/x.png'), rgb(2));
    await writePng(join(root, 'testB/y.png'), rgb(2));
    await expect(makeAligned({ datasetPath: root, output: root, concurrency: 1 })).rejects.toThrow(
      `${join(root, 'testA')} has 1 .png/.jpg images but ${join(root, 'testB')} has 2.`,
    );
    await writePng(join(root, 'testA/y.png'), rgb(3, W, H + 1));
    await expect(makeAligned({ datasetPath: root, output: join(dir, 'never'), concurrency: 1 })).rejects.toThrow(
      `${join(root, 'testA/y.png')} (12x9) and ${join(root, 'testB/y.png')} (12x8)`,
    );
    expect(existsSync(join(dir, 'never'))).toBe(false);
    await expect(makeAligned({ datasetPath: join(root, 'trainA'), output: root, concurrency: 1, log: () => undefined })).rejects.toThrow(
      `--dataset-path ${join(root, 'trainA')} has no split folders.`,
    );
    await expect(makeAligned({ datasetPath: join(root, 'nope'), output: root, concurrency: 1 })).rejects.toThrow(
      `--dataset-path ${join(root, 'nope')} does not exist.`,
    );
  });
});
