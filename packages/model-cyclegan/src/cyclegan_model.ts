/**
 * CycleGAN (Zhu et al. 2017), as the reference's `CycleGANModel`: G_A: A→B, G_B: B→A, D_A judges
 * B images, D_B judges A images; lsgan, cycle λ 10/10, identity 0.5, image pools of 50; one step is
 * the G update (D frozen), then D_A and D_B on pooled fakes.
 */
import {
  BaseModel,
  type GANLoss,
  ImagePool,
  OptionError,
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
  type RawStateDict,
} from '@translate/core';

/** CycleGAN's model object; see the module comment. */
export class CycleGANModel extends BaseModel {
  readonly lossNames = ['D_A', 'G_A', 'cycle_A', 'idt_A', 'D_B', 'G_B', 'cycle_B', 'idt_B'] as const;
  readonly visualNames: readonly string[];
  override readonly evaluatedVisuals = { fake: 'fake_B', real: 'real_B' };
  private readonly criterionGAN: GANLoss | null = null;
  private readonly poolA: ImagePool | null = null;
  private readonly poolB: ImagePool | null = null;
  private readonly lambdaA: number;
  private readonly lambdaB: number;
  private readonly lambdaIdt: number;

  constructor(opt: Options, env: ModelEnvironment) {
    super(opt, env);
    const inputNc = optNumber(opt, 'input_nc');
    const outputNc = optNumber(opt, 'output_nc');
    this.lambdaA = env.isTrain ? optNumber(opt, 'lambda_A') : 0;
    this.lambdaB = env.isTrain ? optNumber(opt, 'lambda_B') : 0;
    this.lambdaIdt = env.isTrain ? optNumber(opt, 'lambda_identity') : 0;
    const withIdentity = env.isTrain && this.lambdaIdt > 0;
    if (withIdentity && inputNc !== outputNc) {
      throw new OptionError(
        `--lambda_identity ${this.lambdaIdt} needs --input_nc equal to --output_nc (got ${inputNc} and ${outputNc}); pass --lambda_identity 0.`,
      );
    }
    this.visualNames = [
      'real_A',
      'fake_B',
      'rec_A',
      ...(withIdentity ? ['idt_B'] : []),
      'real_B',
      'fake_A',
      'rec_B',
      ...(withIdentity ? ['idt_A'] : []),
    ];
    this.addNetwork('G_A', generatorFromOptions(opt, { inputNc, outputNc }));
    this.addNetwork('G_B', generatorFromOptions(opt, { inputNc: outputNc, outputNc: inputNc }));
    if (!env.isTrain) return;
    this.addNetwork('D_A', discriminatorFromOptions(opt, outputNc));
    this.addNetwork('D_B', discriminatorFromOptions(opt, inputNc));
    this.criterionGAN = ganLossFromOptions(opt);
    this.poolA = new ImagePool(optNumber(opt, 'pool_size'));
    this.poolB = new ImagePool(optNumber(opt, 'pool_size'));
    const adam = { lr: optNumber(opt, 'lr'), beta1: optNumber(opt, 'beta1'), beta2: 0.999 };
    this.addOptimizer('G', ['G_A', 'G_B'], adam);
    this.addOptimizer('D', ['D_A', 'D_B'], adam);
  }

  /** The dataset has already applied `--direction` (A is the input domain). */
  override setInput(batch: Batch): void {
    this.setVisual('real_A', batch.A as tf.Tensor4D);
    this.setVisual('real_B', batch.B as tf.Tensor4D);
    this.imagePaths = (batch.A_paths as string[] | undefined) ?? [];
  }

  override forward(): void {
    const G_A = this.network('G_A');
    const G_B = this.network('G_B');
    const fakeB = G_A.forward(this.visual('real_A'), this.ctx());
    const fakeA = G_B.forward(this.visual('real_B'), this.ctx());
    this.setVisual('fake_B', fakeB);
    this.setVisual('rec_A', G_B.forward(fakeB, this.ctx()));
    this.setVisual('fake_A', fakeA);
    this.setVisual('rec_B', G_A.forward(fakeA, this.ctx()));
  }

