import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, datasetModeNames, registerDatasetMode, type DatasetMode } from '../src/dataset.js';
import { deriveRng } from '../src/rng.js';
import { coordImage, pixel, scriptedRng, tempDir, to8, writeBytes, writePng } from './helpers.js';
import type { RawImage } from '@translate/core';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

const quiet = { warn: () => undefined };

/** A|B image: both halves the same coordinate image, B's third channel 200 (A's 0). */
function abImage(w: number, h: number): RawImage {
  const a = coordImage(w, h, 0);
  const b = coordImage(w, h, 200);
  const data = new Uint8Array(w * 2 * h * 3);
  for (let y = 0; y < h; y++) {
    data.set(a.data.subarray(y * w * 3, (y + 1) * w * 3), y * w * 6);
    data.set(b.data.subarray(y * w * 3, (y + 1) * w * 3), y * w * 6 + w * 3);
  }
  return { data, width: 2 * w, height: h, channels: 3 };
}

const channel = (img: { data: Float32Array; width: number; channels: number }, x: number, y: number) => pixel(img, x, y).map(to8);

describe('registry', () => {
  it('lists the built-in modes and rejects an unknown one with suggestions', async () => {
    expect(datasetModeNames()).toEqual([
      'ade20k',
      'aligned',
      'cityscapes',
      'coco',
      'colorization',
      'custom',
      'facades',
      'segmentation',
      'single',
      'super_resolution',
      'unaligned',
    ]);
    await expect(createDataset({ dataset_mode: 'alinged', dataroot: dir })).rejects.toThrow(
      "--dataset_mode: Unknown dataset mode 'alinged'. Did you mean 'aligned'? Known: ade20k, aligned, cityscapes, coco, colorization, custom, facades, segmentation, single, super_resolution, unaligned.",
    );
  });

  it('accepts a third-party mode', async () => {
    const mode: DatasetMode = {
      name: 'constant',
      help: 'test',
      options: { value: { type: 'int', default: 7, help: 'the value' } },
      async create(o) {
        return { mode: 'constant', length: 1, options: o, sources: [], get: async () => ({ A_paths: String(o['value']) }) };
      },
    };
    registerDatasetMode(mode);
    const ds = await createDataset({ dataset_mode: 'constant' });
    expect((await ds.get(0, deriveRng(0))).A_paths).toBe('7');
  });

  it("converts option strings as a config file's, and checks types and choices, naming the flag", async () => {
    // 'constant' (registered above) returns its resolved options.
    expect((await createDataset({ dataset_mode: 'constant', value: '12' })).options).toEqual({ value: 12 });
    await expect(createDataset({ dataset_mode: 'aligned', dataroot: dir, preprocess: 'resize' })).rejects.toThrow(
      "--preprocess must be one of resize_and_crop, crop, scale_width, scale_width_and_crop, none; got 'resize'.",
    );
    await expect(createDataset({ dataset_mode: 'aligned', dataroot: dir, crop_size: '25.6' })).rejects.toThrow(
      "--crop_size expects an integer, got '25.6'.",
    );
    await expect(createDataset({ dataset_mode: 'aligned' })).rejects.toThrow('Missing required option --dataroot (path to images');
    await expect(createDataset({ dataset_mode: 'aligned', dataroot: dir, input_nc: 4 })).rejects.toThrow(
      '--input_nc must be 1 (grayscale) or 3 (RGB), got 4.',
    );
  });
});

