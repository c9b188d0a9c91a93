/** Test helpers: temporary folders, images written from known pixels, a scripted RNG. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Rng } from '../src/rng.js';
import type { RawImage } from '@translate/core';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A fresh temporary folder; `cleanup` removes it. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'translate-datasets-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** An 8-bit RGB image whose pixel (x, y) is (x, y, fill): crops and flips can be read back from the pixels. */
export function coordImage(width: number, height: number, fill = 0): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x % 256, y % 256, fill], (y * width + x) * 3);
  }
  return { data, width, height, channels: 3 };
}

/** Writes raw pixels as PNG (8-bit, or 16-bit for Uint16Array data). */
export async function writePng(file: string, img: RawImage): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  const wide = img.data instanceof Uint16Array;
  let s = sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels as 1 | 2 | 3 | 4 } });
  if (wide) s = s.toColourspace(img.channels <= 2 ? 'grey16' : 'rgb16');
  else if (img.channels <= 2) s = s.toColourspace('b-w');
  await s.png().toFile(file);
  return file;
}

/** Writes bytes to a file, creating folders. */
export async function writeBytes(file: string, bytes: Uint8Array | string): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, bytes);
  return file;
}

/** An RNG that returns scripted values and records every call. */
export function scriptedRng(ints: number[], floats: number[] = []): Rng & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    randint(lo, hi) {
      calls.push(`randint(${lo},${hi})`);
      const v = ints.shift();
      if (v === undefined) throw new Error('scripted rng: no int left');
      return v;
    },
    nextFloat() {
      calls.push('nextFloat()');
      const v = floats.shift();
      if (v === undefined) throw new Error('scripted rng: no float left');
      return v;
    },
  };
}

/** Pixel (x, y) of an HWC image as an array of channel values. */
export function pixel(img: { data: ArrayLike<number>; width: number; channels?: number }, x: number, y: number): number[] {
  const c = img.channels ?? 1;
  return Array.from({ length: c }, (_, k) => img.data[(y * img.width + x) * c + k]!);
}

/** Float in [-1, 1] back to the 8-bit value it came from. */
export function to8(v: number): number {
  return Math.round(((v + 1) / 2) * 255);
}
