/**
 * Pixel operations on raw images, each matching what PIL does in the reference: crop (zero-filled
 * outside the image), horizontal flip, side-by-side concatenation, 16 → 8 bits, nearest-neighbour
 * resize, RGB→L grayscale, alpha handling, and normalisation to [-1, 1] as torchvision's
 * ToTensor + Normalize(0.5, 0.5).
 */
import { ImageError } from '../errors.js';
import { allocLike, maxValue, type ImageArray, type LabelMap, type RawImage } from './types.js';

/** How an alpha channel is treated: composite on white, discard it (the reference), or refuse the file. */
export type AlphaMode = 'flatten' | 'drop' | 'error';

/** The region x..x+w, y..y+h; parts outside the image are zero, as PIL's `Image.crop`. */
export function cropImage(img: RawImage, x: number, y: number, w: number, h: number): RawImage {
  const { width, height, channels } = img;
  const out = allocLike(img.data, w * h * channels);
  const x0 = Math.max(0, x);
  const x1 = Math.min(width, x + w);
  for (let row = 0; row < h; row++) {
    const sy = y + row;
    if (sy < 0 || sy >= height || x1 <= x0) continue;
    const src = img.data.subarray((sy * width + x0) * channels, (sy * width + x1) * channels);
    out.set(src, (row * w + (x0 - x)) * channels);
  }
  return { data: out, width: w, height: h, channels };
}

/** The image mirrored left–right. */
export function flipHorizontal(img: RawImage): RawImage {
  const { width, height, channels } = img;
  const out = allocLike(img.data, img.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * channels;
      const d = (y * width + (width - 1 - x)) * channels;
      for (let c = 0; c < channels; c++) out[d + c] = img.data[s + c]!;
    }
  }
  return { data: out, width, height, channels };
}

/** The image mirrored top–bottom. */
export function flipVertical(img: RawImage): RawImage {
  const { width, height, channels } = img;
  const out = allocLike(img.data, img.data.length);
  const row = width * channels;
  for (let y = 0; y < height; y++) out.set(img.data.subarray(y * row, (y + 1) * row), (height - 1 - y) * row);
  return { data: out, width, height, channels };
}

/** The image with rows and columns swapped (a 90° rotation composed with a flip). */
export function transposeImage(img: RawImage): RawImage {
  const { width, height, channels } = img;
  const out = allocLike(img.data, img.data.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) out[(x * height + y) * channels + c] = img.data[(y * width + x) * channels + c]!;
  return { data: out, width: height, height: width, channels };
}

/** A and B (same height and channels, 8 or 16 bits alike) side by side: A on the left, as `np.concatenate([a, b], 1)`. */
export function sideBySide(a: RawImage, b: RawImage): RawImage {
  const { height, channels } = a;
  const width = a.width + b.width;
  const out = allocLike(a.data, width * height * channels);
  const rowA = a.width * channels;
  const rowB = b.width * channels;
  for (let y = 0; y < height; y++) {
    out.set(a.data.subarray(y * rowA, (y + 1) * rowA), y * (rowA + rowB));
    out.set(b.data.subarray(y * rowB, (y + 1) * rowB), y * (rowA + rowB) + rowA);
  }
  return { data: out, width, height, channels };
}

/** 16-bit pixels scaled to 8 bits (round(v / 257), the inverse of 8 → 16 bit's v · 257); 8-bit images unchanged. */
export function toEightBit(img: RawImage): RawImage {
  if (!(img.data instanceof Uint16Array)) return img;
  return { ...img, data: Uint8Array.from(img.data, (v) => Math.round(v / 257)) };
}

/** Nearest-neighbour resize with PIL's sampling: source x = floor((x + 0.5) · in/out). Never invents values. */
export function resizeNearest(img: RawImage, w: number, h: number): RawImage {
  const { width, height, channels } = img;
  const out = allocLike(img.data, w * h * channels);
  const xs = Array.from({ length: w }, (_, x) => Math.min(width - 1, Math.floor(((x + 0.5) * width) / w)));
  for (let y = 0; y < h; y++) {
    const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / h));
    for (let x = 0; x < w; x++) {
      const s = (sy * width + xs[x]!) * channels;
      const d = (y * w + x) * channels;
      for (let c = 0; c < channels; c++) out[d + c] = img.data[s + c]!;
    }
  }
  return { data: out, width: w, height: h, channels };
}

/**
 * Converts to `target` channels (1 or 3). Alpha is handled first by `alpha`; gray becomes RGB by
 * copying; RGB becomes gray by PIL's ITU-R 601-2 luma L = (19595·R + 38470·G + 7471·B + 2¹⁵) >> 16.
 */
export function toChannels(img: RawImage, target: 1 | 3, alpha: AlphaMode, file: string): RawImage {
  let cur = img;
  if (cur.channels === 2 || cur.channels === 4) cur = removeAlpha(cur, alpha, file);
  if (cur.channels === target) return cur;
  const n = cur.width * cur.height;
  const out = allocLike(cur.data, n * target);
  const d = cur.data;
  if (target === 3) {
    for (let i = 0; i < n; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = d[i]!;
  } else {
    for (let i = 0; i < n; i++) out[i] = Math.floor((d[i * 3]! * 19595 + d[i * 3 + 1]! * 38470 + d[i * 3 + 2]! * 7471 + 32768) / 65536);
  }
  return { data: out, width: cur.width, height: cur.height, channels: target };
}

function removeAlpha(img: RawImage, mode: AlphaMode, file: string): RawImage {
  if (mode === 'error') {
    throw new ImageError(
      `${file} has an alpha (transparency) channel. Pass --alpha_mode flatten to composite it on white, or --alpha_mode drop to discard it as the reference does.`,
    );
  }
  const colour = img.channels - 1;
  const n = img.width * img.height;
  const max = maxValue(img.data);
  const out = allocLike(img.data, n * colour);
  for (let i = 0; i < n; i++) {
    const a = img.data[i * img.channels + colour]!;
    for (let c = 0; c < colour; c++) {
      const v = img.data[i * img.channels + c]!;
      out[i * colour + c] = mode === 'drop' ? v : Math.round((v * a + max * (max - a)) / max);
    }
  }
  return { data: out, width: img.width, height: img.height, channels: colour };
}

const LUT8 = Float32Array.from({ length: 256 }, (_, v) => (Math.fround(v / 255) - 0.5) / 0.5);

/** Float32 HWC in [-1, 1]: (v / max − 0.5) / 0.5 with max 255 or 65535, as ToTensor + Normalize. */
export function normalizeImage(img: RawImage): ImageArray {
  const { data } = img;
  const out = new Float32Array(data.length);
  if (data instanceof Uint8Array) {
    for (let i = 0; i < data.length; i++) out[i] = LUT8[data[i]!]!;
  } else {
    for (let i = 0; i < data.length; i++) out[i] = (Math.fround(data[i]! / 65535) - 0.5) / 0.5;
  }
  return { data: out, height: img.height, width: img.width, channels: img.channels };
}

/** The first channel of `img` as integer ids (label or instance map). */
export function toLabelMap(img: RawImage): LabelMap {
  const n = img.width * img.height;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = img.data[i * img.channels]!;
  return { data: out, height: img.height, width: img.width };
}
