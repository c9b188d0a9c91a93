/**
 * SPADE's `VGGLoss` (docs/losses.md §4): Σ_k w_k · L1(φ_k(fake), sg(φ_k(real))) over VGG19's relu1_1,
 * relu2_1, relu3_1, relu4_1 and relu5_1 with w = [1/32, 1/16, 1/8, 1/4, 1]. The reference feeds the
 * [-1, 1] images as they are; `imagenetNormalize` maps them to [0, 1] and applies ImageNet's
 * statistics first. The caller multiplies by λ_vgg.
 */
import { detach, imagenetNormalize, l1Loss, tf, type Vgg19Features } from '@translate/core';

/** The VGG19 layers of SPADE's perceptual loss. */
export const SPADE_VGG_LAYERS = ['relu1_1', 'relu2_1', 'relu3_1', 'relu4_1', 'relu5_1'] as const;

/** Their weights. */
export const SPADE_VGG_WEIGHTS = [1 / 32, 1 / 16, 1 / 8, 1 / 4, 1] as const;

/** The perceptual loss over a frozen VGG19 (which the caller owns and disposes). */
export class VGGLoss {
  constructor(
    private readonly vgg: Vgg19Features,
    private readonly options: { imagenetNormalize?: boolean } = {},
  ) {}

  /** The weighted L1 distance of the features of `fake` and `real` (NHWC, [-1, 1]); no gradient reaches `real`. */
  loss(fake: tf.Tensor4D, real: tf.Tensor4D): tf.Scalar {
    return tf.tidy(() => {
      const prepare = (x: tf.Tensor4D) => (this.options.imagenetNormalize ? imagenetNormalize(tf.div(tf.add(x, 1), 2)) : x);
      const fakeFeats = this.vgg.layerOutputs(prepare(fake), SPADE_VGG_LAYERS);
      const realFeats = this.vgg.layerOutputs(prepare(detach(real)), SPADE_VGG_LAYERS);
      const terms = fakeFeats.map((f, i) => tf.mul(l1Loss(f, detach(realFeats[i]!)), SPADE_VGG_WEIGHTS[i]!));
      return tf.addN(terms) as tf.Scalar;
    });
  }
}
