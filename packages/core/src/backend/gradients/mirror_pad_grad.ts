/**
 * Gradient of `MirrorPad`. tfjs' own only slices the centre out of dy and drops what the mirrored
 * border received (wrong on every backend). This one folds each border back onto the elements it
 * copied, one axis at a time (the pad is a composition of per-axis pads, so its adjoint is the
 * composition of per-axis folds).
 *
 * Along an axis of length n padded by (b, a): 'reflect' copies x[b − k] to position k < b and
 * x[n − 2 − k] to position b + n + k; 'symmetric' copies x[b − 1 − k] and x[n − 1 − k].
 */
import { tf } from '../../tf.js';
import { FUSED, hasFusedKernel } from '../fused.js';

/** Attributes of the `MirrorPad` kernel. */
interface MirrorPadAttrs {
  paddings: Array<[number, number]>;
  mode: 'reflect' | 'symmetric';
}

/** Folds the padded gradient `dy` back onto the unpadded shape along `axis`. */
export function foldMirrorPad(dy: tf.Tensor, axis: number, before: number, after: number, mode: 'reflect' | 'symmetric'): tf.Tensor {
  if (before === 0 && after === 0) return dy;
  const n = dy.shape[axis]! - before - after;
  const off = mode === 'reflect' ? 1 : 0;
  const part = (start: number, size: number): tf.Tensor => {
    const begin = dy.shape.map(() => 0);
    const sz = dy.shape.slice();
    begin[axis] = start;
    sz[axis] = size;
    return tf.slice(dy, begin, sz);
  };
  const padAxis = (t: tf.Tensor, b: number, a: number): tf.Tensor => {
    if (b === 0 && a === 0) return t;
    const p = t.shape.map(() => [0, 0] as [number, number]);
    p[axis] = [b, a];
    return tf.pad(t, p);
  };
  let dx = part(before, n);
  if (before > 0) {
    // Position k < b holds x[off + (b − 1 − k)]: reversed, it lands on x[off .. off + b − 1].
    const left = tf.reverse(part(0, before), axis);
    dx = tf.add(dx, padAxis(left, off, n - off - before));
  }
  if (after > 0) {
    // Position b + n + k holds x[n − 1 − off − k]: reversed, it lands on x[n − off − a .. n − off − 1].
    const right = tf.reverse(part(before + n, after), axis);
    dx = tf.add(dx, padAxis(right, n - off - after, off));
  }
  return dx;
}

/** The corrected `MirrorPad` gradient config (registered globally, so it serves every backend). */
export const mirrorPadGradConfig: tf.GradConfig = {
  kernelName: tf.MirrorPad,
  inputsToSave: [],
  gradFunc: (dy, _saved, attrs) => {
    const { paddings, mode } = attrs as unknown as MirrorPadAttrs;
    return {
      x: () => {
        // The backend's fused fold (NHWC, H and W padded), when it has one.
        const nhwcPads = paddings.length === 4 && [0, 3].every((a) => paddings[a]![0] === 0 && paddings[a]![1] === 0);
        if (nhwcPads && (dy as tf.Tensor).dtype === 'float32' && hasFusedKernel(FUSED.mirrorPadGrad)) {
          return tf.engine().runKernel(FUSED.mirrorPadGrad, { dy: dy as tf.Tensor }, attrs) as tf.Tensor;
        }
        let g = dy as tf.Tensor;
        paddings.forEach(([b, a], axis) => {
          g = foldMirrorPad(g, axis, b, a, mode);
        });
        return g;
      },
    };
  },
};