describe('aligned', () => {
  let root: string;
  beforeAll(async () => {
    root = join(dir, 'aligned');
    await writePng(join(root, 'train', '1.png'), abImage(80, 70));
    await writePng(join(root, 'train', '0.png'), abImage(80, 70));
  });

  it('gives A and B the same crop and flip (one get_params), A = left, B = right', async () => {
    const ds = await createDataset({ dataset_mode: 'aligned', dataroot: root, preprocess: 'crop', crop_size: 64 }, quiet);
    expect(ds.length).toBe(2);
    const s = await ds.get(0, scriptedRng([5, 3], [0.9]));
    expect(s.A_paths).toBe(join(root, 'train', '0.png'));
    expect(s.B_paths).toBe(s.A_paths);
    for (const img of [s.A!, s.B!]) expect([img.width, img.height, img.channels]).toEqual([64, 64, 3]);
    // crop box x 5..68, y 3..66, flipped: left column = x 68
    expect(channel(s.A!, 0, 0)).toEqual([68, 3, 0]);
    expect(channel(s.B!, 0, 0)).toEqual([68, 3, 200]);
    expect(channel(s.A!, 63, 63)).toEqual([5, 66, 0]);
    expect(channel(s.B!, 63, 63)).toEqual([5, 66, 200]);
  });

  it('resize_and_crop keeps the pair aligned pixel for pixel', async () => {
    const ds = await createDataset({ dataset_mode: 'aligned', dataroot: root, load_size: 72, crop_size: 64 }, quiet);
    const s = await ds.get(1, deriveRng(3, 1));
    for (let i = 0; i < s.A!.data.length; i += 3) {
      expect(s.A!.data[i]).toBe(s.B!.data[i]);
      expect(s.A!.data[i + 1]).toBe(s.B!.data[i + 1]);
    }
  });

  it('BtoA swaps A and B; input_nc 1 makes the input grayscale', async () => {
    const ds = await createDataset(
      { dataset_mode: 'aligned', dataroot: root, preprocess: 'crop', crop_size: 64, direction: 'BtoA', input_nc: 1, no_flip: true },
      quiet,
    );
    const s = await ds.get(0, scriptedRng([0, 0], [0]));
    expect(s.A!.channels).toBe(1);
    expect(s.B!.channels).toBe(3);
    expect(channel(s.B!, 10, 0)).toEqual([10, 0, 0]); // the left half (file A) is now the target
    // input = right half (x, y, 200) as PIL L: (19595x + 38470y + 7471·200 + 32768) >> 16
    expect(channel(s.A!, 10, 0)).toEqual([Math.floor((19595 * 10 + 7471 * 200 + 32768) / 65536)]);
  });

  it('refuses an A|B image of odd width before training, naming it', async () => {
    const odd = join(dir, 'odd');
    await writePng(join(odd, 'train', 'x.png'), coordImage(81, 40));
    await expect(createDataset({ dataset_mode: 'aligned', dataroot: odd }, quiet)).rejects.toThrow(
      `1 A|B image(s) have an odd width:\n  ${join(odd, 'train', 'x.png')} (81x40)`,
    );
  });

  it('an empty folder is a clear error with the expected layout', async () => {
    const empty = join(dir, 'empty');
    await writeBytes(join(empty, 'train', 'readme.txt'), 'no images');
    await expect(createDataset({ dataset_mode: 'aligned', dataroot: empty }, quiet)).rejects.toThrow(
      `No images found in ${join(empty, 'train')}`,
    );
  });

  it('a corrupt file fails at creation, or is skipped with a warning under --skip_bad_images', async () => {
    const bad = join(dir, 'bad');
    await writePng(join(bad, 'train', 'good.png'), abImage(32, 32));
    await writeBytes(join(bad, 'train', 'broken.jpg'), 'not a jpeg');
    await expect(createDataset({ dataset_mode: 'aligned', dataroot: bad }, quiet)).rejects.toThrow(
      `1 unreadable image(s):\n  Cannot read image ${join(bad, 'train', 'broken.jpg')}`,
    );
    const warnings: string[] = [];
    const ds = await createDataset({ dataset_mode: 'aligned', dataroot: bad, skip_bad_images: true }, { warn: (m) => warnings.push(m) });
    expect(ds.length).toBe(1);
    expect(warnings[0]).toContain(`Skipping ${join(bad, 'train', 'broken.jpg')}`);
  });

  it('refuses load_size < crop_size as the reference asserts', async () => {
    await expect(createDataset({ dataset_mode: 'aligned', dataroot: root, load_size: 200, crop_size: 256 }, quiet)).rejects.toThrow(
      '--load_size 200 is smaller than --crop_size 256',
    );
  });
});

describe('unaligned', () => {
  let root: string;
  beforeAll(async () => {
    root = join(dir, 'unaligned');
    for (let i = 0; i < 3; i++) await writePng(join(root, 'trainA', `a${i}.png`), coordImage(40, 40, 10 * i));
    for (let i = 0; i < 5; i++) await writePng(join(root, 'trainB', `b${i}.png`), coordImage(40, 40, 100 + 10 * i));
  });

  it('length max(|A|, |B|), A = i mod |A|, random B drawn first, then independent crops/flips', async () => {
    const ds = await createDataset({ dataset_mode: 'unaligned', dataroot: root, preprocess: 'crop', crop_size: 32 }, quiet);
    expect(ds.length).toBe(5);
    const rng = scriptedRng([3, 1, 2, 8, 0], [0.7, 0.2]);
    const s = await ds.get(4, rng);
    expect(rng.calls).toEqual([
      'randint(0,4)',
      'randint(0,8)',
      'randint(0,8)',
      'nextFloat()',
      'randint(0,8)',
      'randint(0,8)',
      'nextFloat()',
    ]);
    expect(s.A_paths).toBe(join(root, 'trainA', 'a1.png'));
    expect(s.B_paths).toBe(join(root, 'trainB', 'b3.png'));
    expect(channel(s.A!, 0, 0)).toEqual([1, 2, 10]); // not flipped (0.7 ≥ 0.5)
    expect(channel(s.B!, 31, 0)).toEqual([8, 0, 130]); // flipped (0.2 < 0.5)
  });

  it('serial_batches takes B = i mod |B|; BtoA swaps the domains', async () => {
    const ds = await createDataset(
      { dataset_mode: 'unaligned', dataroot: root, serial_batches: true, direction: 'BtoA', preprocess: 'none', no_flip: true },
      quiet,
    );
    const s = await ds.get(4, scriptedRng([]));
    expect(s.A_paths).toBe(join(root, 'trainB', 'b4.png'));
    expect(s.B_paths).toBe(join(root, 'trainA', 'a1.png'));
    expect([s.A!.width, s.A!.height]).toEqual([40, 40]);
  });

  it('names the missing domain folder', async () => {
    await expect(createDataset({ dataset_mode: 'unaligned', dataroot: root, phase: 'test' }, quiet)).rejects.toThrow(
      `The folder ${join(root, 'testA')} does not exist.`,
    );
  });
});

describe('single', () => {
  it('reads --dataroot itself, one image per sample, A only', async () => {
    const root = join(dir, 'unaligned', 'trainA');
    const ds = await createDataset(
      { dataset_mode: 'single', dataroot: root, preprocess: 'none', no_flip: true, output_nc: 1, direction: 'BtoA' },
      quiet,
    );
    expect(ds.length).toBe(3);
    const s = await ds.get(2, scriptedRng([]));
    expect(s.B).toBeUndefined();
    expect(s.A!.channels).toBe(1);
    expect(s.A_paths).toBe(join(root, 'a2.png'));
  });
});
