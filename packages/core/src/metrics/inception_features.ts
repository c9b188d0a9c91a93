/** pool3 features of a list of images under one FID protocol, as a float32 feature matrix. */
import { tf } from '../tf.js';
import type { FeatureMatrix } from './features.js';
import type { MetricImage } from './image.js';
import { type FidInceptionV3, INCEPTION_FEATURE_DIM } from './inception/fid_inception.js';
import { fidInput, type FidMode } from './inception_input.js';

/** The features of `images` (8-bit RGB values) under `mode` (default pytorch-fid's), `batchSize` images per forward pass; `onBatch` reports progress. */
export function inceptionFeatures(
  network: FidInceptionV3,
  images: readonly MetricImage[],
  options: { batchSize?: number; mode?: FidMode; onBatch?: (done: number, total: number) => void } = {},
): FeatureMatrix & { data: Float32Array } {
  const batchSize = options.batchSize ?? 8;
  const mode = options.mode ?? 'legacy_pytorch';
  const data = new Float32Array(images.length * INCEPTION_FEATURE_DIM);
  for (let start = 0; start < images.length; start += batchSize) {
    const batch = images.slice(start, start + batchSize);
    const features = tf.tidy(() =>
      network.forward(
        tf.concat(
          batch.map((image) => fidInput(image, mode)),
          0,
        ),
      ),
    );
    data.set(features.dataSync() as Float32Array, start * INCEPTION_FEATURE_DIM);
    features.dispose();
    options.onBatch?.(start + batch.length, images.length);
  }
  return { data, count: images.length, dim: INCEPTION_FEATURE_DIM };
}
