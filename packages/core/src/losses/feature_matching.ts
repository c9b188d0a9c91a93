/** pix2pixHD / GauGAN discriminator feature matching (docs/losses.md §4). */
import { tf } from '../tf.js';
import { OptionError, unknownNameMessage } from '../errors.js';
import { detach } from './detach.js';
import { assertSameShape } from './reconstruction.js';

/** Values of `--feat_loss`. */
export const FEATURE_LOSS_KINDS = ['l1', 'l2'] as const;

/** Options of `featureMatchingLoss`. */
export interface FeatureMatchingOptions {
  /** λ_feat; default 10. */
  lambda?: number;
  /** num_D, the divisor; default the number of scales given. */
  numD?: number;
  /** Distance per map: 'l1' (mean |·|, the default) or 'l2' (mean squared). */
  kind?: (typeof FEATURE_LOSS_KINDS)[number];
}

/**
 * Σ over scales i and maps j except each scale's last (the prediction) of
 * dist(fake[i][j], sg(real[i][j])), times λ/num_D.
 *
 * The real features are detached here (zero-copy): no gradient reaches them even when they were
 * computed inside the same gradient closure, e.g. as the real half of one D pass over
 * concat(fake, real). So callers pass the D outputs as they are; computing the real features
 * outside the closure works as well and saves the tape's memory.
 */
export function featureMatchingLoss(
  fakeFeats: ReadonlyArray<readonly tf.Tensor[]>,
  realFeats: ReadonlyArray<readonly tf.Tensor[]>,
  options: FeatureMatchingOptions = {},
): tf.Scalar {
  const { lambda = 10, numD = fakeFeats.length, kind = 'l1' } = options;
  if (!FEATURE_LOSS_KINDS.includes(kind)) throw new OptionError(unknownNameMessage('feature matching loss', kind, FEATURE_LOSS_KINDS));
  if (fakeFeats.length !== realFeats.length)
    throw new Error(`featureMatchingLoss: ${fakeFeats.length} fake scales but ${realFeats.length} real scales.`);
  return tf.tidy(() => {
    const terms: tf.Scalar[] = [];
    fakeFeats.forEach((fake, i) => {
      const real = realFeats[i]!;
      if (fake.length !== real.length)
        throw new Error(`featureMatchingLoss: scale ${i} has ${fake.length} fake maps but ${real.length} real maps.`);
      for (let j = 0; j < fake.length - 1; j++) {
        assertSameShape(fake[j]!, real[j]!, `featureMatchingLoss (scale ${i}, map ${j})`);
        const diff = tf.sub(fake[j]!, detach(real[j]!));
        terms.push(tf.mean(kind === 'l1' ? tf.abs(diff) : tf.square(diff)));
      }
    });
    return terms.length === 0 ? tf.scalar(0) : (tf.mul(tf.addN(terms), lambda / numD) as tf.Scalar);
  });
}
