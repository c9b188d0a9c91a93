/**
 * `translate export --format web` in headless Chromium: the exported page, opened from file://,
 * translates a shipped photo (or label map) to the pixels `translate test` writes for the same
 * checkpoint — resnet CycleGAN (both directions), U-Net pix2pix, GauGAN and SRGAN's generator, on
 * WebGL (SwiftShader) and wasm — and tiles large images without seams.
 */
import { decodeImage, writeImage, type RawImage } from '@translate/core';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebManifest } from '@translate/web/export';
import type { Browser } from 'playwright-core';
import { chooseNetwork, launchChromium, maxPixelDiff, openExport, translateFile, type PagePixels } from '../../web/test/chromium.js';
import { SAMPLES, tempDir, translate } from './helpers.js';

/** The page's pixels may differ from `translate test`'s by this much per channel (0–255). */
const TOLERANCE = 2;
const BACKENDS = ['webgl', 'wasm'] as const;

let browser: Browser;
beforeAll(async () => {
  await import('../../web/scripts/build.mjs');
  browser = await launchChromium();
}, 120_000);
afterAll(async () => browser?.close());

async function run(argv: string[]): Promise<void> {
  const result = await translate(argv);
  expect(result.code, result.stderr).toBe(0);
}

/** A shipped photo as PNG (Chromium's and sharp's JPEG decoders may differ by a level), optionally cropped. */
async function pngOf(source: string, target: string, crop?: { width: number; height: number }): Promise<RawImage> {
  const img = await decodeImage(source);
  const [width, height] = [crop?.width ?? img.width, crop?.height ?? img.height];
  const data = new Uint8Array(width * height * img.channels);
  for (let y = 0; y < height; y++)
    data.set(img.data.subarray(y * img.width * img.channels, (y * img.width + width) * img.channels), y * width * img.channels);
  const out: RawImage = { data, width, height, channels: img.channels };
  await writeImage(target, out);
  return out;
}

/** Exports the run that `common` names (the flags `test` got) as a web folder. */
async function exportWeb(dir: string, common: string[], extra: string[] = []): Promise<string> {
  const out = join(dir, 'web');
  await run(['export', ...common, '--format', 'web', '--out', out, ...extra]);
  return out;
}

/** `img` resized to width×height (bilinear), as a larger test photo. */
function upscaled(img: RawImage, width: number, height: number): RawImage {
  const c = img.channels;
  const data = new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, ((y + 0.5) * img.height) / height - 0.5);
    const [y0, wy] = [Math.min(Math.floor(fy), img.height - 1), fy - Math.floor(fy)];
    const y1 = Math.min(y0 + 1, img.height - 1);
    for (let x = 0; x < width; x++) {
      const fx = Math.max(0, ((x + 0.5) * img.width) / width - 0.5);
      const [x0, wx] = [Math.min(Math.floor(fx), img.width - 1), fx - Math.floor(fx)];
      const x1 = Math.min(x0 + 1, img.width - 1);
      for (let k = 0; k < c; k++) {
        const at = (yy: number, xx: number) => img.data[(yy * img.width + xx) * c + k]!;
        const top = at(y0, x0) * (1 - wx) + at(y0, x1) * wx;
        const bottom = at(y1, x0) * (1 - wx) + at(y1, x1) * wx;
        data[(y * width + x) * c + k] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return { data, width, height, channels: c };
}

/** Page RGBA pixels as an RGB image. */
function rgbOf(page: PagePixels): RawImage {
  const data = new Uint8Array(page.width * page.height * 3);
  for (let i = 0; i < page.width * page.height; i++) data.set(page.data.subarray(i * 4, i * 4 + 3), i * 3);
  return { data, width: page.width, height: page.height, channels: 3 };
}

/** Largest and mean per-channel difference of page pixels and an RGB image. */
function pixelDiffStats(page: PagePixels, image: RawImage): { max: number; mean: number } {
  let [max, sum] = [0, 0];
  for (let i = 0; i < page.width * page.height; i++)
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(page.data[i * 4 + c]! - image.data[i * 3 + c]!);
      max = Math.max(max, d);
      sum += d;
    }
  return { max, mean: sum / (page.width * page.height * 3) };
}

/** Mean per-channel |out(x) − out(x − 1)| over all rows, for the given columns x. */
function columnStep(page: PagePixels, columns: readonly number[]): number {
  let sum = 0;
  for (let y = 0; y < page.height; y++)
    for (const x of columns)
      for (let c = 0; c < 3; c++) sum += Math.abs(page.data[(y * page.width + x) * 4 + c]! - page.data[(y * page.width + x - 1) * 4 + c]!);
  return sum / (page.height * columns.length * 3);
}

const resultImage = (dir: string, name: string, file: string) => decodeImage(join(dir, 'results', name, 'test_latest', 'images', file));

