import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkDataset } from '../src/check.js';

const SAMPLES = fileURLToPath(new URL('../../../samples', import.meta.url));

describe('shipped samples/', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['edges2photo', { dataset_mode: 'aligned', load_size: 72, crop_size: 64 }, ['A: 64x64x3', 'B: 64x64x3']],
    ['photo2gray', { dataset_mode: 'unaligned', load_size: 72, crop_size: 64 }, ['A: 64x64x3', 'B: 64x64x3']],
    [
      'mosaic',
      { dataset_mode: 'segmentation', label_nc: 5, load_size: 64, crop_size: 64 },
      ['label: 64x64x1', 'B: 64x64x3', 'instance: 64x64x1'],
    ],
    ['sr', { dataset_mode: 'super_resolution', scale: 4 }, ['A: 24x24x3', 'B: 96x96x3']],
  ];
  for (const [name, opts, shapes] of cases) {
    it(`${name} passes check with its mode`, async () => {
      const r = await checkDataset({ dataroot: join(SAMPLES, name), ...opts });
      expect(r.problems).toEqual([]);
      expect(r.sample.map((s) => s.split(' ').slice(0, 2).join(' ')).sort()).toEqual(shapes.sort());
    });
  }
});
