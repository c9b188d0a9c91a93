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

/**
 * Writes an image as PNG (creating folders), resized for `aspectRatio` as the reference's
 * `util.save_image`, whose PIL `resize((h, int(w * ar)))` for ar > 1 and `((int(h / ar), w))` for
 * ar < 1 take (width, height): ar > 1 makes an image h wide and ⌊w·ar⌋ tall, ar < 1 one ⌊h/ar⌋
 * wide and w tall. An image that already has the ratio (width/height) is written as it is: GauGAN
 * generates at --aspect_ratio and SPADE saves without resizing.
 */
export async function writePng(path: string, image: Image8, aspectRatio = 1): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const { width: w, height: h } = image;
  const alreadyThere = Math.abs(w / h - aspectRatio) * Math.min(w, h) < 1;
  const size =
    alreadyThere || aspectRatio === 1 ? undefined : aspectRatio > 1 ? [h, Math.trunc(w * aspectRatio)] : [Math.trunc(h / aspectRatio), w];
  const pipeline = size === undefined ? rawPixels(image) : rawPixels(image).resize(size[0], size[1], { fit: 'fill', kernel: 'cubic' });
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
