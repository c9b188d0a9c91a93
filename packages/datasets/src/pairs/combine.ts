/**
 * `translate datasets combine`: the reference's datasets/combine_A_and_B.py. For every split
 * folder of fold_A (train, val, test, ...) that fold_B also has, each A image whose B image of the
 * same name exists (`x_A.ext` with `x_B.ext` under `useAB`) becomes one A|B image
 * `<fold_AB>/<split>/<name>` (`x.ext` under `useAB`), A on the left.
 */
import { join } from 'node:path';
import { DatasetError } from '../errors.js';
import { isImageFile } from '../image/discover.js';
import { checkPairSizes, filesIn, foldersIn, isFile, isFolder, requireFolder, writePairs, type Pair } from './pair_files.js';

/** JPEG quality of the A|B images: OpenCV's `imwrite` default, which the script uses. */
export const COMBINE_JPEG_QUALITY = 95;

/** Options of `combineAB`, named as the script's flags. */
export interface CombineOptions {
  /** `--fold_A`: one subfolder of A images per split. */
  foldA: string;
  /** `--fold_B`: the same subfolders, of B images. */
  foldB: string;
  /** `--fold_AB`: where the A|B images go. */
  foldAB: string;
  /** `--num_imgs`: the first this many A images of each split (sorted) are taken, those without a B included. */
  numImgs: number;
  /** `--use_AB`: pair `x_A.ext` with `x_B.ext` and write `x.ext`; other A files are ignored. */
  useAB: boolean;
  /** Pairs written at once (1 for `--no_multiprocessing`). */
  concurrency: number;
  /** Warnings (skipped splits). */
  log?: (message: string) => void;
}

/** What `combineAB` did in one split. */
export interface CombineSplit {
  split: string;
  /** A images in the split (after the `useAB` filter). */
  found: number;
  /** A|B images written. */
  written: number;
  /** B files that did not exist, so their A image was skipped (as the script does, silently). */
  missingB: string[];
}

/**
 * Combines fold_A and fold_B into fold_AB; returns what was done per split. Splits only in fold_A
 * are skipped with a warning. Every pair's size is checked before anything is written: pairs of
 * different sizes are refused, listed in one `DatasetError` (the script crashes or writes an A|B
 * image that does not split back into A and B).
 */
export async function combineAB(o: CombineOptions): Promise<CombineSplit[]> {
  if (!(o.numImgs >= 1)) throw new DatasetError(`--num_imgs must be at least 1, got ${o.numImgs}.`);
  const layout =
    'It must hold one subfolder per split (train, val, test, ...); the images of <fold_A>/<split>/ are paired with those of the same name in <fold_B>/<split>/.';
  await requireFolder('--fold_A', o.foldA, layout);
  await requireFolder('--fold_B', o.foldB, layout);
  const splitsA = await foldersIn(o.foldA);
  if (splitsA.length === 0) throw new DatasetError(`--fold_A ${o.foldA} has no subfolders. ${layout}`);
  const splits: string[] = [];
  for (const split of splitsA) {
    if (await isFolder(join(o.foldB, split))) splits.push(split);
    else o.log?.(`Skipping split '${split}': ${join(o.foldB, split)} does not exist.`);
  }
  if (splits.length === 0) {
    throw new DatasetError(
      `No split folder of --fold_A ${o.foldA} (${splitsA.join(', ')}) is in --fold_B ${o.foldB}. Give the subfolders of both the same names (train, val, test).`,
    );
  }
  const plan: { split: string; found: number; pairs: Pair[]; missingB: string[] }[] = [];
  for (const split of splits) {
    const names = (await filesIn(join(o.foldA, split), isImageFile)).filter((name) => !o.useAB || name.includes('_A.'));
    const pairs: Pair[] = [];
    const missingB: string[] = [];
    for (const name of names.slice(0, o.numImgs)) {
      const b = join(o.foldB, split, o.useAB ? name.replaceAll('_A.', '_B.') : name);
      if (await isFile(b))
        pairs.push({ a: join(o.foldA, split, name), b, out: join(o.foldAB, split, o.useAB ? name.replaceAll('_A.', '.') : name) });
      else missingB.push(b);
    }
    plan.push({ split, found: names.length, pairs, missingB });
  }
  await checkPairSizes(
    plan.flatMap((p) => p.pairs),
    'Resize one image of each pair (or remove the pair) and run combine again.',
  );
  for (const { pairs } of plan) await writePairs(pairs, { quality: COMBINE_JPEG_QUALITY, concurrency: o.concurrency });
  return plan.map(({ split, found, pairs, missingB }) => ({ split, found, written: pairs.length, missingB }));
}
