/** Pre-flight checks of input sizes, so that a network never fails deep inside a tfjs kernel. */
import type { tf } from '../tf.js';
import { InputShapeError } from '../errors.js';

/**
 * Throws an `InputShapeError` unless H and W are multiples of `multiple` and at least `minimum`.
 * The message says how to fix it (crop size, `--preprocess`).
 */
export function assertInputSize(network: string, x: tf.Tensor4D, multiple: number, minimum = multiple): void {
  const [, h, w] = x.shape;
  if (h % multiple === 0 && w % multiple === 0 && h >= minimum && w >= minimum) return;
  throw new InputShapeError(
    `${network} needs height and width that are multiples of ${multiple} and at least ${minimum}; got ${h}×${w}. ` +
      `Use --crop_size/--load_size that satisfy this (or --preprocess none, which rounds sizes), or choose another --netG.`,
  );
}
