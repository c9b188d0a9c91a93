/**
 * `translate datasets make-aligned`: the reference's datasets/make_dataset_aligned.py. The i-th
 * .png/.jpg file of `testA/` (sorted by name, that folder only) is paired with the i-th of `testB/`,
 * and likewise for `trainA/` and `trainB/`; each pair becomes `<output>/<split>/<i as 0000>.jpg`,
 * A on the left. Names need not match: pairing is by position, as in the script.
 */
import { join } from 'node:path';
import { DatasetError } from '../errors.js';
import { checkPairSizes, filesIn, isFolder, requireFolder, writePairs, type Pair } from './pair_files.js';

/** The splits the script makes, in its order. */
export const MAKE_ALIGNED_SPLITS: readonly string[] = ['test', 'train'];

/** JPEG quality of the A|B images: PIL's `save` default, which the script uses. */
export const MAKE_ALIGNED_JPEG_QUALITY = 75;

/** Options of `makeAligned`. */
export interface MakeAlignedOptions {
  /** `--dataset-path`: the folder with testA/, testB/, trainA/, trainB/. */
  datasetPath: string;
  /** Where test/ and train/ go (the script writes into `datasetPath`). */
  output: string;
  /** Pairs written at once. */
  concurrency: number;
  /** Warnings (skipped splits). */
  log?: (message: string) => void;
}

/**
 * Writes the aligned splits; returns the number of A|B images per split. A split with neither
 * folder is skipped with a warning; one folder without the other, different counts, or a pair of
 * different sizes (the script's assertions) is a `DatasetError`, raised before anything is written.
 */
export async function makeAligned(o: MakeAlignedOptions): Promise<Record<string, number>> {
  const layout = `It must hold ${MAKE_ALIGNED_SPLITS.map((s) => `${s}A/ and ${s}B/`).join(', ')}, with as many images in each A folder as in its B folder.`;
  await requireFolder('--dataset-path', o.datasetPath, layout);
  const plan: { split: string; pairs: Pair[] }[] = [];
  for (const split of MAKE_ALIGNED_SPLITS) {
    const dirA = join(o.datasetPath, `${split}A`);
    const dirB = join(o.datasetPath, `${split}B`);
    const [hasA, hasB] = [await isFolder(dirA), await isFolder(dirB)];
    if (!hasA && !hasB) {
      o.log?.(`Skipping split '${split}': ${o.datasetPath} has neither ${split}A/ nor ${split}B/.`);
      continue;
    }
    if (!hasA || !hasB) throw new DatasetError(`${hasA ? dirA : dirB} exists but ${hasA ? dirB : dirA} does not. ${layout}`);
    const [namesA, namesB] = await Promise.all([filesIn(dirA, isPngOrJpg), filesIn(dirB, isPngOrJpg)]);
    if (namesA.length !== namesB.length) {
      throw new DatasetError(
        `${dirA} has ${namesA.length} .png/.jpg images but ${dirB} has ${namesB.length}. make-aligned pairs them by position in name order, so both need the same number: remove the extra ones.`,
      );
    }
    const pairs = namesA.map((name, i) => ({
      a: join(dirA, name),
      b: join(dirB, namesB[i]!),
      out: join(o.output, split, `${String(i).padStart(4, '0')}.jpg`),
    }));
    plan.push({ split, pairs });
  }
  if (plan.length === 0) throw new DatasetError(`--dataset-path ${o.datasetPath} has no split folders. ${layout}`);
  await checkPairSizes(
    plan.flatMap((p) => p.pairs),
    'make-aligned pairs the i-th image of each A folder with the i-th of its B folder (in name order): check that they belong together, and resize one of each pair.',
  );
  for (const { pairs } of plan) await writePairs(pairs, { quality: MAKE_ALIGNED_JPEG_QUALITY, concurrency: o.concurrency });
  return Object.fromEntries(plan.map(({ split, pairs }) => [split, pairs.length]));
}

/** The script's file filter (`.png` or `.jpg`), in any letter case as everywhere in translate. */
function isPngOrJpg(name: string): boolean {
  return /\.(png|jpg)$/i.test(name);
}
