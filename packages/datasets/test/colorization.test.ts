/**
 * The colorization mode and its sRGB → Lab conversion against the reference: scikit-image's
 * `rgb2lab` (fixtures/colorization/lab_skimage.json) and the reference's own
 * `ColorizationDataset.__getitem__` (colorization_dataset.json); see make_fixtures.py there.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset } from '../src/dataset.js';
import { FIXTURES, coordImage, scriptedRng, tempDir, writePng } from './helpers.js';
import { decodeImage, rgbToLab, type ImageArray } from '@translate/core';

const here = join(FIXTURES, 'colorization');
const skimage = JSON.parse(await readFile(join(here, 'lab_skimage.json'), 'utf8')) as {
  rgb_pixels: number[];
  rgb_pixels_lab: number[];
  image: { file: string; lab: number[] };
};
const reference = JSON.parse(await readFile(join(here, 'colorization_dataset.json'), 'utf8')) as {
  file: string;
  width: number;
  height: number;
  A: number[];
  B: number[];
};

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  await mkdir(join(dir, 'photos', 'train'), { recursive: true });
  await copyFile(join(here, reference.file), join(dir, 'photos', 'train', reference.file));
});
afterAll(() => cleanup());

const quiet = { warn: () => undefined };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Pixel (x, y) of an HWC image, all channels. */
function at(img: { data: ArrayLike<number>; width: number; channels: number }, x: number, y: number): number[] {
  const i = (y * img.width + x) * img.channels;
  return Array.from({ length: img.channels }, (_, c) => img.data[i + c]!);
}

describe('rgbToLab vs skimage.color.rgb2lab', () => {
  it('converts black, white, dark (linear-segment) and saturated pixels within 1e-4', () => {
    const pixels = Uint8Array.from(skimage.rgb_pixels);
    const lab = rgbToLab({ data: pixels, width: pixels.length / 3, height: 1, channels: 3 });
    expect(maxAbsDiff(lab, skimage.rgb_pixels_lab)).toBeLessThan(1e-4);
    expect(Array.from(lab.subarray(0, 6)).map((v) => Math.round(v * 1e3) / 1e3)).toEqual([0, 0, 0, 100, -0.002, 0.005]);
  });

  it('converts a photo crop within 1e-4', async () => {
    const image = await decodeImage(join(here, skimage.image.file));
    expect(maxAbsDiff(rgbToLab(image), skimage.image.lab)).toBeLessThan(1e-4);
  });
});

describe('colorization mode', () => {
  it('gives exactly the reference ColorizationDataset A = L/50 − 1 and B = ab/110 (--preprocess none --no_flip)', async () => {
    const ds = await createDataset(
      { dataset_mode: 'colorization', dataroot: join(dir, 'photos'), preprocess: 'none', no_flip: true },
      quiet,
    );
    expect(ds.length).toBe(1);
    const { A, B, A_paths, B_paths } = await ds.get(0, scriptedRng([]));
    expect([A!.width, A!.height, A!.channels, B!.channels]).toEqual([reference.width, reference.height, 1, 2]);
    expect(A_paths).toBe(join(dir, 'photos', 'train', reference.file));
    expect(B_paths).toBe(A_paths);
    // Exactly: the float32 values of the reference's tensors.
    expect(maxAbsDiff(A!.data, Float32Array.from(reference.A))).toBe(0);
    expect(maxAbsDiff(B!.data, Float32Array.from(reference.B))).toBe(0);
  });

  it('crops and flips the photo before converting it (the reference crop, mirrored)', async () => {
    const ds = await createDataset(
      { dataset_mode: 'colorization', dataroot: join(dir, 'photos'), preprocess: 'crop', crop_size: 8 },
      quiet,
    );
    const rng = scriptedRng([5, 3], [0.2]);
    const { A, B } = await ds.get(0, rng);
    expect(rng.calls).toEqual([`randint(0,${reference.width - 8})`, `randint(0,${reference.height - 8})`, 'nextFloat()']);
    const whole = (data: number[], channels: number): ImageArray => ({
      data: Float32Array.from(data),
      width: reference.width,
      height: reference.height,
      channels,
    });
    for (const [ours, full] of [
      [A!, whole(reference.A, 1)],
      [B!, whole(reference.B, 2)],
    ] as const) {
      for (const [x, y] of [
        [0, 0],
        [7, 0],
        [2, 5],
        [7, 7],
      ] as const)
        expect(at(ours, x, y)).toEqual(at(full, 5 + 7 - x, 3 + y));
    }
  });

  it('defaults to --input_nc 1 --output_nc 2 and refuses other channels, naming the flags', async () => {
    const ds = await createDataset({ dataset_mode: 'colorization', dataroot: join(dir, 'photos') }, quiet);
    expect([ds.options['input_nc'], ds.options['output_nc'], ds.options['direction']]).toEqual([1, 2, 'AtoB']);
    await expect(
      createDataset({ dataset_mode: 'colorization', dataroot: join(dir, 'photos'), output_nc: 3, direction: 'BtoA' }, quiet),
    ).rejects.toThrow(
      '--dataset_mode colorization maps the L channel (A) to the ab channels (B), so it needs --input_nc 1 --output_nc 2 --direction AtoB (its defaults); got --output_nc 3 --direction BtoA. Leave these flags out.',
    );
  });

  it('refuses grayscale photos, naming them, or skips them with --skip_bad_images', async () => {
    const root = join(dir, 'mixed');
    const gray = await writePng(join(root, 'train', 'gray.png'), { data: new Uint8Array(64), width: 8, height: 8, channels: 1 });
    await writePng(join(root, 'train', 'rgb.png'), coordImage(8, 8));
    await expect(createDataset({ dataset_mode: 'colorization', dataroot: root, preprocess: 'none' }, quiet)).rejects.toThrow(
      `1 image(s) in ${join(root, 'train')} are grayscale, so they hold no colour to learn:\n  ${gray}\nRemove them, or pass --skip_bad_images to skip them.`,
    );
    const warnings: string[] = [];
    const ds = await createDataset(
      { dataset_mode: 'colorization', dataroot: root, preprocess: 'none', skip_bad_images: true },
      { warn: (m) => warnings.push(m) },
    );
    expect(ds.sources[0]!.files).toEqual([join(root, 'train', 'rgb.png')]);
    expect(warnings).toEqual([`Skipping ${gray}: a grayscale image holds no colour to learn.`]);
  });
});
