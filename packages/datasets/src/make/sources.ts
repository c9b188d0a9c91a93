/** Photos for the sample-set builders: collected from folders/files, decoded, cut into random square crops. */
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { DatasetError } from '../errors.js';
import { listImages } from '../image/discover.js';
import type { Rng } from '../rng.js';
import { decodeImage, cropImage, toChannels, toEightBit, resizeBicubic, type RawImage } from '@translate/core';

/** Options every builder takes. */
export interface MakeOptions {
  /** Folders (searched recursively) and/or image files. */
  inputs: string[];
  /** Folder to write the dataset into. */
  output: string;
  /** Side of the square images, in pixels. */
  size: number;
  /** Crops taken from each photo. */
  count: number;
  /** Share of the crops written to the test/val split. */
  testFraction: number;
  seed: number;
  /** File type of photos (label and instance maps are always PNG). */
  format: 'png' | 'jpg';
  /** Progress and warnings. */
  log?: (message: string) => void;
}

/** A decoded source photo. */
export interface Photo {
  name: string;
  image: RawImage;
  /** True when the file is grayscale (1 or 2 channels). */
  gray: boolean;
}

/** Every image under `inputs`, decoded to 8-bit RGB; unreadable ones are skipped with a warning. */
export async function loadPhotos(inputs: string[], log: (m: string) => void = () => undefined): Promise<Photo[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const s = await stat(input).catch(() => null);
    if (!s) throw new DatasetError(`--input ${input} does not exist.`);
    files.push(...(s.isDirectory() ? await listImages(input, { warn: log }) : [input]));
  }
  const photos: Photo[] = [];
  for (const file of files) {
    try {
      const raw = await decodeImage(file);
      photos.push({
        name: uniqueName(basename(file, extname(file)), photos),
        image: toChannels(toEightBit(raw), 3, 'flatten', file),
        gray: raw.channels <= 2,
      });
    } catch (err) {
      log(`Skipping ${file}: ${(err as Error).message}`);
    }
  }
  if (photos.length === 0) throw new DatasetError(`No readable images in ${inputs.join(', ')}.`);
  return photos;
}

/** `name`, or `name-2`, `name-3`... when another photo already has it (a.png and a.jpg). */
function uniqueName(name: string, taken: Photo[]): string {
  let candidate = name;
  for (let k = 2; taken.some((p) => p.name === candidate); k++) candidate = `${name}-${k}`;
  return candidate;
}

/**
 * A random square crop resized to size×size: the crop side is the photo's short side divided by
 * a zoom drawn in [1, 2], so crops vary in scale as well as position.
 */
export async function randomCrop(photo: RawImage, size: number, rng: Rng): Promise<RawImage> {
  const short = Math.min(photo.width, photo.height);
  const side = Math.max(1, Math.floor(short / (1 + rng.nextFloat())));
  const x = rng.randint(0, photo.width - side);
  const y = rng.randint(0, photo.height - side);
  return resizeBicubic(cropImage(photo, x, y, side, side), size, size);
}

/** 'train' or 'test' for the next item, by `testFraction`. */
export function split(rng: Rng, testFraction: number): 'train' | 'test' {
  return rng.nextFloat() < testFraction ? 'test' : 'train';
}
