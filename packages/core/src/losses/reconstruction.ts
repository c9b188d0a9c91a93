/** Pixel-wise reconstruction losses and the total-variation regulariser. */
import { tf } from '../tf.js';

/** mean |a − b| (PyTorch's `L1Loss`); `a` and `b` must have the same shape. */
export function l1Loss(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  assertSameShape(a, b, 'l1Loss');
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(a, b))));
}

/** mean (a − b)² (PyTorch's `MSELoss`); `a` and `b` must have the same shape. */
export function mseLoss(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  assertSameShape(a, b, 'mseLoss');
  return tf.tidy(() => tf.mean(tf.squaredDifference(a, b)));
}

/**
 * Total variation of an NHWC batch as leftthomas/SRGAN's `TVLoss` computes it:
 * 2·(mean of (x[h+1] − x[h])² + mean of (x[w+1] − x[w])²), each mean over all its neighbour pairs
 * and the batch (SRGAN weights it by 2e-8). A 1-pixel-high or -wide axis contributes 0.
 */
export function tvLoss(x: tf.Tensor4D): tf.Scalar {
  const [n, h, w, c] = x.shape;
  return tf.tidy(() => {
    const vertical =
      h > 1
        ? tf.mean(tf.squaredDifference(tf.slice(x, [0, 1, 0, 0], [n, h - 1, w, c]), tf.slice(x, [0, 0, 0, 0], [n, h - 1, w, c])))
        : tf.scalar(0);
    const horizontal =
      w > 1
        ? tf.mean(tf.squaredDifference(tf.slice(x, [0, 0, 1, 0], [n, h, w - 1, c]), tf.slice(x, [0, 0, 0, 0], [n, h, w - 1, c])))
        : tf.scalar(0);
    return tf.mul(tf.add(vertical, horizontal), 2) as tf.Scalar;
  });
}

/** Throws when two loss operands differ in shape (a broadcast would silently change the loss). */
export function assertSameShape(a: tf.Tensor, b: tf.Tensor, what: string): void {
  if (!tf.util.arraysEqual(a.shape, b.shape))
    throw new Error(`${what}: the operands' shapes differ: ${JSON.stringify(a.shape)} vs ${JSON.stringify(b.shape)}.`);
}
