/** `edges2photo`: an aligned (pix2pix) set of A|B images, A = edges of B (Sobel or Canny), B = photo crop. */
import { join } from 'node:path';
import { deriveRng } from '../rng.js';
import { cannyEdges, sobelEdges } from './edges.js';
import { loadPhotos, randomCrop, split, type MakeOptions } from './sources.js';
import { sideBySide, toChannels, writeImage } from '@translate/core';

/** Builds `<output>/train/*.<format>` and `<output>/test/*` A|B images; returns the number written per split. */
export async function makeEdges2Photo(o: MakeOptions & { edges: 'sobel' | 'canny' }): Promise<Record<string, number>> {
  const photos = await loadPhotos(o.inputs, o.log);
  const rng = deriveRng(o.seed);
  const counts: Record<string, number> = { train: 0, test: 0 };
  for (const p of photos) {
    for (let k = 0; k < o.count; k++) {
      const photo = await randomCrop(p.image, o.size, rng);
      const gray = toChannels(photo, 1, 'drop', p.name);
      const edges = toChannels(o.edges === 'canny' ? cannyEdges(gray) : sobelEdges(gray, 0.5), 3, 'drop', p.name);
      const where = split(rng, o.testFraction);
      await writeImage(join(o.output, where, `${p.name}_${k}.${o.format}`), sideBySide(edges, photo));
      counts[where]!++;
    }
  }
  return counts;
}
