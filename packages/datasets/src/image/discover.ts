/**
 * Image discovery, as the reference's `make_dataset`: a recursive walk, folders visited in sorted
 * order, files sorted within each folder, truncated to `max_dataset_size`; and SPADE's natural sort.
 * Image files of kinds the reference does not read (GIF, SVG, ...) are skipped, as there, and reported.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { DatasetError } from '../errors.js';

/** Extensions recognised as images (any letter case): the reference's list plus webp. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.tif', '.tiff', '.webp'];

/** True when the file name has an image extension. */
export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
}

/** Image kinds that are not read (the reference's list lacks them): files of these kinds are skipped with a warning. */
export const SKIPPED_IMAGE_EXTENSIONS: readonly string[] = ['.gif', '.svg', '.avif', '.heic', '.heif'];

/** How `listImages` reads a folder. */
export interface ListImagesOptions {
  /** At most this many files (the first in order); default all. */
  maxDatasetSize?: number;
  /** Receives the one warning about skipped image files, if there are any. */
  warn: (message: string) => void;
}

/**
 * All image files under `dir`, sorted, at most `maxDatasetSize`; image files of a kind in
 * `SKIPPED_IMAGE_EXTENSIONS` are reported in one warning. Throws `DatasetError` if `dir` is not a folder.
 */
export async function listImages(dir: string, { maxDatasetSize = Infinity, warn }: ListImagesOptions): Promise<string[]> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new DatasetError(`The folder ${dir} does not exist. Check --dataroot and --phase.`);
  if (!info.isDirectory()) throw new DatasetError(`${dir} is a file, not a folder. --dataroot must be a folder.`);
  const folders: Folder[] = [];
  await walk(dir, folders);
  folders.sort((a, b) => compare(a.root, b.root));
  const skipped = folders.flatMap((f) => f.skipped.sort(compare).map((name) => join(f.root, name)));
  if (skipped.length > 0) warn(skippedMessage(dir, skipped));
  const images = folders.flatMap((f) => f.files.sort(compare).map((name) => join(f.root, name)));
  return images.slice(0, Math.min(maxDatasetSize, images.length));
}

/** The image files and the skipped image files directly in one folder. */
interface Folder {
  root: string;
  files: string[];
  skipped: string[];
}

async function walk(root: string, out: Folder[]): Promise<void> {
  const entries = await readdir(root, { withFileTypes: true });
  const folder: Folder = { root, files: [], skipped: [] };
  for (const e of entries) {
    if (e.isDirectory()) {
      await walk(join(root, e.name), out);
    } else {
      const list = isImageFile(e.name)
        ? folder.files
        : SKIPPED_IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase())
          ? folder.skipped
          : null;
      if (list && (e.isFile() || (e.isSymbolicLink() && (await stat(join(root, e.name)).catch(() => null))?.isFile()))) list.push(e.name);
    }
  }
  out.push(folder);
}

/** The warning about skipped files: a count and the first names of each kind. */
function skippedMessage(dir: string, files: readonly string[]): string {
  const byKind = new Map<string, string[]>();
  for (const file of files) {
    const kind = extname(file).slice(1).toUpperCase();
    byKind.set(kind, [...(byKind.get(kind) ?? []), relative(dir, file)]);
  }
  const kinds = [...byKind].map(
    ([kind, names]) => `${names.length} ${kind} (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''})`,
  );
  return (
    `Skipped ${files.length} image file(s) in ${dir} that are not read, as the reference skips them: ${kinds.join('; ')}. ` +
    `Convert them to PNG or JPEG to use them (readable kinds: ${IMAGE_EXTENSIONS.join(' ')}).`
  );
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
