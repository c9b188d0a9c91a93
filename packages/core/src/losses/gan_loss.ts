/**
 * The adversarial loss of every `--gan_mode` (docs/losses.md §1): one class, called once per
 * (prediction, target) pair, that handles multi-scale discriminators and soft/noisy labels.
 */
import { tf } from '../tf.js';
import { OptionError, unknownNameMessage } from '../errors.js';
import { bceWithLogits } from './bce.js';
import { F_DIVERGENCES, F_DIVERGENCE_FORMS, type FDivergence } from './fgan.js';
import { finalMaps, type GanPrediction } from './predictions.js';
import { drawTargets, parseTarget, targetTensor, type TargetLabel, type TargetSpec } from './targets.js';

/** Every value of `--gan_mode`. */
export const GAN_MODES = [
  'vanilla',
  'minimax',
  'lsgan',
  'hinge',
  'wgan',
  'wgangp',
  'ebgan',
  ...F_DIVERGENCES.map((d) => `fgan:${d}` as const),
] as const;

/** One GAN mode. */
export type GanMode = (typeof GAN_MODES)[number];

/** The modes whose losses compare the prediction with a target label (the only ones that take `targetReal`/`targetFake`). */
export const LABEL_GAN_MODES: readonly GanMode[] = ['vanilla', 'minimax', 'lsgan'];

/** Options of `GANLoss`. */
export interface GanLossOptions {
  /** Label of real samples (label modes only): number, per-sample sampler or spec string; default 1. */
  targetReal?: TargetSpec;
  /** Label of fake samples (label modes only); default 0. */
  targetFake?: TargetSpec;
  /** `wgan`: the critic's weights are clipped to [−c, c] after every D step; default 0.01. */
  wganClip?: number;
  /** `ebgan`: the margin m of the fake-energy hinge; default 10. */
  ebganMargin?: number;
  /** `wgangp`: the weight λ of the gradient penalty; default 10. 0 leaves it out, as the reference's wgangp does. */
  gradientPenaltyWeight?: number;
}

/** Options of one `GANLoss.loss` call. */
export interface GanLossCallOptions {
  /**
   * True (the default) for the discriminator's loss, false for the generator's. It matters only for
   * `hinge` and `minimax`, whose generator loss is not the discriminator's loss on real samples.
   */
  forDiscriminator?: boolean;
}

/**
 * `GANLoss(mode)` of docs/losses.md §1. `loss(pred, targetIsReal)` gives D's loss on real
 * (`true`) or fake (`false`) samples; `loss(pred, true, { forDiscriminator: false })` gives G's loss.
 * Every loss is a mean over all elements; a multi-scale prediction gives the mean of the per-scale
 * losses, each from the scale's last map.
 */
export class GANLoss {
  /** The mode, as given to `--gan_mode`. */
  readonly mode: GanMode;
  /** `wgan`'s clipping bound c. */
  readonly wganClip: number;
  /** `ebgan`'s margin m. */
  readonly ebganMargin: number;
  /** `wgangp`'s gradient-penalty weight λ (0: no penalty). */
  readonly gradientPenaltyWeight: number;
  private readonly targetReal: TargetLabel;
  private readonly targetFake: TargetLabel;

  constructor(mode: string, options: GanLossOptions = {}) {
    if (!(GAN_MODES as readonly string[]).includes(mode)) throw new OptionError(unknownNameMessage('GAN mode', mode, GAN_MODES));
    this.mode = mode as GanMode;
    this.wganClip = positive(options.wganClip ?? 0.01, 'wganClip');
    this.ebganMargin = positive(options.ebganMargin ?? 10, 'ebganMargin');
    this.gradientPenaltyWeight = options.gradientPenaltyWeight ?? 10;
    if (!(this.gradientPenaltyWeight >= 0)) throw new OptionError(`--lambda_gp must be a number ≥ 0; got ${this.gradientPenaltyWeight}.`);
    this.targetReal = parseTarget(options.targetReal ?? 1, 'targetReal');
    this.targetFake = parseTarget(options.targetFake ?? 0, 'targetFake');
    const customTargets = !isConstant(this.targetReal, 1) || !isConstant(this.targetFake, 0);
    if (customTargets && !LABEL_GAN_MODES.includes(this.mode))
      throw new OptionError(`Target labels apply only to the ${LABEL_GAN_MODES.join(', ')} GAN modes, not to '${mode}'.`);
  }