describe('translate export --format web, in headless Chromium from file://', () => {
  it('resnet CycleGAN: both directions match translate test on WebGL and wasm', async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    await pngOf(join(SAMPLES, 'photo2gray/testA/skimage_astronaut_0.jpg'), join(data, 'testA', 'astronaut.png'));
    await pngOf(join(SAMPLES, 'photo2gray/testB/skimage_astronaut_0.jpg'), join(data, 'testB', 'astronaut.png'));
    const common = [
      '--model',
      'cyclegan',
      '--name',
      'cg',
      '--checkpoints_dir',
      join(dir, 'ck'),
      '--ngf',
      '4',
      '--ndf',
      '4',
      '--backend',
      'wasm',
      '--seed',
      '3',
    ];
    await run([
      'train',
      ...common,
      '--dataroot',
      join(SAMPLES, 'photo2gray'),
      '--load_size',
      '36',
      '--crop_size',
      '32',
      '--max_dataset_size',
      '1',
      '--n_epochs',
      '1',
      '--n_epochs_decay',
      '0',
    ]);
    await run(['test', ...common, '--dataroot', data, '--preprocess', 'none', '--results_dir', join(dir, 'results')]);
    const web = await exportWeb(dir, common);
    const manifest = JSON.parse(readFileSync(join(web, 'manifest.json'), 'utf8')) as WebManifest;
    expect(manifest.networks.map((n) => [n.name, n.class, n.label])).toEqual([
      ['G_A', 'ResnetGenerator', 'A → B (G_A)'],
      ['G_B', 'ResnetGenerator', 'B → A (G_B)'],
    ]);
    expect(manifest.networks[0]!.preprocessing).toMatchObject({
      input: 'image',
      range: 'tanh',
      sizeMultiple: 4,
      tile: 256,
      overlap: 64,
      scale: 1,
    });
    const [fakeB, fakeA] = [await resultImage(dir, 'cg', 'astronaut_fake_B.png'), await resultImage(dir, 'cg', 'astronaut_fake_A.png')];
    for (const backend of BACKENDS) {
      const { page, backend: ran } = await openExport(browser, web, `backend=${backend}`);
      expect(ran).toBe(backend);
      expect(maxPixelDiff(await translateFile(page, join(data, 'testA', 'astronaut.png')), fakeB), `${backend} G_A`).toBeLessThanOrEqual(
        TOLERANCE,
      );
      await chooseNetwork(page, 'G_B');
      expect(maxPixelDiff(await translateFile(page, join(data, 'testB', 'astronaut.png')), fakeA), `${backend} G_B`).toBeLessThanOrEqual(
        TOLERANCE,
      );
      await page.close();
    }
  }, 180_000);

  it('U-Net pix2pix (eval mode, batch norm running statistics) matches translate test on WebGL and wasm', async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    const ab = await pngOf(join(SAMPLES, 'edges2photo/test/skimage_astronaut_0.jpg'), join(data, 'test', 'astronaut.png'));
    await pngOf(join(data, 'test', 'astronaut.png'), join(dir, 'a.png'), { width: ab.width / 2, height: ab.height });
    const common = [
      '--model',
      'pix2pix',
      '--name',
      'p2p',
      '--checkpoints_dir',
      join(dir, 'ck'),
      '--netG',
      'unet_64',
      '--ngf',
      '4',
      '--ndf',
      '4',
      '--backend',
      'wasm',
      '--seed',
      '3',
    ];
    await run([
      'train',
      ...common,
      '--dataroot',
      join(SAMPLES, 'edges2photo'),
      '--load_size',
      '64',
      '--crop_size',
      '64',
      '--max_dataset_size',
      '1',
      '--n_epochs',
      '1',
      '--n_epochs_decay',
      '0',
    ]);
    await run(['test', ...common, '--dataroot', data, '--preprocess', 'none', '--eval', '--results_dir', join(dir, 'results')]);
    const web = await exportWeb(dir, common, ['--eval']);
    const manifest = JSON.parse(readFileSync(join(web, 'manifest.json'), 'utf8')) as WebManifest;
    expect(manifest.networks.map((n) => [n.name, n.class, n.training])).toEqual([['G', 'UnetGenerator', false]]);
    const fake = await resultImage(dir, 'p2p', 'astronaut_fake_B.png');
    for (const backend of BACKENDS) {
      const { page } = await openExport(browser, web, `backend=${backend}`);
      expect(maxPixelDiff(await translateFile(page, join(dir, 'a.png')), fake), backend).toBeLessThanOrEqual(TOLERANCE);
      await page.close();
    }
  }, 180_000);

  it('GauGAN: a label map (custom mode, 5 classes) matches translate test on WebGL and wasm; the manifest carries the palette', async () => {
    const dir = tempDir();
    const [labels, photos] = [join(dir, 'labels'), join(dir, 'photos')];
    mkdirSync(labels, { recursive: true });
    mkdirSync(photos, { recursive: true });
    for (const f of ['mosaic_0001', 'mosaic_0003']) {
      copyFileSync(join(SAMPLES, 'mosaic/test_label', `${f}.png`), join(labels, `${f}.png`));
      copyFileSync(join(SAMPLES, 'mosaic/test_img', `${f}.jpg`), join(photos, `${f}.jpg`));
    }
    const data = [
      '--model',
      'gaugan',
      '--dataset_mode',
      'custom',
      '--label_dir',
      labels,
      '--image_dir',
      photos,
      '--label_nc',
      '5',
      '--no_instance',
      '--ngf',
      '4',
      '--crop_size',
      '64',
      '--load_size',
      '64',
      '--preprocess_mode',
      'fixed',
    ];
    const common = [...data, '--name', 'gg', '--checkpoints_dir', join(dir, 'ck'), '--backend', 'wasm', '--seed', '3'];
    await run(['train', ...common, '--ndf', '4', '--n_epochs', '1', '--n_epochs_decay', '0', '--no_vgg_loss', '--max_dataset_size', '1']);
    await run(['test', ...common, '--results_dir', join(dir, 'results'), '--num_test', '1']);
    const web = await exportWeb(dir, common);
    const manifest = JSON.parse(readFileSync(join(web, 'manifest.json'), 'utf8')) as WebManifest;
    expect(manifest.networks[0]!.class).toBe('SPADEGenerator');
    expect(manifest.networks[0]!.preprocessing).toMatchObject({ input: 'labels', inputChannels: 5, fixedSize: [64, 64], tile: 0 });
    expect(manifest.palette).toEqual({
      classes: 5,
      noInstance: true,
      colors: [
        [128, 0, 0],
        [0, 128, 0],
        [128, 128, 0],
        [0, 0, 128],
        [128, 0, 128],
      ],
    });
    const synthesized = await resultImage(dir, 'gg', 'mosaic_0001_synthesized_image.png');
    for (const backend of BACKENDS) {
      const { page } = await openExport(browser, web, `backend=${backend}`);
      expect(maxPixelDiff(await translateFile(page, join(labels, 'mosaic_0001.png')), synthesized), backend).toBeLessThanOrEqual(TOLERANCE);
      await page.close();
    }
  }, 180_000);

  it('SRGAN generator (×2, eval): matches translate test on WebGL and wasm, and tiled equals untiled', async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    const hr = await pngOf(join(SAMPLES, 'sr/val/skimage_astronaut_0.png'), join(data, 'test', 'astronaut.png'));
    await pngOf(join(data, 'test', 'astronaut.png'), join(dir, 'lr', 'astronaut.png'), { width: hr.width / 2, height: hr.height / 2 });
    const common = [
      '--model',
      'srresnet',
      '--dataset_mode',
      'super_resolution',
      '--scale',
      '2',
      '--name',
      'sr',
      '--checkpoints_dir',
      join(dir, 'ck'),
      '--ngf',
      '8',
      '--n_blocks',
      '2',
      '--backend',
      'wasm',
      '--seed',
      '3',
    ];
    await run([
      'train',
      ...common,
      '--dataroot',
      join(SAMPLES, 'sr'),
      '--crop_size',
      '32',
      '--max_dataset_size',
      '1',
      '--n_epochs',
      '1',
      '--n_epochs_decay',
      '0',
    ]);
    await run(['test', ...common, '--dataroot', data, '--lr_dir', join(dir, 'lr'), '--eval', '--results_dir', join(dir, 'results')]);
    const web = await exportWeb(dir, common, ['--eval']);
    const manifest = JSON.parse(readFileSync(join(web, 'manifest.json'), 'utf8')) as WebManifest;
    expect(manifest.networks[0]!.preprocessing).toMatchObject({ input: 'image', range: 'unit', scale: 2, overlap: 48, tile: 144 });
    const sr = await resultImage(dir, 'sr', 'astronaut_SR.png');
    for (const backend of BACKENDS) {
      const { page } = await openExport(browser, web, `backend=${backend}`);
      expect(maxPixelDiff(await translateFile(page, join(dir, 'lr', 'astronaut.png')), sr), backend).toBeLessThanOrEqual(TOLERANCE);
      await page.close();
    }
    // --float16 halves the download; the page widens the weights back to float32.
    const half = join(dir, 'web16');
    await run(['export', ...common, '--eval', '--format', 'web', '--out', half, '--float16']);
    const halfManifest = JSON.parse(readFileSync(join(half, 'manifest.json'), 'utf8')) as WebManifest;
    expect(new Set(halfManifest.networks[0]!.tensors.map((t) => t.dtype))).toEqual(new Set(['F16', 'I64']));
    expect(halfManifest.shards[0]!.bytes).toBeLessThan(0.52 * manifest.shards[0]!.bytes);
    const { page: halfPage } = await openExport(browser, half, 'backend=wasm');
    expect(maxPixelDiff(await translateFile(halfPage, join(dir, 'lr', 'astronaut.png')), sr)).toBeLessThanOrEqual(TOLERANCE);
    // Tiles of 96 LR pixels (4 × 3 of them on 300×200) with the manifest's overlap of 4 receptive radii: no seam at all.
    const large = join(dir, 'large.png');
    await writeImage(large, upscaled(hr, 300, 200));
    const [tiled, untiled] = (await Promise.all(
      ['tile=96', 'tile=0'].map(async (query) => translateFile((await openExport(browser, web, `backend=wasm&${query}`)).page, large)),
    )) as [PagePixels, PagePixels];
    expect([tiled.width, tiled.height]).toEqual([600, 400]);
    expect(maxPixelDiff(tiled, rgbOf(untiled))).toBeLessThanOrEqual(TOLERANCE);
  }, 180_000);

  /** Trains a tiny CycleGAN with `--norm <norm>` and exports it (in eval mode); returns the export folder. */
  async function exportCyclegan(dir: string, norm: string): Promise<string> {
    const common = [
      '--model',
      'cyclegan',
      '--name',
      norm,
      '--checkpoints_dir',
      join(dir, 'ck'),
      '--ngf',
      '4',
      '--ndf',
      '4',
      '--norm',
      norm,
      '--backend',
      'wasm',
      '--seed',
      '3',
    ];
    await run([
      'train',
      ...common,
      '--dataroot',
      join(SAMPLES, 'photo2gray'),
      '--load_size',
      '36',
      '--crop_size',
      '32',
      '--max_dataset_size',
      '1',
      '--n_epochs',
      '1',
      '--n_epochs_decay',
      '0',
    ]);
    return exportWeb(dir, common, ['--eval']);
  }

  /** The page's output for `photo` tiled as the manifest says and untiled (`?tile=0`), on wasm. */
  async function tiledAndUntiled(web: string, photo: string): Promise<[PagePixels, PagePixels, number[]]> {
    const { page } = await openExport(browser, web, 'backend=wasm');
    const tiled = await translateFile(page, photo);
    const progress = await page.evaluate(() => [
      Number(document.querySelector('progress')!.value),
      Number(document.querySelector('progress')!.max),
    ]);
    const untiled = await translateFile((await openExport(browser, web, 'backend=wasm&tile=0')).page, photo);
    return [tiled, untiled, progress];
  }

  it('a 2000×1500 photo runs tiled (88 tiles of 256, overlap 64) through a batch-norm (eval) resnet CycleGAN with no seam above 2/255', async () => {
    const dir = tempDir();
    const web = await exportCyclegan(dir, 'batch');
    const photo = join(dir, 'photo.png');
    await writeImage(photo, upscaled(await decodeImage(join(SAMPLES, 'photo2gray/testA/skimage_astronaut_0.jpg')), 2000, 1500));
    const [tiled, untiled, progress] = await tiledAndUntiled(web, photo);
    expect([tiled.width, tiled.height, ...progress]).toEqual([2000, 1500, 88, 88]);
    expect(maxPixelDiff(tiled, rgbOf(untiled))).toBeLessThanOrEqual(TOLERANCE);
  }, 300_000);

  it('instance norm (statistics per tile): blending leaves no step at the tile boundaries', async () => {
    const dir = tempDir();
    const web = await exportCyclegan(dir, 'instance');
    const photo = join(dir, 'photo.png');
    await writeImage(photo, upscaled(await decodeImage(join(SAMPLES, 'photo2gray/testA/skimage_astronaut_0.jpg')), 640, 480));
    const [tiled, untiled] = await tiledAndUntiled(web, photo);
    const { max, mean } = pixelDiffStats(tiled, rgbOf(untiled));
    // Blend centres of the 3 tile columns (starts 0, 192, 384 of 256): x = 224 and 416.
    const jump = columnStep(tiled, [224, 416]);
    const elsewhere = columnStep(
      tiled,
      Array.from({ length: 638 }, (_, x) => x + 1),
    );
    console.info(
      `640×480 instance-norm CycleGAN: tiled vs untiled max ${max}/255, mean ${mean.toFixed(2)}/255; step across blend centres ${jump.toFixed(2)}/255 vs ${elsewhere.toFixed(2)}/255 between any neighbours`,
    );
    expect(jump).toBeLessThan(2 * elsewhere);
  }, 300_000);
});
