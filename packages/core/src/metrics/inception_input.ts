/**
 * The input pipelines of the FID protocols, from 8-bit RGB images (values 0–255) to the Inception
 * network's 299×299 input. pytorch-fid (clean-fid's `legacy_pytorch`): ToTensor (÷255, float32),
 * bilinear resize with `align_corners=False` and no antialiasing (`F.interpolate`), then 2x − 1.
 * clean-fid's `clean`: PIL's antialiased bicubic resize of each channel in float ('F' mode),
 * clipped to [0, 255], then (x − 128)/128.
 */
import { tf } from '../tf.js';
import type { MetricImage } from './image.js';
import { INCEPTION_INPUT_SIZE } from './inception/fid_inception.js';
import { pilResizeBicubicFloat } from './pil_resize.js';

/** The FID input protocols, by clean-fid's mode names. */
export const FID_MODES = ['legacy_pytorch', 'clean'] as const;

/** One of `FID_MODES`: `legacy_pytorch` is pytorch-fid's protocol. */
export type FidMode = (typeof FID_MODES)[number];

/** One RGB image (0–255 values) as a float32 [1, H, W, 3] tensor divided by `divisor`. */
export function rgbTensor(image: MetricImage, divisor: number): tf.Tensor4D {
  if (image.channels !== 3) throw new RangeError(`Inception features need RGB images; got ${image.channels} channels.`);
  const values = Float32Array.from(image.data, (v) => v / divisor);
  return tf.tensor4d(values, [1, image.height, image.width, 3]);
}

/** pytorch-fid's input: [0, 1] values, bilinear (half-pixel centres, as `align_corners=False`) to 299², ×2 − 1. */
export function pytorchFidInput(image: MetricImage): tf.Tensor4D {
  return tf.tidy(() => {
    const x = rgbTensor(image, 255);
    const resized = tf.image.resizeBilinear(x, [INCEPTION_INPUT_SIZE, INCEPTION_INPUT_SIZE], false, true);
    return tf.sub(tf.mul(resized, 2), 1);
  });
}

/** clean-fid's clean input: each channel resized by PIL's float bicubic to 299², clipped to [0, 255], (x − 128)/128. */
export function cleanFidInput(image: MetricImage): tf.Tensor4D {
  if (image.channels !== 3) throw new RangeError(`Inception features need RGB images; got ${image.channels} channels.`);
  const size = INCEPTION_INPUT_SIZE;
  const { width, height, data } = image;
  const out = new Float32Array(size * size * 3);
  for (let c = 0; c < 3; c++) {
    const channel = Float32Array.from({ length: width * height }, (_, i) => data[i * 3 + c]!);
    const resized = pilResizeBicubicFloat(channel, width, height, size, size);
    for (let i = 0; i < resized.length; i++) out[i * 3 + c] = (Math.min(255, Math.max(0, resized[i]!)) - 128) / 128;
  }
  return tf.tensor4d(out, [1, size, size, 3]);
}

/** The network input of `image` under `mode`. */
export function fidInput(image: MetricImage, mode: FidMode): tf.Tensor4D {
  return mode === 'clean' ? cleanFidInput(image) : pytorchFidInput(image);
}
