/** GauGAN label maps: class ids from a picture, and the one-hot semantic input the generator takes. */
import type { LabelPalette } from './manifest.js';
import type { FloatImage, Rgba } from './pixels.js';

/** Class ids per pixel of a label picture: palette colours map to their class, anything else reads its red value as the id. */
export function labelIds(image: Rgba, palette: LabelPalette): Uint8Array {
  const byColor = new Map(palette.colors.map(([r, g, b], id) => [(r << 16) | (g << 8) | b, id]));
  const n = image.width * image.height;
  const ids = new Uint8Array(n);
  const d = image.data;
  let allPalette = true;
  for (let i = 0; i < n && allPalette; i++) allPalette = byColor.has((d[i * 4]! << 16) | (d[i * 4 + 1]! << 8) | d[i * 4 + 2]!);
  for (let i = 0; i < n; i++) ids[i] = allPalette ? byColor.get((d[i * 4]! << 16) | (d[i * 4 + 1]! << 8) | d[i * 4 + 2]!)! : d[i * 4]!;
  return ids;
}

/** The generator's input: one-hot classes (ids ≥ classes are all-zero, as tf.oneHot makes them), then a zero instance-edge channel unless noInstance. */
export function semanticMap(ids: Uint8Array, width: number, height: number, palette: LabelPalette): FloatImage {
  const channels = palette.classes + (palette.noInstance ? 0 : 1);
  const data = new Float32Array(width * height * channels);
  for (let i = 0; i < ids.length; i++) if (ids[i]! < palette.classes) data[i * channels + ids[i]!] = 1;
  return { data, width, height, channels };
}

/** Label ids painted in their palette colours (for showing a label map). */
export function labelsToRgba(ids: Uint8Array, width: number, height: number, palette: LabelPalette): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < ids.length; i++) {
    const [r, g, b] = palette.colors[ids[i]!] ?? [0, 0, 0];
    data.set([r, g, b, 255], i * 4);
  }
  return { data, width, height };
}
