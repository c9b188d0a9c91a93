/**
 * RGBA pixels ↔ the network's float HWC values, with `translate test`'s arithmetic: inputs
 * (v/255 − 0.5)/0.5 in float32 (then (x+1)/2 for [0, 1] networks), gray as PIL's `L`, outputs
 * truncated as `tensor2im` (⌊(y+1)/2·255⌋, clamped).
 */

/** RGBA pixels as canvases give them. */
export interface Rgba {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** Float HWC values. */
export interface FloatImage {
  data: Float32Array;
  width: number;
  height: number;
  channels: number;
}

const TANH_OF_BYTE = Float32Array.from({ length: 256 }, (_, v) => (Math.fround(v / 255) - 0.5) / 0.5);

/** The photo as network input: `channels` 1 (PIL's L) or 3, in [-1, 1] (`tanh`) or [0, 1] (`unit`). */
export function rgbaToInput(image: Rgba, channels: number, range: 'tanh' | 'unit'): FloatImage {
  const n = image.width * image.height;
  const out = new Float32Array(n * channels);
  const d = image.data;
  const value = range === 'tanh' ? (v: number) => TANH_OF_BYTE[v]! : (v: number) => Math.fround((TANH_OF_BYTE[v]! + 1) / 2);
  for (let i = 0; i < n; i++) {
    if (channels === 1) {
      out[i] = value(Math.floor((d[i * 4]! * 19595 + d[i * 4 + 1]! * 38470 + d[i * 4 + 2]! * 7471 + 32768) / 65536));
    } else {
      for (let c = 0; c < 3; c++) out[i * 3 + c] = value(d[i * 4 + c]!);
    }
  }
  return { data: out, width: image.width, height: image.height, channels };
}

/** Network output as opaque RGBA (gray replicated). */
export function outputToRgba(image: FloatImage, range: 'tanh' | 'unit'): Rgba {
  const n = image.width * image.height;
  const out = new Uint8ClampedArray(n * 4);
  const { data, channels } = image;
  const byte = (y: number) => {
    const t = range === 'tanh' ? y : Math.fround(y * 2 - 1);
    return Math.min(255, Math.max(0, Math.trunc(((t + 1) / 2) * 255)));
  };
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[i * 4 + c] = byte(data[i * channels + (channels === 1 ? 0 : c)]!);
    out[i * 4 + 3] = 255;
  }
  return { data: out, width: image.width, height: image.height };
}

/** `image` grown to height×width by repeating its edge pixels (right and bottom). */
export function padEdges(image: FloatImage, height: number, width: number): FloatImage {
  if (height === image.height && width === image.width) return image;
  const { channels } = image;
  const out = new Float32Array(height * width * channels);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(y, image.height - 1);
    for (let x = 0; x < width; x++) {
      const sx = Math.min(x, image.width - 1);
      const from = (sy * image.width + sx) * channels;
      out.set(image.data.subarray(from, from + channels), (y * width + x) * channels);
    }
  }
  return { data: out, width, height, channels };
}

/** The top-left height×width of `image`. */
export function cropTopLeft(image: FloatImage, height: number, width: number): FloatImage {
  if (height === image.height && width === image.width) return image;
  const { channels } = image;
  const out = new Float32Array(height * width * channels);
  for (let y = 0; y < height; y++)
    out.set(image.data.subarray(y * image.width * channels, (y * image.width + width) * channels), y * width * channels);
  return { data: out, width, height, channels };
}
