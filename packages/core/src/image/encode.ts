/**
 * Writing images: 1-channel data is saved as a real one-channel (grayscale) file, unlike the
 * reference, which tiles it to RGB; 16-bit data stays 16-bit in PNG.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import sharp from 'sharp';
import { ImageError } from '../errors.js';
import type { ImageArray, RawImage } from './types.js';

/** Raw pixels to PNG / JPEG / WebP / TIFF by the file's extension (folders created). */
export async function writeImage(file: string, img: RawImage, { quality = 90 } = {}): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const wide = img.data instanceof Uint16Array;
  let s = sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels as 1 | 2 | 3 | 4 } });
  s = s.toColourspace(wide ? (img.channels <= 2 ? 'grey16' : 'rgb16') : img.channels <= 2 ? 'b-w' : 'srgb');
  const ext = extname(file).toLowerCase();
  if (ext === '.png') s = s.png();
  else if (ext === '.jpg' || ext === '.jpeg') s = s.jpeg({ quality });
  else if (ext === '.webp') s = s.webp({ quality });
  else if (ext === '.tif' || ext === '.tiff') s = s.tiff();
  else throw new ImageError(`Cannot write ${file}: use a .png, .jpg, .webp or .tif name.`);
  await s.toFile(file);
}

/** A [-1, 1] float image back to 8-bit pixels: round((x + 1) / 2 · 255), clipped. */
export function denormalizeImage(img: ImageArray): RawImage {
  const data = new Uint8Array(img.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(255, Math.max(0, Math.round(((img.data[i]! + 1) / 2) * 255)));
  return { data, width: img.width, height: img.height, channels: img.channels };
}
