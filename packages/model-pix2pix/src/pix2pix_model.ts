/**
 * pix2pix (Isola et al. 2017), as the reference's `Pix2PixModel`: a U-Net generator and a
 * conditional PatchGAN on cat(A, B); D is updated first on (A, G(A)) vs (A, B), then G with
 * GAN + λ_L1·L1. Dropout stays on at test time unless `--eval` (its only noise source).
 */
import {
  BaseModel,
  type GANLoss,
  afterDiscriminatorUpdate,
  discriminatorFromOptions,
  discriminatorPenalty,
  ganLossFromOptions,
  generatorFromOptions,
  l1Loss,
  optNumber,
  tf,
  type Batch,
  type ModelEnvironment,
  type Options,
} from '@translate/core';

/** pix2pix's model object; see the module comment. */
export class Pix2PixModel extends BaseModel {
  readonly lossNames = ['G_GAN', 'G_L1', 'D_real', 'D_fake'] as const;
  readonly visualNames: readonly string[] = ['real_A', 'fake_B', 'real_B'];
  override readonly evaluatedVisuals = { fake: 'fake_B', real: 'real_B' };
  private readonly criterionGAN: GANLoss | null = null;
  private readonly lambdaL1: number = 0;

  constructor(opt: Options, env: ModelEnvironment) {
    super(opt, env);
    const inputNc = optNumber(opt, 'input_nc');
    const outputNc = optNumber(opt, 'output_nc');
    this.addNetwork('G', generatorFromOptions(opt, { inputNc, outputNc }));
    if (!env.isTrain) return;
    this.addNetwork('D', discriminatorFromOptions(opt, inputNc + outputNc));
    this.criterionGAN = ganLossFromOptions(opt);
    this.lambdaL1 = optNumber(opt, 'lambda_L1');
    const adam = { lr: optNumber(opt, 'lr'), beta1: optNumber(opt, 'beta1'), beta2: 0.999 };
    this.addOptimizer('G', ['G'], adam);
    this.addOptimizer('D', ['D'], adam);
  }

  /** The dataset has already applied `--direction` (A is the input domain). */
  override setInput(batch: Batch): void {
    this.setVisual('real_A', batch.A as tf.Tensor4D);
    this.setVisual('real_B', batch.B as tf.Tensor4D);
    this.imagePaths = (batch.A_paths as string[] | undefined) ?? [];
  }

  override forward(): void {
    this.setVisual('fake_B', this.network('G').forward(this.visual('real_A'), this.ctx()));
  }

  /**
   * 0.5·(GAN(D(A⊕G(A)), fake) + GAN(D(A⊕B), real)) (plus the gradient penalty for wgangp);
   * G(A) is the constant from `forwardPass()`.
   */
  override backwardD(): tf.Scalar {
    const D = this.network('D');
    const realA = this.visual('real_A');
    const fakeAB = tf.concat([realA, this.visual('fake_B')], 3);
    const realAB = tf.concat([realA, this.visual('real_B')], 3);
    const lossFake = this.criterionGAN!.loss(D.forward(fakeAB, this.ctx()), false);
    const lossReal = this.criterionGAN!.loss(D.forward(realAB, this.ctx()), true);
    this.setLoss('D_fake', lossFake);
    this.setLoss('D_real', lossReal);
    const loss = tf.mul(tf.add(lossFake, lossReal), 0.5) as tf.Scalar;
    const penalty = discriminatorPenalty(this.criterionGAN!, D, realAB, fakeAB, this.ctx());
    return penalty ? (tf.add(loss, penalty) as tf.Scalar) : loss;
  }

  /** GAN(D(A⊕G(A)), real) + λ_L1·L1(G(A), B), recomputing G(A) with the same dropout masks. */
  override backwardG(): tf.Scalar {
    this.replayForward(() => this.forward());
    const fakeB = this.visual('fake_B');
    const pred = this.network('D').forward(tf.concat([this.visual('real_A'), fakeB], 3), this.ctx());
    const lossGAN = this.criterionGAN!.loss(pred, true, { forDiscriminator: false });
    const lossL1 = tf.mul(l1Loss(fakeB, this.visual('real_B')), this.lambdaL1) as tf.Scalar;
    this.setLoss('G_GAN', lossGAN);
    this.setLoss('G_L1', lossL1);
    return tf.add(lossGAN, lossL1) as tf.Scalar;
  }

  override optimizeParameters(): void {
    this.forwardPass();
    this.optimize('D', () => this.backwardD());
    afterDiscriminatorUpdate(this.criterionGAN!, [this.network('D')]);
    this.optimize('G', () => this.backwardG());
  }
}
