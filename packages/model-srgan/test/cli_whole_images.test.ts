/**
 * `translate test --model srresnet` on non-square photos through the CLI in-process: the test phase
 * evaluates each whole image cropped to a multiple of the scale (bottom/right, BasicSR's mod_crop),
 * tiles of a non-square input assemble to the untiled result, batches of one size write every
 * image with its own metrics, and batches of different sizes are refused before any model runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { srMetrics, type MetricImage, cropImage, decodeImage, writeImage, type RawImage } from '@translate/core';
import { main } from '../../cli/src/main.js';
import { tempDir } from './helpers.js';

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

/** Writes the top-left `width`×`height` of a shipped 96 px training photo to `file`. */
async function photoCrop(photo: string, file: string, width: number, height: number): Promise<RawImage> {
  const image = cropImage(await decodeImage(join(samples, 'train', photo)), 5, 3, width, height);
  await writeImage(file, image);
  return image;
}

const unit = ({ data, width, height, channels }: RawImage): MetricImage => ({
  data: Float64Array.from(data, (v) => v / 255),
  width,
  height,
  channels,
});
const worst = (a: RawImage, b: RawImage) => Array.from(a.data).reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i]!)), 0);

/** metrics.csv as rows of name → numbers. */
function metricsTable(web: string): Map<string, number[]> {
  const [, ...rows] = readFileSync(join(web, 'metrics.csv'), 'utf8').trim().split('\n');
  return new Map(rows.map((row) => [row.split(',')[0]!, row.split(',').slice(1).map(Number)]));
}

describe('translate test --model srresnet on whole non-square images', () => {
  it('mod-crops each image, tiles match untiled, batches of one size write every image, different sizes are refused', async () => {
    const root = tempDir();
    const common = ['--checkpoints_dir', root, '--backend', 'wasm', '--num_threads', '1', '--seed', '3', '--name', 'warm'];
    const train = await translate([
      'train',
      '--model',
      'srresnet',
      '--dataroot',
      samples,
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
    ]);
    expect(train.code, train.out).toBe(0);

    // Three sizes: 50×31 → 48×28, 61×42 → 60×40, 45×47 → 44×44 at ×4.
    const mixed = join(root, 'mixed');
    const sources = {
      a: await photoCrop('skimage_chelsea_0.png', join(mixed, 'test', 'a.png'), 50, 31),
      b: await photoCrop('skimage_coffee_0.png', join(mixed, 'test', 'b.png'), 61, 42),
      c: await photoCrop('skimage_rocket_1.png', join(mixed, 'test', 'c.png'), 45, 47),
    };
    const sizes = { a: [48, 28], b: [60, 40], c: [44, 44] } as const;
    const test = (dataroot: string, results: string, extra: string[]) =>
      translate(['test', '--model', 'srresnet', '--dataroot', dataroot, '--results_dir', join(root, results), ...common, ...extra]);

    const tiled = await test(mixed, 'tiled', ['--tile', '4']);
    expect(tiled.code, tiled.out).toBe(0);
    expect(tiled.out).toContain('Wrote 3 results');
    const web = join(root, 'tiled', 'warm', 'test_latest');
    const table = metricsTable(web);
    expect([...table.keys()]).toEqual(['a', 'b', 'c', 'mean']);
    for (const stem of ['a', 'b', 'c'] as const) {
      const [w, h] = sizes[stem];
      const [hr, sr, bicubic] = await Promise.all(['HR', 'SR', 'bicubic'].map((v) => decodeImage(join(web, 'images', `${stem}_${v}.png`))));
      for (const image of [hr!, sr!, bicubic!]) expect([image.width, image.height], stem).toEqual([w, h]);
      // The whole photo less its right and bottom w mod 4, h mod 4 pixels, as the file holds them.
      expect(Buffer.from(hr!.data).equals(Buffer.from(cropImage(sources[stem], 0, 0, w, h).data)), stem).toBe(true);
      const y = srMetrics(unit(sr!), unit(hr!), { channel: 'y', shave: 4 });
      expect(table.get(stem)![0]!, stem).toBeCloseTo(y.psnr, 9);
    }

    // Tiles of 4 LR pixels with the default overlap (the receptive radius) give the untiled result.
    const whole = await test(mixed, 'whole', ['--tile', '0']);
    expect(whole.code, whole.out).toBe(0);
    for (const stem of ['a', 'b', 'c']) {
      const [a, b] = await Promise.all(
        ['tiled', 'whole'].map((r) => decodeImage(join(root, r, 'warm', 'test_latest', 'images', `${stem}_SR.png`))),
      );
      expect(worst(a!, b!), stem).toBeLessThanOrEqual(1);
    }

    const refused = await test(mixed, 'refused', ['--batch_size', '2']);
    expect(refused.code).toBe(2);
    expect(refused.out).toContain(
      '--batch_size 2 stacks images of one size, but --phase test uses each whole image (cropped to a multiple of --scale 4) and these differ:',
    );
    expect(refused.out).toContain(`${join(mixed, 'test', 'b.png')}: 60x40`);

    // One size (50×31 crops of three photos): a batch of 3 writes 3 rows, each as a batch-1 run does.
    const same = join(root, 'same');
    for (const [stem, photo] of [
      ['d', 'skimage_chelsea_1.png'],
      ['e', 'mypaint_HR_Cork_0.png'],
      ['f', 'lomiri_seeding_by_Clements_Engelhardt_768_0.png'],
    ]) {
      await photoCrop(photo!, join(same, 'test', `${stem}.png`), 50, 31);
    }
    const batched = await test(same, 'batched', ['--batch_size', '3']);
    expect(batched.code, batched.out).toBe(0);
    expect(batched.out).toContain('Wrote 3 results');
    const single = await test(same, 'single', []);
    expect(single.code, single.out).toBe(0);
    const [b, s] = [metricsTable(join(root, 'batched', 'warm', 'test_latest')), metricsTable(join(root, 'single', 'warm', 'test_latest'))];
    expect([...b.keys()]).toEqual(['d', 'e', 'f', 'mean']);
    for (const stem of ['d', 'e', 'f']) b.get(stem)!.forEach((v, k) => expect(v, `${stem} column ${k}`).toBeCloseTo(s.get(stem)![k]!, 6));
    expect(new Set(['d', 'e', 'f'].map((stem) => b.get(stem)![0]!.toFixed(3))).size).toBe(3);
  });
});
