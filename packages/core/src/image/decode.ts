/**
 * Image decoding. sharp reads png, jpg, tiff and webp; small built-in decoders read bmp and
 * pgm/ppm. Pixels come back unconverted: 1–4 channels, 8 or 16 bits, embedded colour profiles
 * ignored (as PIL does, so the numbers match the reference). Any failure is an `ImageDecodeError`
 * naming the file.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp from 'sharp';
import { ImageDecodeError } from '../errors.js';
import { decodeBmp, readBmpHeader } from './bmp.js';
import { decodePnm, readPnmHeader } from './pnm.js';
import type { RawImage } from './types.js';

/** What a header says about an image, read without decoding the pixels. */
export interface ImageInfo {
  file: string;
  /** Container format: png, jpeg, tiff, webp, bmp, pnm... */
  format: string;
  width: number;
  height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA (CMYK is reported as 3: it is converted to RGB). */
  channels: number;
  bitDepth: 8 | 16;
  hasAlpha: boolean;
  /** True for an indexed-colour (palette) PNG/GIF: its pixels decode to the palette's colours. */
  isPalette: boolean;
  /** EXIF orientation, 1–8 (1, also without a tag: as stored). Decoding ignores it, as the reference (PIL without exif_transpose) does. */
  orientation: number;
}

const OWN_DECODERS: Record<
  string,
  { header(b: Uint8Array): { width: number; height: number; channels: number; bitDepth?: 8 | 16 }; decode(b: Uint8Array): RawImage }
> = {
  '.bmp': { header: readBmpHeader, decode: decodeBmp },
  '.ppm': { header: readPnmHeader, decode: decodePnm },
  '.pgm': { header: readPnmHeader, decode: decodePnm },
  '.pnm': { header: readPnmHeader, decode: decodePnm },
};

/** Reads an image's header. Throws `ImageDecodeError` for a missing, unreadable or unsupported file. */
export async function probeImage(file: string): Promise<ImageInfo> {
  const own = OWN_DECODERS[extname(file).toLowerCase()];
  if (own) {
    const h = await guard(file, async () => own.header(await readFile(file)));
    const format = extname(file).toLowerCase() === '.bmp' ? 'bmp' : 'pnm';
    return {
      file,
      format,
      width: h.width,
      height: h.height,
      channels: h.channels,
      bitDepth: h.bitDepth ?? 8,
      hasAlpha: h.channels === 2 || h.channels === 4,
      isPalette: false,
      orientation: 1,
    };
  }
  const meta = await guard(file, () => sharp(file, { ignoreIcc: true }).metadata());
  const bitDepth = sampleBits(file, meta.depth);
  const cmyk = meta.space === 'cmyk';
  const channels = cmyk ? 3 + (meta.hasAlpha ? 1 : 0) : (meta.channels ?? 3);
  return {
    file,
    format: meta.format ?? 'unknown',
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    channels,
    bitDepth,
    hasAlpha: meta.hasAlpha ?? false,
    isPalette: meta.isPalette ?? false,
    orientation: meta.orientation ?? 1,
  };
}

/** Decodes an image file into raw pixels (channels and bit depth as stored). */
export async function decodeImage(file: string): Promise<RawImage> {
  const own = OWN_DECODERS[extname(file).toLowerCase()];
  if (own) return guard(file, async () => own.decode(await readFile(file)));
  const info = await probeImage(file);
  const gray = info.channels <= 2;
  const space = info.bitDepth === 16 ? (gray ? 'grey16' : 'rgb16') : gray ? 'b-w' : 'srgb';
  const { data, info: out } = await guard(file, () =>
    sharp(file, { ignoreIcc: true, failOn: 'warning' })
      .toColourspace(space)
      .raw({ depth: info.bitDepth === 16 ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true }),
  );
  const pixels = info.bitDepth === 16 ? toUint16(data) : new Uint8Array(data.buffer, data.byteOffset, data.length);
  return { data: pixels, width: out.width, height: out.height, channels: out.channels };
}

function sampleBits(file: string, depth: string | undefined): 8 | 16 {
  if (depth === undefined || depth === 'uchar') return 8;
  if (depth === 'ushort') return 16;
  throw new ImageDecodeError(file, `its pixels are stored as '${depth}' samples; only 8-bit and 16-bit unsigned images are supported`);
}

function toUint16(buf: Buffer): Uint16Array {
  if (buf.byteOffset % 2 === 0) return new Uint16Array(buf.buffer, buf.byteOffset, buf.length / 2);
  return new Uint16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}

/** Runs a decoding step and turns any failure into an `ImageDecodeError` with a one-line reason. */
async function guard<T>(file: string, step: () => Promise<T> | T): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof ImageDecodeError) throw err;
    throw new ImageDecodeError(file, reasonOf(err), err);
  }
}

function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'the file does not exist';
  if (e?.code === 'EACCES') return 'permission denied';
  if (e?.code === 'EISDIR') return 'it is a folder, not a file';
  const first = String(e?.message ?? err)
    .split('\n')[0]!
    .trim();
  if (/input file is missing/i.test(first)) return 'the file does not exist';
  if (/unsupported image format/i.test(first)) return 'the content is not a supported image (png, jpg, tiff, webp, bmp, ppm/pgm)';
  // libvips may report a damaged file as a warning promoted to an error ("Warning treated as error
  // due to failOn setting"), with the cause on a later line.
  if (/premature end|truncated|corrupt|not a jpeg|invalid|unexpected end|bad|failOn/i.test(String(e?.message ?? err))) {
    return `the file is corrupt or truncated (${first.replace(/^\w+: /, '')})`;
  }
  return first;
}
