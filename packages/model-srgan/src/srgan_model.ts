/**
 * SRGAN (`--model srgan`, Ledig et al. 2017): SRResNet's generator and steps, extended with a
 * discriminator and the perceptual loss. It usually starts from an SRResNet checkpoint
 * (`--pretrained_G`). Per step (docs/losses.md §5), D first:
 * D: GAN(D(HR), t_real) + GAN(D(sg(SR)), t_fake) with noisy labels t_real ~ U(0.7, 1.2),
 * t_fake ~ U(0, 0.3) drawn per image per step (`--no_label_noise`: 1 and 0); then
 * G: λ_mse·MSE(SR, HR) + λ_vgg·MSE(φ(SR), sg(φ(HR))) + λ_adv·GAN(D(SR), 1), with φ the VGG19 layer
 * `--vgg_layer` on ImageNet-normalised [0, 1] RGB. D and the losses see [0, 1] images.
 */
import {
  GANLoss,
  TranslateError,
  type Vgg19Features,
  detach,
  imagenetNormalize,
  loadVgg19,
  mseLoss,
  optBool,
  optNumber,
  optString,
  tf,
  type ModelEnvironment,
  type Options,
} from '@translate/core';
import { SRGANDiscriminator } from './discriminator.js';
import { loadPretrainedGenerator } from './pretrained.js';
import { SRResNetModel, toUnit } from './srresnet_model.js';

/** SRGAN's model object; see the module comment. */
export class SRGANModel extends SRResNetModel {
  override readonly lossNames: readonly string[] = ['D_real', 'D_fake', 'G_MSE', 'G_VGG', 'G_GAN'];
  private readonly criterionD: GANLoss | null = null;
  private readonly criterionG: GANLoss | null = null;
  private readonly vgg: Vgg19Features | null = null;
  private readonly weights = { mse: 0, vgg: 0, adv: 0 };

  constructor(opt: Options, env: ModelEnvironment) {
    super(opt, env);
    if (!env.isTrain) return;
    this.weights = { mse: optNumber(opt, 'lambda_mse'), vgg: optNumber(opt, 'lambda_vgg'), adv: optNumber(opt, 'lambda_adv') };
    for (const [name, value] of Object.entries(this.weights))
      if (!(value >= 0)) throw new TranslateError(`--lambda_${name} must be a number ≥ 0; got ${value}.`);
    const pretrained = optString(opt, 'pretrained_G');
    if (pretrained && !optBool(opt, 'continue_train')) loadPretrainedGenerator(this.generator, pretrained, opt);
    this.addNetwork('D', new SRGANDiscriminator({ inputNc: optNumber(opt, 'output_nc'), ndf: optNumber(opt, 'ndf') }));
    const noisy = !optBool(opt, 'no_label_noise');
    const mode = optString(opt, 'gan_mode');
    this.criterionD = new GANLoss(
      mode,
      noisy ? { targetReal: optString(opt, 'target_real'), targetFake: optString(opt, 'target_fake') } : {},
    );
    this.criterionG = new GANLoss(mode);
    this.addOptimizer('D', ['D'], this.adamOptions());
    // The cache `translate weights fetch vgg19` fills when --vgg_weights is empty; never a random VGG.
    if (this.weights.vgg > 0) this.vgg = loadVgg19(optString(opt, 'vgg_weights'));
  }

  /** φ: the `--vgg_layer` features of [0, 1] RGB images, ImageNet-normalised. */
  private features(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.vgg!.layerOutputs(imagenetNormalize(x), [optString(this.opt, 'vgg_layer')])[0]!);
  }

  /** D's loss on HR (label t_real) and on the stop-gradient of the current SR (label t_fake). */
  discriminatorLoss(): tf.Scalar {
    const D = this.network('D');
    const hr = toUnit(this.visual('HR'));
    const sr = toUnit(detach(this.visual('SR')));
    const lossReal = this.criterionD!.loss(D.forward(hr, this.ctx()), true);
    const lossFake = this.criterionD!.loss(D.forward(sr, this.ctx()), false);
    this.setLoss('D_real', lossReal);
    this.setLoss('D_fake', lossFake);
    return tf.add(lossReal, lossFake) as tf.Scalar;
  }

  /** G's loss; `hrFeatures` is φ(HR), computed outside the gradient (null without the VGG term). */
  generatorLoss(hrFeatures: tf.Tensor4D | null): tf.Scalar {
    const sr = this.replayForward(() => this.generate());
    const mse = tf.mul(this.pixelLoss(sr), this.weights.mse) as tf.Scalar;
    const vgg = hrFeatures ? (tf.mul(mseLoss(this.features(sr), hrFeatures), this.weights.vgg) as tf.Scalar) : tf.scalar(0);
    const pred = this.network('D').forward(sr, this.ctx());
    const adv = tf.mul(this.criterionG!.loss(pred, true, { forDiscriminator: false }), this.weights.adv) as tf.Scalar;
    this.setLoss('G_MSE', mse);
    this.setLoss('G_VGG', vgg);
    this.setLoss('G_GAN', adv);
    return tf.addN([mse, vgg, adv]) as tf.Scalar;
  }

  override optimizeParameters(): void {
    this.forwardPass();
    this.optimize('D', () => this.discriminatorLoss());
    const hrFeatures = this.vgg ? tf.tidy(() => this.features(toUnit(this.visual('HR')))) : null;
    try {
      this.optimize('G', () => this.generatorLoss(hrFeatures));
    } finally {
      hrFeatures?.dispose();
    }
  }

  override dispose(): void {
    super.dispose();
    this.vgg?.dispose();
  }
}
