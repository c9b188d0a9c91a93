/**
 * A small BMP decoder (sharp's libvips has no BMP loader): uncompressed 1/4/8-bit palette, 16-bit
 * (5-5-5 or bit fields), 24-bit and 32-bit (bit fields, with alpha when the header declares it).
 */
import type { RawImage } from './types.js';

/** Width, height and channel count read from a BMP header. */
export interface BmpHeader {
  width: number;
  height: number;
  channels: number;
}

/** Reads the header of a BMP file; throws an `Error` whose message says what is wrong. */
export function readBmpHeader(buf: Uint8Array): BmpHeader {
  return parse(buf).header;
}

/** Decodes a BMP file into 8-bit RGB or RGBA pixels, top row first. */
export function decodeBmp(buf: Uint8Array): RawImage {
  const { header, view, bpp, topDown, offset, masks, palette } = parse(buf);
  const { width, height, channels } = header;
  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (offset + stride * height > buf.length) throw new Error('the pixel data is truncated');
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const row = offset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      if (bpp <= 8) {
        const bitPos = x * bpp;
        const byte = buf[row + (bitPos >> 3)]!;
        const idx = (byte >> (8 - bpp - (bitPos & 7))) & ((1 << bpp) - 1);
        if (idx * 4 + 2 >= palette.length) throw new Error(`palette index ${idx} is outside the palette`);
        out[o] = palette[idx * 4 + 2]!;
        out[o + 1] = palette[idx * 4 + 1]!;
        out[o + 2] = palette[idx * 4]!;
      } else if (bpp === 24) {
        out[o] = buf[row + x * 3 + 2]!;
        out[o + 1] = buf[row + x * 3 + 1]!;
        out[o + 2] = buf[row + x * 3]!;
      } else {
        const v = bpp === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true);
        for (let c = 0; c < channels; c++) out[o + c] = field(v, masks[c]!);
      }
    }
  }
  return { data: out, width, height, channels };
}

function parse(buf: Uint8Array) {
  if (buf.length < 26 || buf[0] !== 0x42 || buf[1] !== 0x4d) throw new Error('not a BMP file (no "BM" signature)');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const offset = view.getUint32(10, true);
  const dib = view.getUint32(14, true);
  let width: number;
  let rawHeight: number;
  let bpp: number;
  let compression = 0;
  let colours = 0;
  if (dib === 12) {
    width = view.getUint16(18, true);
    rawHeight = view.getInt16(20, true);
    bpp = view.getUint16(24, true);
  } else if (dib >= 40 && buf.length >= 54) {
    width = view.getInt32(18, true);
    rawHeight = view.getInt32(22, true);
    bpp = view.getUint16(28, true);
    compression = view.getUint32(30, true);
    colours = view.getUint32(46, true);
  } else {
    throw new Error(`unsupported BMP header size ${dib}`);
  }
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) throw new Error(`invalid BMP size ${width}x${height}`);
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw new Error(`unsupported BMP bit depth ${bpp}`);
  if (compression !== 0 && compression !== 3 && compression !== 6) {
    throw new Error(`compressed BMP (compression type ${compression}) is not supported`);
  }
  let masks = bpp === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0xff00, 0xff];
  let hasAlpha = false;
  if (compression === 3 || compression === 6) {
    // Masks follow a 40-byte header, or sit inside a V4/V5 header at the same place.
    masks = [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)];
    const alpha = dib >= 56 || compression === 6 ? view.getUint32(66, true) : 0;
    if (alpha !== 0) {
      masks.push(alpha);
      hasAlpha = true;
    }
  }
  const entry = dib === 12 ? 3 : 4;
  const count = bpp <= 8 ? colours || 1 << bpp : 0;
  const palette = new Uint8Array(count * 4);
  for (let i = 0; i < count; i++) {
    const p = 14 + dib + i * entry;
    if (p + 2 >= buf.length) throw new Error('the palette is truncated');
    palette.set(buf.subarray(p, p + 3), i * 4);
  }
  const channels = hasAlpha ? 4 : 3;
  return { header: { width, height, channels }, view, bpp, topDown: rawHeight < 0, offset, masks, palette };
}

/** Extracts a bit field and scales it to 0..255. */
function field(value: number, mask: number): number {
  if (mask === 0) return 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return Math.round((((value & mask) >>> shift) * 255) / max);
}
