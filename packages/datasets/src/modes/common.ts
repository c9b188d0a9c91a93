/** Helpers shared by the dataset modes: reading and checking files, warnings, option plumbing. */
import { basename, extname } from 'node:path';
import { DatasetError } from '../errors.js';
import type { DataOptions } from '../options.js';
import type { PreprocessContext, PreprocessOptions } from '../transform/preprocess.js';
import type { DatasetContext } from '../dataset.js';
import { decodeImage, probeImage, toChannels, type ImageInfo, type RawImage, ImageDecodeError } from '@translate/core';

/** Decodes `file` and converts it to `channels` (1 or 3) under the `alpha_mode` option. */
export async function readImage(file: string, channels: number, opts: DataOptions): Promise<RawImage> {
  return toChannels(await decodeImage(file), channels as 1 | 3, opts.alpha_mode, file);
}

/** The preprocessing options from resolved dataset options. */
export function preprocessOptions(opts: DataOptions & { aspect_ratio?: number }): PreprocessOptions {
  return {
    preprocess: opts.preprocess,
    load_size: opts.load_size,
    crop_size: opts.crop_size,
    no_flip: opts.no_flip,
    size_multiple: opts.size_multiple,
    aspect_ratio: opts.aspect_ratio ?? 1,
  };
}

/** A preprocessing context for `file` whose keyed warnings are printed once per dataset. */
export function onceWarner(ctx: DatasetContext): (file: string) => PreprocessContext {
  const seen = new Set<string>();
  return (file) => ({
    file,
    warn(key, message) {
      if (seen.has(key)) return;
      seen.add(key);
      ctx.warn(message);
    },
  });
}

/**
 * Reads every header (cheap: no pixels). Unreadable files are dropped with a warning when
 * `skip_bad_images` is set; otherwise they are a `DatasetError` listing them. Images with an EXIF
 * orientation other than 1 get one warning: they are read as stored, as the reference reads them.
 */
export async function scanImages(
  files: readonly string[],
  opts: DataOptions,
  ctx: DatasetContext,
): Promise<{ files: string[]; infos: Map<string, ImageInfo> }> {
  const infos = new Map<string, ImageInfo>();
  const bad: ImageDecodeError[] = [];
  await mapLimit(files, 16, async (file) => {
    try {
      infos.set(file, await probeImage(file));
    } catch (err) {
      if (!(err instanceof ImageDecodeError)) throw err;
      bad.push(err);
    }
  });
  if (bad.length > 0 && !opts.skip_bad_images) {
    throw new DatasetError(
      `${bad.length} unreadable image(s):\n${listSome(bad.map((e) => e.message))}\nFix or remove them, or pass --skip_bad_images to skip them.`,
    );
  }
  for (const e of bad) ctx.warn(`Skipping ${e.file}: ${e.message}`);
  const rotated = files.filter((f) => (infos.get(f)?.orientation ?? 1) !== 1);
  if (rotated.length > 0) ctx.warn(orientationMessage(rotated, infos));
  return { files: files.filter((f) => infos.has(f)), infos };
}

/** The warning about files with an EXIF orientation other than 1: a count and the first names. */
function orientationMessage(files: readonly string[], infos: ReadonlyMap<string, ImageInfo>): string {
  const shown = files.slice(0, 5).map((f) => `${f} (orientation ${infos.get(f)!.orientation})`);
  return (
    `${files.length} image(s) have an EXIF orientation other than 1 and are read as stored, not rotated: ${shown.join(', ')}${files.length > 5 ? ', ...' : ''}. ` +
    'The reference ignores EXIF orientation too; rotate them to be sure.'
  );
}

/** Up to `max` lines of `items`, with a count of the rest. */
export function listSome(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max).map((s) => `  ${s}`);
  if (items.length > max) shown.push(`  ... and ${items.length - max} more`);
  return shown.join('\n');
}

/** A file name without folder and extension, used to pair files. */
export function stem(file: string): string {
  return basename(file, extname(file));
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The error for a folder without images, with a hint on the layout the mode expects. */
export function noImagesError(dir: string, layout: string): DatasetError {
  return new DatasetError(
    `No images found in ${dir} (looked for .jpg .jpeg .png .bmp .ppm .tif .tiff .webp, in subfolders too). ${layout}`,
  );
}
