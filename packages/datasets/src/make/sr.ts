/** `sr`: a super-resolution set of high-resolution crops taken at the photos' native scale (no resampling). */
import { join } from 'node:path';
import { deriveRng } from '../rng.js';
import { loadPhotos, split, type MakeOptions } from './sources.js';
import { cropImage, writeImage } from '@translate/core';

/** Builds `<output>/train` and `<output>/val` (SRGAN's names); returns the number written per split. */
export async function makeSr(o: MakeOptions): Promise<Record<string, number>> {
  const photos = await loadPhotos(o.inputs, o.log);
  const rng = deriveRng(o.seed);
  const counts: Record<string, number> = { train: 0, val: 0 };
  for (const p of photos) {
    const { width, height } = p.image;
    if (Math.min(width, height) < o.size) {
      o.log?.(`Skipping ${p.name}: ${width}x${height} is smaller than --size ${o.size}.`);
      continue;
    }
    for (let k = 0; k < o.count; k++) {
      const crop = cropImage(p.image, rng.randint(0, width - o.size), rng.randint(0, height - o.size), o.size, o.size);
      const where = split(rng, o.testFraction) === 'test' ? 'val' : 'train';
      await writeImage(join(o.output, where, `${p.name}_${k}.png`), crop);
      counts[where]!++;
    }
  }
  return counts;
}