  /**
   * One direction's share of the generator loss: GAN(D_Y(G(x))) + λ_x·L1(F(G(x)), x). With the
   * identity terms ({@link identityTerm}) the parts sum to the reference's loss_G; computing their
   * gradients one after the other keeps the activations of at most two generators and one
   * discriminator alive at once (the reference holds six generators' and two discriminators').
   */
  private generatorHalf(direction: 'A' | 'B'): tf.Scalar {
    const [forward, backward, discriminator] = direction === 'A' ? ['G_A', 'G_B', 'D_A'] : ['G_B', 'G_A', 'D_B'];
    const other = direction === 'A' ? 'B' : 'A';
    const real = this.visual(`real_${direction}`);
    const fake = this.network(forward).forward(real, this.ctx());
    const rec = this.network(backward).forward(fake, this.ctx());
    this.setVisual(`fake_${other}`, fake);
    this.setVisual(`rec_${direction}`, rec);
    const lossGAN = this.criterionGAN!.loss(this.network(discriminator).forward(fake, this.ctx()), true, { forDiscriminator: false });
    const lossCycle = tf.mul(l1Loss(rec, real), direction === 'A' ? this.lambdaA : this.lambdaB) as tf.Scalar;
    this.setLoss(`G_${direction}`, lossGAN);
    this.setLoss(`cycle_${direction}`, lossCycle);
    return tf.add(lossGAN, lossCycle) as tf.Scalar;
  }

  /** The identity term on real_x: idt_B = G_B(real_A) weighted by λ_A·λ_idt; idt_A = G_A(real_B) by λ_B·λ_idt. */
  private identityTerm(direction: 'A' | 'B'): tf.Scalar {
    const [backward, other] = direction === 'A' ? ['G_B', 'B'] : ['G_A', 'A'];
    const real = this.visual(`real_${direction}`);
    const idt = this.network(backward).forward(real, this.ctx());
    this.setVisual(`idt_${other}`, idt);
    const lambda = direction === 'A' ? this.lambdaA : this.lambdaB;
    const lossIdt = tf.mul(l1Loss(idt, real), lambda * this.lambdaIdt) as tf.Scalar;
    this.setLoss(`idt_${other}`, lossIdt);
    return lossIdt;
  }

  /**
   * D loss 0.5·(GAN(D(real), real) + GAN(D(fake), fake)) with the fake taken through the pool
   * (plus the gradient penalty for wgangp). The pool is queried before the closure runs.
   */
  private discriminatorLoss(name: 'D_A' | 'D_B', pooled: tf.Tensor4D): tf.Scalar {
    const real = this.visual(name === 'D_A' ? 'real_B' : 'real_A');
    const D = this.network(name);
    const lossReal = this.criterionGAN!.loss(D.forward(real, this.ctx()), true);
    const lossFake = this.criterionGAN!.loss(D.forward(pooled, this.ctx()), false);
    const loss = tf.mul(tf.add(lossReal, lossFake), 0.5) as tf.Scalar;
    this.setLoss(name, loss);
    const penalty = discriminatorPenalty(this.criterionGAN!, D, real, pooled, this.ctx());
    return penalty ? (tf.add(loss, penalty) as tf.Scalar) : loss;
  }

  override optimizeParameters(): void {
    const parts = (['A', 'B'] as const).flatMap((d) =>
      this.lambdaIdt > 0 ? [() => this.generatorHalf(d), () => this.identityTerm(d)] : [() => this.generatorHalf(d)],
    );
    if (this.lambdaIdt <= 0) for (const name of ['idt_A', 'idt_B']) this.setLoss(name, 0);
    this.optimize('G', ...parts);
    const [fakeB, fakeA] = [this.visual('fake_B'), this.visual('fake_A')];
    const [pooledB, pooledA] = [this.poolB!.query(fakeB), this.poolA!.query(fakeA)];
    this.optimize(
      'D',
      () => this.discriminatorLoss('D_A', pooledB),
      () => this.discriminatorLoss('D_B', pooledA),
    );
    // A pool of size 0 hands back the visual itself, which the model keeps.
    if (pooledB !== fakeB) pooledB.dispose();
    if (pooledA !== fakeA) pooledA.dispose();
    afterDiscriminatorUpdate(this.criterionGAN!, [this.network('D_A'), this.network('D_B')]);
  }

  /** The image pools' contents, so that a resumed run draws exactly what an uninterrupted one would. */
  override saveExtraState(): Record<string, RawStateDict> {
    if (!this.poolA || !this.poolB) return {};
    const group = (pool: ImagePool): RawStateDict =>
      new Map(pool.state().map(({ shape, data }, i) => [String(i), { dtype: 'F32' as const, shape, data }]));
    return { pool_A: group(this.poolA), pool_B: group(this.poolB) };
  }

  override loadExtraState(read: (key: string) => RawStateDict | null): void {
    for (const [key, pool] of [
      ['pool_A', this.poolA],
      ['pool_B', this.poolB],
    ] as const) {
      const saved = pool && read(key);
      if (saved) pool.restore([...saved.values()].map(({ shape, data }) => ({ shape, data: data as Float32Array })));
    }
  }

  override dispose(): void {
    this.poolA?.dispose();
    this.poolB?.dispose();
    super.dispose();
  }
}
