/**
 * `photo2gray`: an unaligned (CycleGAN) two-domain set: A = colour crops, B = grayscale crops (saved
 * as one-channel files) of other crops, so no A has its B twin. Grayscale source photos feed B only.
 */
import { join } from 'node:path';
import { deriveRng } from '../rng.js';
import { loadPhotos, randomCrop, split, type MakeOptions } from './sources.js';
import { toChannels, writeImage } from '@translate/core';

/** Builds `<output>/{train,test}{A,B}`; returns the number written per folder. */
export async function makePhoto2Gray(o: MakeOptions): Promise<Record<string, number>> {
  const photos = await loadPhotos(o.inputs, o.log);
  const rng = deriveRng(o.seed);
  const counts: Record<string, number> = { trainA: 0, trainB: 0, testA: 0, testB: 0 };
  for (const p of photos) {
    for (let k = 0; k < o.count; k++) {
      const where = split(rng, o.testFraction);
      if (!p.gray) {
        await writeImage(join(o.output, `${where}A`, `${p.name}_${k}.${o.format}`), await randomCrop(p.image, o.size, rng));
        counts[`${where}A`]!++;
      }
      const other = toChannels(await randomCrop(p.image, o.size, rng), 1, 'drop', p.name);
      await writeImage(join(o.output, `${where}B`, `${p.name}_${k}.${o.format}`), other);
      counts[`${where}B`]!++;
    }
  }
  return counts;
}
