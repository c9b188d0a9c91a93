/**
 * Image discovery, as the reference's `make_dataset`: a recursive walk, folders visited in sorted
 * order, files sorted within each folder, truncated to `max_dataset_size`; and SPADE's natural sort.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DatasetError } from '../errors.js';

/** Extensions recognised as images (any letter case): the reference's list plus webp. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.tif', '.tiff', '.webp'];

/** True when the file name has an image extension. */
export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
}

/** All image files under `dir`, sorted, at most `maxDatasetSize`. Throws `DatasetError` if `dir` is not a folder. */
export async function listImages(dir: string, maxDatasetSize = Infinity): Promise<string[]> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new DatasetError(`The folder ${dir} does not exist. Check --dataroot and --phase.`);
  if (!info.isDirectory()) throw new DatasetError(`${dir} is a file, not a folder. --dataroot must be a folder.`);
  const folders: { root: string; files: string[] }[] = [];
  await walk(dir, folders);
  folders.sort((a, b) => compare(a.root, b.root));
  const images = folders.flatMap((f) => f.files.sort(compare).map((name) => join(f.root, name)));
  return images.slice(0, Math.min(maxDatasetSize, images.length));
}

async function walk(root: string, out: { root: string; files: string[] }[]): Promise<void> {
  const entries = await readdir(root, { withFileTypes: true });
  const files: string[] = [];
  for (const e of entries) {
    if (e.isDirectory()) {
      await walk(join(root, e.name), out);
    } else if (isImageFile(e.name) && (e.isFile() || (e.isSymbolicLink() && (await stat(join(root, e.name)).catch(() => null))?.isFile()))) {
      files.push(e.name);
    }
  }
  out.push({ root, files });
}

/** Code-point order, as Python's string sort (numbers in numeric order). */
function compare<T extends string | bigint>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * SPADE's `natural_sort` (a sorted copy): runs of digits compare as numbers (`img2` before
 * `img10`), the text between them by code point; equal keys keep their order.
 */
export function naturalSort(paths: readonly string[]): string[] {
  const keys = new Map(paths.map((p) => [p, p.split(/(\d+)/)]));
  return [...paths].sort((a, b) => compareNatural(keys.get(a)!, keys.get(b)!));
}

/** Python's comparison of `natural_keys` lists: text parts at even indices, numbers at odd ones. */
function compareNatural(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = i % 2 === 1 ? compare(BigInt(a[i]!), BigInt(b[i]!)) : compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
