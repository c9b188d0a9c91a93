/** Image tensors → files: the reference's `tensor2im` (any image of the batch) and PNG encoding and writing with sharp. */
import sharp from 'sharp';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { tf } from '../tf.js';

/** 8-bit interleaved pixels of one image. */
export interface Image8 {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/**
 * Image `index` (default the first, as the reference's `tensor2im`) of an NHWC batch in [-1, 1] as
 * 8-bit pixels: (x + 1) / 2 · 255, truncated as the reference's `astype(uint8)` does. One-channel
 * images stay one channel (the reference tiles to RGB).
 */
export function tensorToImage(batch: tf.Tensor4D, index = 0): Image8 {
  const [n, height, width, channels] = batch.shape;
  if (!(Number.isInteger(index) && index >= 0 && index < n)) throw new RangeError(`tensorToImage: image ${index} of a batch of ${n}.`);
  const values = tf.tidy(() => tf.slice(batch, [index, 0, 0, 0], [1, height, width, channels]).dataSync() as Float32Array);
  const data = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = Math.min(255, Math.max(0, Math.trunc(((values[i]! + 1) / 2) * 255)));
  return { data, width, height, channels };
}

/** Writes an image as PNG (creating folders), stretched to `aspectRatio` (width/height) unless it has it already. */
export async function writePng(path: string, image: Image8, aspectRatio = 1): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  let pipeline = rawPixels(image);
  // The reference's save_image: aspect > 1 stretches the width, < 1 the height (without its w/h swap
  // bug) — unless the image already has that aspect (e.g. GauGAN generates at --aspect_ratio).
  const alreadyThere = Math.abs(image.width / image.height - aspectRatio) * Math.min(image.width, image.height) < 1;
  if (aspectRatio > 1 && !alreadyThere) pipeline = pipeline.resize(Math.round(image.width * aspectRatio), image.height, { fit: 'fill', kernel: 'cubic' });
  if (aspectRatio < 1 && !alreadyThere) pipeline = pipeline.resize(image.width, Math.round(image.height / aspectRatio), { fit: 'fill', kernel: 'cubic' });
  await pipeline.png().toFile(path);
}

/** An image's PNG bytes. */
export async function encodePng(image: Image8): Promise<Uint8Array> {
  return rawPixels(image).png().toBuffer();
}

function rawPixels(image: Image8): sharp.Sharp {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: image.channels as 1 | 2 | 3 | 4 },
  });
}
