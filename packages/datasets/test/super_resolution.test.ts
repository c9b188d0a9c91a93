import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset } from '../src/dataset.js';
import { createLoader } from '../src/loader.js';
import { FIXTURES, coordImage, pixel, scriptedRng, tempDir, to8, writePng } from './helpers.js';
import {
  decodeImage,
  disposeBatch,
  resizeBicubic,
  normalizeImage,
  cropImage,
  flipHorizontal,
  transposeImage,
  type tf,
} from '@translate/core';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());
const quiet = { warn: () => undefined };

describe('super_resolution mode', () => {
  it('train: random crop of crop − crop mod scale, LR = bicubic ÷ scale of the same crop', async () => {
    const root = join(dir, 'sr');
    const photo = await decodeImage(join(FIXTURES, 'chelsea_96x64.png'));
    await writePng(join(root, 'train', 'c.png'), photo);
    const ds = await createDataset({ dataset_mode: 'super_resolution', dataroot: root, crop_size: 50, scale: 4, no_flip: true }, quiet);
    const s = await ds.get(0, scriptedRng([20, 7]));
    expect([s.B!.width, s.B!.height, s.A!.width, s.A!.height]).toEqual([48, 48, 12, 12]);
    const hr = cropImage(photo, 20, 7, 48, 48);
    expect(s.B!.data).toEqual(normalizeImage(hr).data);
    expect(s.A!.data).toEqual(normalizeImage(await resizeBicubic(hr, 12, 12)).data);
  });

  it('train augmentation: the same flips and transpose on HR and LR (draws: h-flip, v-flip, transpose)', async () => {
    const root = join(dir, 'sraug');
    const photo = await decodeImage(join(FIXTURES, 'chelsea_96x64.png'));
    await writePng(join(root, 'train', 'c.png'), photo);
    const ds = await createDataset({ dataset_mode: 'super_resolution', dataroot: root, crop_size: 48, scale: 4 }, quiet);
    // Crop corner (8, 4); then h-flip yes (0.1 < 0.5), v-flip no (0.9), transpose yes (0.2).
    const s = await ds.get(0, scriptedRng([8, 4], [0.1, 0.9, 0.2]));
    const hr = cropImage(photo, 8, 4, 48, 48);
    const lr = await resizeBicubic(hr, 12, 12);
    expect(s.B!.data).toEqual(normalizeImage(transposeImage(flipHorizontal(hr))).data);
    expect(s.A!.data).toEqual(normalizeImage(transposeImage(flipHorizontal(lr))).data);
    // The pixel at HR (x, y) = (47, 0) after the h-flip is the crop's (0, 0); after the transpose it sits at (0, 47).
    expect(pixel(s.B!, 0, 47)).toEqual(pixel(normalizeImage(hr), 0, 0));
  });

  it('val: centre square of the largest multiple of scale; an LR folder is cropped at the matching place', async () => {
    const root = join(dir, 'srval');
    await writePng(join(root, 'val', 'x.png'), coordImage(90, 70));
    await writePng(join(root, 'val_LR', 'x.png'), coordImage(45, 35, 50));
    const ds = await createDataset({ dataset_mode: 'super_resolution', dataroot: root, phase: 'val', scale: 2 }, quiet);
    const s = await ds.get(0, scriptedRng([]));
    expect([s.B!.width, s.B!.height]).toEqual([70, 70]);
    expect(pixel(s.B!, 0, 0).map(to8)).toEqual([10, 0, 0]);
    const withLr = await createDataset(
      { dataset_mode: 'super_resolution', dataroot: root, phase: 'val', scale: 2, lr_dir: join(root, 'val_LR') },
      quiet,
    );
    const t = await withLr.get(0, scriptedRng([]));
    expect([t.A!.width, t.A!.height]).toEqual([35, 35]);
    expect(pixel(t.A!, 0, 0).map(to8)).toEqual([5, 0, 50]);
    expect(t.A_paths).toBe(join(root, 'val_LR', 'x.png'));
  });

  it('test and any other phase but train/val: the whole image less its right and bottom w, h mod scale; val: the centre square', async () => {
    const root = join(dir, 'srwhole');
    const photo = cropImage(await decodeImage(join(FIXTURES, 'chelsea_96x64.png')), 3, 5, 50, 31);
    for (const phase of ['test', 'benchmark', 'val']) await writePng(join(root, phase, 'p.png'), photo);
    for (const phase of ['test', 'benchmark']) {
      const ds = await createDataset({ dataset_mode: 'super_resolution', dataroot: root, phase, scale: 4 }, quiet);
      const s = await ds.get(0, scriptedRng([]));
      expect([s.B!.width, s.B!.height, s.A!.width, s.A!.height], phase).toEqual([48, 28, 12, 7]);
      const hr = cropImage(photo, 0, 0, 48, 28);
      expect(s.B!.data).toEqual(normalizeImage(hr).data);
      expect(s.A!.data).toEqual(normalizeImage(await resizeBicubic(hr, 12, 7)).data);
    }
    const val = await (await createDataset({ dataset_mode: 'super_resolution', dataroot: root, phase: 'val', scale: 4 }, quiet)).get(
      0,
      scriptedRng([]),
    );
    expect([val.B!.width, val.B!.height, val.A!.width, val.A!.height]).toEqual([28, 28, 7, 7]);
    // torchvision's CenterCrop: left = round((50 − 28) / 2) = 11, top = round((31 − 28) / 2) = 2 (half to even).
    expect(val.B!.data).toEqual(normalizeImage(cropImage(photo, 11, 2, 28, 28)).data);
  });

  it('test with --lr_dir: the LR file is the mod-cropped HR ÷ scale (12x7 for 50x31 at ×4), and is used whole', async () => {
    const root = join(dir, 'srwholelr');
    await writePng(join(root, 'test', 'x.png'), coordImage(50, 31));
    await writePng(join(root, 'lr', 'x.png'), coordImage(12, 7, 50));
    const ds = await createDataset(
      { dataset_mode: 'super_resolution', dataroot: root, phase: 'test', scale: 4, lr_dir: join(root, 'lr') },
      quiet,
    );
    const s = await ds.get(0, scriptedRng([]));
    expect([s.B!.width, s.B!.height, s.A!.width, s.A!.height]).toEqual([48, 28, 12, 7]);
    expect(pixel(s.A!, 11, 6).map(to8)).toEqual([11, 6, 50]);
    expect(pixel(s.B!, 47, 27).map(to8)).toEqual([47, 27, 0]);
    await writePng(join(root, 'lr13', 'x.png'), coordImage(13, 8));
    await expect(
      createDataset({ dataset_mode: 'super_resolution', dataroot: root, phase: 'test', scale: 4, lr_dir: join(root, 'lr13') }, quiet),
    ).rejects.toThrow(
      `${join(root, 'lr13', 'x.png')} is 13x8, but ${join(root, 'test', 'x.png')} is 50x31; with --scale 4 it must be 12x7 (48x28, a multiple of the scale, ÷ 4)`,
    );
  });

  it('--batch_size > 1 outside training: images of one size are batched; different sizes are refused naming them', async () => {
    const root = join(dir, 'srbatch');
    await writePng(join(root, 'test', 'a.png'), coordImage(50, 31));
    await writePng(join(root, 'test', 'b.png'), coordImage(49, 30, 9));
    const ds = await createDataset({ dataset_mode: 'super_resolution', dataroot: root, phase: 'test', scale: 4, batch_size: 2 }, quiet);
    const batches = [];
    for await (const batch of createLoader(ds, { batchSize: 2, shuffle: false, seed: 1 }).epoch(0)) batches.push(batch);
    expect(batches.map(({ batch: b }) => [(b.B as tf.Tensor4D).shape, (b.A as tf.Tensor4D).shape])).toEqual([
      [
        [2, 28, 48, 3],
        [2, 7, 12, 3],
      ],
    ]);
    batches.forEach((b) => disposeBatch(b.batch));
    await writePng(join(root, 'test', 'c.png'), coordImage(40, 40));
    await expect(
      createDataset({ dataset_mode: 'super_resolution', dataroot: root, phase: 'test', scale: 4, batch_size: 2 }, quiet),
    ).rejects.toThrow(
      `--batch_size 2 stacks images of one size, but --phase test uses each whole image (cropped to a multiple of --scale 4) and these differ:\n` +
        ['a', 'b', 'c'].map((f, k) => `  ${join(root, 'test', `${f}.png`)}: ${k < 2 ? '48x28' : '40x40'}`).join('\n') +
        '\nUse --batch_size 1 (as the SR benchmarks do) or images of one size.',
    );
    const one = await createDataset({ dataset_mode: 'super_resolution', dataroot: root, phase: 'test', scale: 4 }, quiet);
    expect(one.length).toBe(3);
  });

  it('refuses an LR file of the wrong size and images smaller than the crop', async () => {
    const root = join(dir, 'srbad');
    await writePng(join(root, 'train', 'x.png'), coordImage(90, 70));
    await writePng(join(root, 'lr', 'x.png'), coordImage(40, 35));
    await expect(
      createDataset({ dataset_mode: 'super_resolution', dataroot: root, scale: 2, crop_size: 64, lr_dir: join(root, 'lr') }, quiet),
    ).rejects.toThrow(
      `${join(root, 'lr', 'x.png')} is 40x35, but ${join(root, 'train', 'x.png')} is 90x70; with --scale 2 it must be 45x35`,
    );
    await expect(createDataset({ dataset_mode: 'super_resolution', dataroot: root, crop_size: 88 }, quiet)).rejects.toThrow(
      /1 image\(s\) are smaller than the 88px training crop/,
    );
    await expect(createDataset({ dataset_mode: 'super_resolution', dataroot: root, scale: 3 }, quiet)).rejects.toThrow(
      '--scale must be 2, 4 or 8, got 3.',
    );
  });
});
