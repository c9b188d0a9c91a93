/**
 * CIE Lab → sRGB on tensors, as scikit-image's `lab2rgb` (0.19) that the reference's colorization
 * model uses for its visuals: XYZ relative to the D65 white (negative Z set to 0), skimage's
 * XYZ → linear RGB matrix, the sRGB gamma, then clipped to [0, 1].
 */
import { tf, D65_WHITE, RGB_FROM_XYZ } from '@translate/core';

/** An NHWC Lab batch (L in [0, 100], a and b about ±110) → sRGB in [0, 1], NHWC with 3 channels. */
export function labToRgb(lab: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [l, a, b] = tf.split(lab, 3, 3);
    const fy = tf.div(tf.add(l!, 16), 116);
    const fx = tf.add(tf.div(a!, 500), fy);
    const fz = tf.relu(tf.sub(fy, tf.div(b!, 200)));
    const f = tf.concat([fx, fy, fz], 3);
    const relative = tf.where(tf.greater(f, 0.2068966), tf.mul(tf.square(f), f), tf.div(tf.sub(f, 16 / 116), 7.787));
    const xyz = tf.mul(relative, tf.tensor1d([...D65_WHITE]));
    const [n, h, w] = lab.shape;
    const linear = tf.reshape(tf.matMul(tf.reshape(xyz, [-1, 3]), tf.tensor2d(RGB_FROM_XYZ.map((row) => [...row])), false, true), [
      n!,
      h!,
      w!,
      3,
    ]);
    const gamma = tf.sub(tf.mul(tf.pow(tf.maximum(linear, 0.0031308), 1 / 2.4), 1.055), 0.055);
    return tf.clipByValue(tf.where(tf.greater(linear, 0.0031308), gamma, tf.mul(linear, 12.92)), 0, 1) as tf.Tensor4D;
  });
}

/**
 * The colorization model's L (A, 1 channel) and ab (B, 2 channels) in its [-1, 1] scaling as an
 * RGB visual in [-1, 1]: Lab = ((A + 1) · 50, B · 110) through `labToRgb`, as the reference's
 * `ColorizationModel.lab2rgb`.
 */
export function colorizationToRgb(lightness: tf.Tensor4D, ab: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const lab = tf.concat([tf.mul(tf.add(lightness, 1), 50), tf.mul(ab, 110)], 3) as tf.Tensor4D;
    return tf.sub(tf.mul(labToRgb(lab), 2), 1) as tf.Tensor4D;
  });
}
