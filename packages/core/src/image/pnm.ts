/**
 * A small netpbm decoder (sharp's libvips build has no PPM loader): P2/P5 gray and P3/P6 RGB,
 * 8-bit (maxval ≤ 255) or 16-bit (maxval ≤ 65535), scaled to the full range of the bit depth.
 */
import type { RawImage } from './types.js';

/** Width, height, channel count and bit depth read from a netpbm header. */
export interface PnmHeader {
  width: number;
  height: number;
  channels: number;
  bitDepth: 8 | 16;
}

/** Reads the header of a PGM/PPM file; throws an `Error` whose message says what is wrong. */
export function readPnmHeader(buf: Uint8Array): PnmHeader {
  return parse(buf).header;
}

/** Decodes a PGM/PPM file. */
export function decodePnm(buf: Uint8Array): RawImage {
  const { header, maxval, ascii, dataStart } = parse(buf);
  const { width, height, channels, bitDepth } = header;
  const n = width * height * channels;
  const full = bitDepth === 16 ? 65535 : 255;
  const data = bitDepth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  const scale = (v: number) => (maxval === full ? v : Math.round((Math.min(v, maxval) * full) / maxval));
  if (ascii) {
    let pos = dataStart;
    for (let i = 0; i < n; i++) {
      const t = nextToken(buf, pos);
      if (!t) throw new Error(`the pixel data is truncated (${i} of ${n} values)`);
      data[i] = scale(Number(t.text));
      pos = t.end;
    }
  } else {
    const bytes = bitDepth === 16 ? 2 : 1;
    if (dataStart + n * bytes > buf.length) throw new Error('the pixel data is truncated');
    for (let i = 0; i < n; i++) {
      const p = dataStart + i * bytes;
      data[i] = scale(bytes === 2 ? (buf[p]! << 8) | buf[p + 1]! : buf[p]!);
    }
  }
  return { data, width, height, channels };
}

function parse(buf: Uint8Array) {
  const magic = String.fromCharCode(buf[0] ?? 0, buf[1] ?? 0);
  if (!['P2', 'P3', 'P5', 'P6'].includes(magic)) {
    throw new Error(magic === 'P1' || magic === 'P4' ? 'black-and-white PBM files are not supported' : 'not a PGM/PPM file');
  }
  const tokens: string[] = [];
  let pos = 2;
  while (tokens.length < 3) {
    const t = nextToken(buf, pos);
    if (!t) throw new Error('the header is truncated');
    tokens.push(t.text);
    pos = t.end;
  }
  const [width, height, maxval] = tokens.map(Number) as [number, number, number];
  if (!(width > 0 && height > 0 && maxval > 0 && maxval <= 65535)) throw new Error(`invalid header ${tokens.join(' ')}`);
  const channels = magic === 'P3' || magic === 'P6' ? 3 : 1;
  const bitDepth: 8 | 16 = maxval > 255 ? 16 : 8;
  // Exactly one whitespace byte separates the header from binary data.
  return { header: { width, height, channels, bitDepth }, maxval, ascii: magic === 'P2' || magic === 'P3', dataStart: pos + 1 };
}

function nextToken(buf: Uint8Array, pos: number): { text: string; end: number } | null {
  while (pos < buf.length) {
    const c = buf[pos]!;
    if (c === 0x23) {
      while (pos < buf.length && buf[pos] !== 0x0a) pos++;
    } else if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) {
      pos++;
    } else {
      break;
    }
  }
  if (pos >= buf.length) return null;
  let end = pos;
  while (end < buf.length && !(buf[end] === 0x20 || (buf[end]! >= 0x09 && buf[end]! <= 0x0d) || buf[end] === 0x23)) end++;
  return { text: String.fromCharCode(...buf.subarray(pos, end)), end };
}
