/** The shapes a discriminator's output takes: one map, one map per scale, or per scale all feature maps. */
import { tf } from '../tf.js';

/**
 * A discriminator's output as the GAN losses take it: a tensor, or a list with one entry per scale
 * (multi-scale D), each entry a tensor or that scale's list of feature maps ending with the prediction.
 */
export type GanPrediction = tf.Tensor | ReadonlyArray<tf.Tensor | readonly tf.Tensor[]>;

/** The prediction map of every scale: the tensor itself, or the last map of a scale's feature list. */
export function finalMaps(pred: GanPrediction): tf.Tensor[] {
  if (pred instanceof tf.Tensor) return [pred];
  if (pred.length === 0) throw new Error('A discriminator output list must hold at least one scale.');
  return pred.map((scale, i) => {
    if (scale instanceof tf.Tensor) return scale;
    const last = scale[scale.length - 1];
    if (last === undefined) throw new Error(`Scale ${i} of the discriminator output has no feature maps.`);
    return last;
  });
}
