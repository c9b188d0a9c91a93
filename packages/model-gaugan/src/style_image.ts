/**
 * Reads `--style_image` for example-guided synthesis: decoded like a dataset image (alpha flattened
 * on white, grayscale expanded to RGB), resized bicubically to the generator's output size.
 */
import { existsSync } from 'node:fs';
import { OptionError, tf, decodeImage, normalizeImage, resizeBicubic, toChannels, type RawImage } from '@translate/core';

/** The photo at `file` as a [1, height, width, 3] tensor in [-1, 1]; a bad file is an OptionError naming `--style_image`. */
export async function loadStyleImage(file: string, height: number, width: number): Promise<tf.Tensor4D> {
  if (!existsSync(file)) throw new OptionError(`--style_image ${file} does not exist.`);
  let rgb: RawImage;
  try {
    rgb = toChannels(await decodeImage(file), 3, 'flatten', file);
  } catch (err) {
    throw new OptionError(`--style_image ${file} cannot be read as an image: ${err instanceof Error ? err.message : String(err)}`);
  }
  const resized = rgb.width === width && rgb.height === height ? rgb : await resizeBicubic(rgb, width, height);
  return tf.tensor4d(normalizeImage(resized).data, [1, height, width, 3]);
}
