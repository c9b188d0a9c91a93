/**
 * A conditional energy-based GAN (Zhao et al. 2017, "Energy-based Generative Adversarial Network")
 * for paired translation: D is an auto-encoder over (A, B) pairs whose reconstruction error is an
 * energy E. With `--gan_mode ebgan` (docs/losses.md §1), D lowers the energy of real pairs and raises
 * that of generated pairs up to the margin m: mean E(A⊕B) + mean relu(m − E(A⊕G(A))); G lowers
 * the energy of its pairs, mean E(A⊕G(A)), plus λ_L1·L1(G(A), B) to stay close to the target.
 */
import {
  BaseModel,
  GANLoss,
  OptionError,
  discriminatorFromOptions,
  generatorFromOptions,
  l1Loss,
  optNumber,
  optString,
  tf,
  type Batch,
  type ModelEnvironment,
  type Options,
} from '@translate/core';

/** The EBGAN model: networks G and D (the energy auto-encoder). */
export class EbganModel extends BaseModel {
  readonly lossNames = ['G_energy', 'G_L1', 'D_real', 'D_fake'];
  readonly visualNames = ['real_A', 'fake_B', 'real_B'];
  /** Set when training only. */
  private readonly criterion!: GANLoss;
  private readonly lambdaL1: number = 0;

  constructor(opt: Options, env: ModelEnvironment) {
    super(opt, env);
    const inputNc = optNumber(opt, 'input_nc');
    const outputNc = optNumber(opt, 'output_nc');
    this.addNetwork('G', generatorFromOptions(opt, { inputNc, outputNc }));
    if (!env.isTrain) return;
    if (optString(opt, 'gan_mode') !== 'ebgan') {
      throw new OptionError(
        `The ebgan model's discriminator outputs energies, which only --gan_mode ebgan reads; got --gan_mode ${optString(opt, 'gan_mode')}.`,
      );
    }
    this.addNetwork('D', discriminatorFromOptions(opt, inputNc + outputNc));
    this.criterion = new GANLoss('ebgan', { ebganMargin: optNumber(opt, 'ebgan_margin') });
    this.lambdaL1 = optNumber(opt, 'lambda_L1');
    const adam = { lr: optNumber(opt, 'lr'), beta1: optNumber(opt, 'beta1'), beta2: 0.999 };
    this.addOptimizer('G', ['G'], adam);
    this.addOptimizer('D', ['D'], adam);
  }

  override setInput(batch: Batch): void {
    this.setVisual('real_A', batch.A as tf.Tensor4D);
    if (batch.B) this.setVisual('real_B', batch.B as tf.Tensor4D);
    this.imagePaths = (batch.A_paths as string[] | undefined) ?? [];
  }

  override forward(): void {
    this.setVisual('fake_B', this.network('G').forward(this.visual('real_A'), this.ctx()));
  }

  override optimizeParameters(): void {
    this.forwardPass();
    this.optimize('D', () => this.backwardD());
    this.optimize('G', () => this.backwardG());
  }

  /** mean E(A⊕B) + mean relu(m − E(A⊕G(A))), with G(A) the constant of `forwardPass()`. */
  override backwardD(): tf.Scalar {
    const D = this.network('D');
    const realA = this.visual('real_A');
    const lossReal = this.criterion.loss(D.forward(tf.concat([realA, this.visual('real_B')], 3), this.ctx()), true);
    const lossFake = this.criterion.loss(D.forward(tf.concat([realA, this.visual('fake_B')], 3), this.ctx()), false);
    this.setLoss('D_real', lossReal);
    this.setLoss('D_fake', lossFake);
    return tf.add(lossReal, lossFake) as tf.Scalar;
  }

  /** mean E(A⊕G(A)) + λ_L1·L1(G(A), B). */
  override backwardG(): tf.Scalar {
    this.replayForward(() => this.forward());
    const fakeB = this.visual('fake_B');
    const energy = this.criterion.loss(this.network('D').forward(tf.concat([this.visual('real_A'), fakeB], 3), this.ctx()), true, {
      forDiscriminator: false,
    });
    const lossL1 = tf.mul(l1Loss(fakeB, this.visual('real_B')), this.lambdaL1) as tf.Scalar;
    this.setLoss('G_energy', energy);
    this.setLoss('G_L1', lossL1);
    return tf.add(energy, lossL1) as tf.Scalar;
  }
}
