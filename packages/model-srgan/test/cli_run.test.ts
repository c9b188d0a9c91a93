/**
 * The acceptance run on the shipped photos (samples/sr), tiny settings, through the CLI in-process:
 * `translate train --model srresnet`, then `--model srgan --pretrained_G <that checkpoint>`, then
 * `translate test --model srgan` writing the SR images, the bicubic | SR | HR page and metrics.csv,
 * whose numbers are recomputed here from the written PNGs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSafetensors, srMetrics, type MetricImage, decodeImage } from '@translate/core';
import { main } from '../../cli/src/main.js';
import { randomVggFile, tempDir } from './helpers.js';

const samples = fileURLToPath(new URL('../../../samples/sr', import.meta.url));

async function translate(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(argv, {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      out += t;
    },
    env: {},
  });
  return { code, out };
}

async function png(path: string): Promise<MetricImage> {
  const { data, width, height, channels } = await decodeImage(path);
  return { data: Float64Array.from(data, (v) => v / 255), width, height, channels };
}

const weight = (path: string, key: string) => readSafetensors(new Uint8Array(readFileSync(path))).tensors.get(key)!.data as Float32Array;

describe('translate train srresnet → srgan → test', () => {
  it('trains both on samples/sr and tests with images, page and a CSV whose numbers match the images', async () => {
    const root = tempDir();
    const common = ['--dataroot', samples, '--checkpoints_dir', root, '--backend', 'wasm', '--num_threads', '1', '--seed', '3'];
    const train = [
      ...common,
      '--n_blocks',
      '1',
      '--ngf',
      '4',
      '--crop_size',
      '32',
      '--batch_size',
      '3',
      '--n_epochs',
      '1',
      '--n_epochs_decay',
      '0',
      '--print_freq',
      '3',
      '--display_freq',
      '3',
    ];
    const warm = await translate(['train', '--model', 'srresnet', '--name', 'warm', ...train]);
    expect(warm.code, warm.out).toBe(0);
    expect(warm.out).toMatch(/G_MSE: [\d.]+/);
    const warmG = join(root, 'warm', 'latest_net_G.safetensors');

    const vgg = randomVggFile();
    const gan = await translate([
      'train',
      '--model',
      'srgan',
      '--name',
      'gan',
      '--pretrained_G',
      join(root, 'warm'),
      '--vgg_weights',
      vgg,
      '--vgg_layer',
      'relu2_2',
      '--ndf',
      '4',
      ...train,
    ]);
    expect(gan.code, gan.out).toBe(0);
    expect(gan.out).toMatch(/D_real: [\d.]+ D_fake: [\d.]+ G_MSE: [\d.]+ G_VGG: [\d.]+ G_GAN: [\d.]+/);
    // Started from the warm-up: 3 Adam steps of lr 1e-4 move no weight by more than 3e-4 (+ε).
    const [before, after] = [weight(warmG, 'block1.0.weight'), weight(join(root, 'gan', 'latest_net_G.safetensors'), 'block1.0.weight')];
    expect(Math.max(...before.map((v, i) => Math.abs(v - after[i]!)))).toBeLessThan(3.5e-4);

    const results = join(root, 'results');
    const test = await translate([
      'test',
      '--model',
      'srgan',
      '--name',
      'gan',
      '--phase',
      'val',
      '--results_dir',
      results,
      '--tile',
      '8',
      ...common,
    ]);
    expect(test.code, test.out).toBe(0);
    // The generator's shape comes from the checkpoint: --n_blocks and --ngf were not repeated.
    expect(test.out).toContain('Using --n_blocks 1 from the checkpoint (not 16).');
    const web = join(results, 'gan', 'val_latest');
    const html = readFileSync(join(web, 'index.html'), 'utf8');
    const stems = ['skimage_astronaut_0', 'skimage_astronaut_1', 'skimage_rocket_0'];
    for (const stem of stems) {
      for (const visual of ['bicubic', 'SR', 'HR'])
        expect(existsSync(join(web, 'images', `${stem}_${visual}.png`)), `${stem}_${visual}`).toBe(true);
      expect(html.indexOf(`${stem}_bicubic.png`)).toBeLessThan(html.indexOf(`${stem}_SR.png`));
      expect(html.indexOf(`${stem}_SR.png`)).toBeLessThan(html.indexOf(`${stem}_HR.png`));
    }
    const [header, ...rows] = readFileSync(join(web, 'metrics.csv'), 'utf8').trim().split('\n');
    const columns = header!.split(',');
    expect(columns).toEqual([
      'image',
      'psnr_y',
      'ssim_y',
      'psnr_rgb',
      'ssim_rgb',
      'bicubic_psnr_y',
      'bicubic_ssim_y',
      'bicubic_psnr_rgb',
      'bicubic_ssim_rgb',
    ]);
    expect(rows.map((r) => r.split(',')[0])).toEqual([...stems, 'mean']);
    const table = rows.map((r) => r.split(',').slice(1).map(Number));
    for (const [i, stem] of stems.entries()) {
      const hr = await png(join(web, 'images', `${stem}_HR.png`));
      for (const [offset, visual] of [
        [0, 'SR'],
        [4, 'bicubic'],
      ] as const) {
        const image = await png(join(web, 'images', `${stem}_${visual}.png`));
        const y = srMetrics(image, hr, { channel: 'y', shave: 4 });
        const rgb = srMetrics(image, hr, { channel: 'rgb', shave: 4 });
        [y.psnr, y.ssim, rgb.psnr, rgb.ssim].forEach((v, k) =>
          expect(table[i]![offset + k]!, `${stem} ${visual} ${columns[offset + k + 1]}`).toBeCloseTo(v, 9),
        );
      }
    }
    table[3]!.forEach((mean, k) => expect(mean).toBeCloseTo((table[0]![k]! + table[1]![k]! + table[2]![k]!) / 3, 9));
    expect(test.out).toMatch(/Mean over 3 images: psnr_y [\d.]+/);

    // A folder of low-resolution photos alone: bicubic and SR, no HR, no metrics.
    const lrOnly = await translate([
      'test',
      '--model',
      'srgan',
      '--name',
      'gan',
      '--dataset_mode',
      'single',
      '--preprocess',
      'none',
      '--results_dir',
      join(root, 'lr_only'),
      '--tile',
      '16',
      ...common,
      '--dataroot',
      join(samples, 'val'),
    ]);
    expect(lrOnly.code, lrOnly.out).toBe(0);
    const lrWeb = join(root, 'lr_only', 'gan', 'test_latest');
    expect(existsSync(join(lrWeb, 'images', 'skimage_rocket_0_SR.png'))).toBe(true);
    expect((await png(join(lrWeb, 'images', 'skimage_rocket_0_SR.png'))).width).toBe(384);
    expect(existsSync(join(lrWeb, 'images', 'skimage_rocket_0_HR.png'))).toBe(false);
    expect(existsSync(join(lrWeb, 'metrics.csv'))).toBe(false);
  });
});
