/** LPIPS over paired 8-bit RGB images, as `lpips.im2tensor` feeds them (x/127.5 − 1). */
import { tf } from '../tf.js';
import { assertSameSize, type MetricImage } from './image.js';
import type { Lpips } from './lpips.js';
import { rgbTensor } from './inception_input.js';

/** One LPIPS value per pair (`a[i]`, `b[i]`); the two images of a pair must have the same size. */
export function lpipsOfPairs(model: Lpips, a: readonly MetricImage[], b: readonly MetricImage[]): number[] {
  if (a.length !== b.length) throw new RangeError(`LPIPS compares pairs: got ${a.length} and ${b.length} images.`);
  return a.map((x, i) => {
    assertSameSize(x, b[i]!, `LPIPS pair ${i}`);
    const d = tf.tidy(() => model.distance(toSigned(x), toSigned(b[i]!)));
    const value = d.dataSync()[0]!;
    d.dispose();
    return value;
  });
}

function toSigned(image: MetricImage): tf.Tensor4D {
  return tf.tidy(() => tf.sub(rgbTensor(image, 127.5), 1));
}
