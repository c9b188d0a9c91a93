/**
 * `mosaic`: a segmentation (GauGAN) set. Each label map is a Voronoi partition of the square; each
 * cell gets a class (one class per source photo, at most `classes`) and its own instance id; the
 * photo fills every cell with a crop of its class's source. Writes <split>_label (class ids),
 * <split>_img and <split>_inst (instance ids), and classes.txt (id → source).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deriveRng } from '../rng.js';
import { loadPhotos, randomCrop, split, type MakeOptions } from './sources.js';
import { writeImage } from '@translate/core';

/** Builds the mosaic set; returns the number of triplets per split and the class count (`label_nc`). */
export async function makeMosaic(o: MakeOptions & { classes: number }): Promise<Record<string, number>> {
  const photos = (await loadPhotos(o.inputs, o.log)).slice(0, o.classes);
  const rng = deriveRng(o.seed);
  const n = o.size;
  const total = photos.length * o.count;
  const counts: Record<string, number> = { train: 0, test: 0, label_nc: photos.length };
  for (let m = 0; m < total; m++) {
    const cells = rng.randint(4, 9);
    const seeds = Array.from({ length: cells }, () => ({
      x: rng.nextFloat() * n,
      y: rng.nextFloat() * n,
      cls: rng.randint(0, photos.length - 1),
    }));
    const textures = await Promise.all(photos.map((p) => randomCrop(p.image, n, rng)));
    const label = new Uint8Array(n * n);
    const inst = new Uint8Array(n * n);
    const img = new Uint8Array(n * n * 3);
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        let best = 0;
        let bestD = Infinity;
        seeds.forEach((s, i) => {
          const d = (s.x - x - 0.5) ** 2 + (s.y - y - 0.5) ** 2;
          if (d < bestD) [best, bestD] = [i, d];
        });
        const i = y * n + x;
        const cls = seeds[best]!.cls;
        label[i] = cls;
        inst[i] = best + 1;
        img.set(textures[cls]!.data.subarray(i * 3, i * 3 + 3), i * 3);
      }
    }
    const where = split(rng, o.testFraction);
    const name = `mosaic_${String(m).padStart(4, '0')}`;
    await writeImage(join(o.output, `${where}_label`, `${name}.png`), { data: label, width: n, height: n, channels: 1 });
    await writeImage(join(o.output, `${where}_inst`, `${name}.png`), { data: inst, width: n, height: n, channels: 1 });
    await writeImage(join(o.output, `${where}_img`, `${name}.${o.format}`), { data: img, width: n, height: n, channels: 3 });
    counts[where]!++;
  }
  await writeFile(join(o.output, 'classes.txt'), photos.map((p, i) => `${i} ${p.name}\n`).join(''));
  return counts;
}