  /** True for `wgangp` with a positive penalty weight: the D step must add `gradientPenalty`. */
  get needsGradientPenalty(): boolean {
    return this.mode === 'wgangp' && this.gradientPenaltyWeight > 0;
  }

  /** Call after every discriminator step: `wgan` clips the critic's weights to [−c, c]; other modes do nothing. */
  afterDiscriminatorStep(discriminatorWeights: readonly tf.Variable[]): void {
    if (this.mode === 'wgan') clipWeights(discriminatorWeights, this.wganClip);
  }

  /** The loss of `pred` (one map, or per scale a map or feature list) against real or fake. */
  loss(pred: GanPrediction, targetIsReal: boolean, options: GanLossCallOptions = {}): tf.Scalar {
    const forDiscriminator = options.forDiscriminator ?? true;
    if (!forDiscriminator && !targetIsReal && (this.mode === 'hinge' || this.mode === 'minimax'))
      throw new Error(`The '${this.mode}' generator loss is defined only for targetIsReal = true (the fakes should look real).`);
    const maps = finalMaps(pred);
    return tf.tidy(() => {
      // minimax's generator minimises −BCE(D(G(x)), fake label): it uses the fake label.
      const label = targetIsReal && !(this.mode === 'minimax' && !forDiscriminator) ? this.targetReal : this.targetFake;
      const targets = LABEL_GAN_MODES.includes(this.mode) ? drawTargets(label, maps[0]!.shape[0] ?? 1) : 0;
      const perScale = maps.map((v) => this.scaleLoss(v, targetIsReal, forDiscriminator, targetTensor(targets, v)));
      return tf.div(tf.addN(perScale), perScale.length) as tf.Scalar;
    });
  }

  private scaleLoss(v: tf.Tensor, real: boolean, forDiscriminator: boolean, target: tf.Tensor | number): tf.Tensor {
    switch (this.mode) {
      case 'vanilla':
        return bceWithLogits(v, target);
      case 'minimax':
        return forDiscriminator ? bceWithLogits(v, target) : tf.neg(bceWithLogits(v, target));
      case 'lsgan':
        return tf.mean(tf.square(tf.sub(v, target)));
      case 'hinge':
        if (!forDiscriminator) return tf.neg(tf.mean(v));
        return tf.mean(tf.relu(real ? tf.sub(1, v) : tf.add(1, v)));
      case 'wgan':
      case 'wgangp':
        return real ? tf.neg(tf.mean(v)) : tf.mean(v);
      case 'ebgan':
        return real ? tf.mean(v) : tf.mean(tf.relu(tf.sub(this.ebganMargin, v)));
      default: {
        const forms = F_DIVERGENCE_FORMS[this.mode.slice('fgan:'.length) as FDivergence];
        return real ? tf.neg(tf.mean(forms.activation(v))) : tf.mean(forms.conjugate(v));
      }
    }
  }
}

/** Clips every variable into [−c, c] in place (WGAN's critic clipping, done after each D step). */
export function clipWeights(variables: readonly tf.Variable[], c: number): void {
  for (const v of variables) tf.tidy(() => v.assign(tf.clipByValue(v, -c, c)));
}

function positive(value: number, name: string): number {
  if (!(Number.isFinite(value) && value > 0)) throw new OptionError(`${name} must be a positive number; got ${value}.`);
  return value;
}

function isConstant(label: TargetLabel, value: number): boolean {
  return label.kind === 'constant' && label.value === value;
}
