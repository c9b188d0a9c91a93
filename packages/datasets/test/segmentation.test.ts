import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@translate/core';
import { createDataset } from '../src/dataset.js';
import { createLoader } from '../src/loader.js';
import { coordImage, scriptedRng, tempDir, writePng } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());
const quiet = { warn: () => undefined };

/** 8x4 label map: left half class 1, right half class 3; one pixel `extra`. */
function labels(extra: number) {
  const data = new Uint8Array(32).map((_, i) => (i % 8 < 4 ? 1 : 3));
  data[9] = extra;
  return { data, width: 8, height: 4, channels: 1 };
}

async function makeSet(name: string, extra: number) {
  const root = join(dir, name);
  await writePng(join(root, 'train_label', 'p0.png'), labels(extra));
  await writePng(join(root, 'train_img', 'p0.png'), coordImage(8, 4));
  await writePng(join(root, 'train_inst', 'p0.png'), {
    data: new Uint16Array(32).map((_, i) => (i < 16 ? 1000 : 2000)),
    width: 8,
    height: 4,
    channels: 1,
  });
  return root;
}

describe('segmentation mode', () => {
  it('returns integer label and instance maps with the photo, same crop/flip, nearest resize', async () => {
    const root = await makeSet('ok', 2);
    const ds = await createDataset({ dataset_mode: 'segmentation', dataroot: root, label_nc: 4, preprocess: 'crop', crop_size: 4 }, quiet);
    const s = await ds.get(0, scriptedRng([2, 0], [0.9]));
    expect(s.A_paths).toBe(join(root, 'train_label', 'p0.png'));
    expect(s.B_paths).toBe(join(root, 'train_img', 'p0.png'));
    // crop x 2..5, flipped: columns 5,4,3,2 → classes 3,3,1,1; pixel (1,1) of the file (x=1) is outside
    expect(Array.from(s.label!.data.slice(0, 4))).toEqual([3, 3, 1, 1]);
    expect(Array.from(s.instance!.data.slice(4, 12))).toEqual([1000, 1000, 1000, 1000, 2000, 2000, 2000, 2000]); // rows 1 and 2
    expect(s.B!.channels).toBe(3);
    const nn = await createDataset(
      {
        dataset_mode: 'segmentation',
        dataroot: root,
        label_nc: 4,
        preprocess: 'resize_and_crop',
        load_size: 16,
        crop_size: 16,
        no_flip: true,
      },
      quiet,
    );
    const big = await nn.get(0, scriptedRng([0, 0], [0]));
    expect(new Set(big.label!.data)).toEqual(new Set([1, 2, 3]));
  });

  it('maps 255 to label_nc with --contain_dontcare_label, and refuses it without', async () => {
    const root = await makeSet('dontcare', 255);
    const ds = await createDataset(
      {
        dataset_mode: 'segmentation',
        dataroot: root,
        label_nc: 4,
        contain_dontcare_label: true,
        preprocess: 'none',
        no_flip: true,
        size_multiple: 4,
      },
      quiet,
    );
    expect((await ds.get(0, scriptedRng([0, 0], [0]))).label!.data[9]).toBe(4);
    const strict = await createDataset(
      { dataset_mode: 'segmentation', dataroot: root, label_nc: 4, preprocess: 'none', no_flip: true, size_multiple: 4 },
      quiet,
    );
    await expect(strict.get(0, scriptedRng([0, 0], [0]))).rejects.toThrow(
      `Label map ${join(root, 'train_label', 'p0.png')} contains 255 ("don't care"), but --contain_dontcare_label is not set.`,
    );
  });

  it('a label id ≥ label_nc names the file and the fix', async () => {
    const root = await makeSet('big', 9);
    const ds = await createDataset(
      { dataset_mode: 'segmentation', dataroot: root, label_nc: 4, preprocess: 'none', no_flip: true, size_multiple: 4 },
      quiet,
    );
    await expect(ds.get(0, scriptedRng([0, 0], [0]))).rejects.toThrow(
      `Label map ${join(root, 'train_label', 'p0.png')} contains class id 9, but --label_nc 4 allows ids 0..3. Raise --label_nc to 10 if the map is right.`,
    );
  });

  it('refuses RGB/palette label maps, unpaired files, and a missing instance folder (suggesting --no_instance)', async () => {
    const root = await makeSet('bad', 2);
    await sharp(Buffer.alloc(8 * 4 * 3, 90), { raw: { width: 8, height: 4, channels: 3 } })
      .png({ palette: true })
      .toFile(join(root, 'train_label', 'p1.png'));
    await writePng(join(root, 'train_img', 'p1.png'), coordImage(8, 4));
    await writePng(join(root, 'train_inst', 'p1.png'), { data: new Uint8Array(32), width: 8, height: 4, channels: 1 });
    await expect(createDataset({ dataset_mode: 'segmentation', dataroot: root, label_nc: 4 }, quiet)).rejects.toThrow(
      /1 label map\(s\) are not one channel of ids:\n.*p1.png \(indexed-colour palette image\)/,
    );
    const unpaired = join(dir, 'unpaired');
    await writePng(join(unpaired, 'train_label', 'a.png'), labels(1));
    await writePng(join(unpaired, 'train_img', 'b.png'), coordImage(8, 4));
    await expect(createDataset({ dataset_mode: 'segmentation', dataroot: unpaired, no_instance: true }, quiet)).rejects.toThrow(
      `1 label map(s) have no photo with the same file name (any extension) in ${join(unpaired, 'train_img')}:\n  ${join(unpaired, 'train_label', 'a.png')} (in sorted order: ${join(unpaired, 'train_img', 'b.png')})\n`,
    );
    await expect(createDataset({ dataset_mode: 'segmentation', dataroot: unpaired }, quiet)).rejects.toThrow(
      `The instance map folder ${join(unpaired, 'train_inst')} does not exist. Instance maps are one-channel images of instance ids; pass --no_instance if you have none. The segmentation mode reads`,
    );
  });
});

describe('segmentation batches', () => {
  it('carry int32 label and instance maps beside the photo', async () => {
    const root = await makeSet('batch', 2);
    const ds = await createDataset(
      { dataset_mode: 'segmentation', dataroot: root, label_nc: 4, preprocess: 'none', size_multiple: 4 },
      quiet,
    );
    const loader = createLoader(ds, { batchSize: 1, shuffle: false, seed: 0 });
    for await (const { batch } of loader) {
      const [label, B, instance] = [batch.label as tf.Tensor4D, batch.B as tf.Tensor4D, batch.instance as tf.Tensor4D];
      expect(label.dtype).toBe('int32');
      expect(label.shape).toEqual([1, 4, 8, 1]);
      expect(B.shape).toEqual([1, 4, 8, 3]);
      expect(instance.shape).toEqual([1, 4, 8, 1]);
      tf.dispose([label, B, instance]);
    }
  });
});
