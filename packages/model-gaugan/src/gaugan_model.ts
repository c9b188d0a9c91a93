/**
 * GauGAN (Park et al. 2019), as SPADE's `Pix2PixModel` and `Pix2PixTrainer`: a SPADE generator
 * from semantic label maps (+ instance edges), a multi-scale PatchGAN on semantics ⊕ image that
 * sees fake and real in one batch, hinge loss, feature matching, VGG19 perceptual loss, and with
 * `--use_vae` a style encoder and KLD. TTUR: lr_G = lr/2, lr_D = 2·lr, β = (0, 0.9). Each step
 * is a G update every `--D_steps_per_G` steps, then a D update on a freshly generated fake.
 */
import {
  BaseModel,
  type GANLoss,
  OptionError,
  TranslateError,
  afterDiscriminatorUpdate,
  discriminatorPenalty,
  ganLossFromOptions,
  featureMatchingLoss,
  globalRng,
  kldLoss,
  loadVgg19,
  optBool,
  optNumber,
  optString,
  tf,
  type Batch,
  type ModelEnvironment,
  type Options,
  type RawStateDict,
  type Vgg19Features,
} from '@translate/core';
import { VGGLoss } from './spade/index.js';
import { semanticInput, type SemanticOptions } from './semantics.js';
import type { ScaledDiscriminator } from './discriminator.js';
import { reparameterize, type ConvEncoder } from './encoder.js';
import { SPADEGenerator } from './generator.js';
import type { Pix2PixHDGenerator } from './pix2pixhd.js';
import { colorizeLabels } from './label_colormap.js';
import { buildDiscriminator, buildEncoder, buildGenerator } from './networks.js';
import { loadStyleImage } from './style_image.js';

/** SPADE's `--gan_mode` names mapped to core's (`ls`, `original`, `w`); core's own names pass through. */
const SPADE_GAN_MODES: Readonly<Record<string, string>> = { ls: 'lsgan', original: 'vanilla', w: 'wgan' };

/** Discriminator outputs split into the fake half and the real half of the batch. */
interface SplitPrediction {
  fake: tf.Tensor4D[][];
  real: tf.Tensor4D[][];
}

/** GauGAN's model object; see the module comment. */
export class GauGANModel extends BaseModel {
  readonly lossNames: readonly string[];
  readonly visualNames = ['input_label', 'synthesized_image', 'real_image'] as const;
  override readonly evaluatedVisuals = { fake: 'synthesized_image', real: 'real_image' };
  private readonly semanticOptions: SemanticOptions;
  private readonly useVae: boolean;
  private readonly discriminator: ScaledDiscriminator | null = null;
  private readonly criterionGAN: GANLoss | null = null;
  private readonly vgg: Vgg19Features | null = null;
  private readonly vggLoss: VGGLoss | null = null;
  private style: tf.Tensor4D | null = null;
  private semantics: tf.Tensor4D | null = null;
  /** Training steps taken (the reference's iteration index for `--D_steps_per_G`). */
  private steps = 0;

  constructor(opt: Options, env: ModelEnvironment) {
    super(opt, env);
    if (opt['label_nc'] === undefined) {
      throw new OptionError(
        `GauGAN translates label maps, and --dataset_mode '${optString(opt, 'dataset_mode')}' reads none (it has no --label_nc): use a label-map mode such as segmentation, ade20k, cityscapes or coco.`,
      );
    }
    this.semanticOptions = {
      label_nc: optNumber(opt, 'label_nc'),
      contain_dontcare_label: optBool(opt, 'contain_dontcare_label'),
      no_instance: optBool(opt, 'no_instance'),
    };
    this.useVae = optBool(opt, 'use_vae');
    const G = this.addNetwork('G', buildGenerator(opt));
    if (this.useVae) this.addNetwork('E', buildEncoder(opt));
    this.lossNames = env.isTrain ? this.trainingLossNames() : [];
    if (!env.isTrain) {
      this.checkStyleOption(G);
      return;
    }
    this.discriminator = buildDiscriminator(opt);
    this.addNetwork('D', this.discriminator.net);
    const mode = optString(opt, 'gan_mode');
    this.criterionGAN = ganLossFromOptions(opt, SPADE_GAN_MODES[mode] ?? mode);
    if (this.lossNames.includes('VGG')) {
      this.vgg = loadVgg19(optString(opt, 'vgg_weights'));
      this.vggLoss = new VGGLoss(this.vgg, { imagenetNormalize: optBool(opt, 'vgg_imagenet_norm') });
    }
    const dStepsPerG = optNumber(opt, 'D_steps_per_G');
    if (!(Number.isInteger(dStepsPerG) && dStepsPerG >= 1))
      throw new OptionError(`--D_steps_per_G must be a positive integer; got ${dStepsPerG}.`);
    const { lrG, lrD, beta1, beta2 } = this.optimizerSettings();
    this.addOptimizer('G', this.useVae ? ['G', 'E'] : ['G'], { lr: lrG, beta1, beta2 });
    this.addOptimizer('D', ['D'], { lr: lrD, beta1, beta2 });
  }

  private trainingLossNames(): string[] {
    const o = this.opt;
    return [
      'GAN',
      ...(optBool(o, 'no_ganFeat_loss') ? [] : ['GAN_Feat']),
      ...(optBool(o, 'no_vgg_loss') || optNumber(o, 'lambda_vgg') === 0 ? [] : ['VGG']),
      ...(this.useVae ? ['KLD'] : []),
      'D_Fake',
      'D_real',
    ];
  }

  /** TTUR (lr/2 for G, 2·lr for D) unless `--no_TTUR`, whose default betas are (0.5, 0.999). */
  private optimizerSettings(): { lrG: number; lrD: number; beta1: number; beta2: number } {
    const lr = optNumber(this.opt, 'lr');
    let [beta1, beta2] = [optNumber(this.opt, 'beta1'), optNumber(this.opt, 'beta2')];
    if (!optBool(this.opt, 'no_TTUR')) return { lrG: lr / 2, lrD: lr * 2, beta1, beta2 };
    if (beta1 === 0 && beta2 === 0.9) [beta1, beta2] = [0.5, 0.999];
    return { lrG: lr, lrD: lr, beta1, beta2 };
  }

  /** `--style_image` is encoded by netE, so it needs a SPADE generator trained with `--use_vae`. */
  private checkStyleOption(G: SPADEGenerator | Pix2PixHDGenerator): void {
    if (optString(this.opt, 'style_image') === '') return;
    if (!this.useVae || !(G instanceof SPADEGenerator)) {
      throw new OptionError('--style_image needs a model trained with --use_vae (it is encoded by netE); pass --use_vae if it was.');
    }
  }

  /** Reads `--style_image` (testing) at the generator's output size. */
  override async setup(): Promise<void> {
    if (this.isTrain) return;
    const file = optString(this.opt, 'style_image');
    if (file === '') return;
    const [h, w] = this.network<SPADEGenerator>('G').outputSize;
    this.style = await loadStyleImage(file, h, w);
  }

  /** Takes a batch of a label-map mode: label (+ instance) maps and the photo `B`; results are named after the photo, as SPADE's. */
  override setInput(batch: Batch): void {
    const label = batch.label as tf.Tensor4D | undefined;
    const real = batch.B as tf.Tensor4D | undefined;
    if (!label || !real)
      throw new TranslateError('GauGAN needs batches of label maps (`label`) and photos (`B`), as the label-map dataset modes give.');
    this.semantics?.dispose();
    this.semantics = tf.keep(
      tf.tidy(() => semanticInput({ label, instance: batch.instance as tf.Tensor4D | undefined }, this.semanticOptions)),
    );
    tf.tidy(() => this.setVisual('input_label', colorizeLabels(label, this.semanticOptions.label_nc + 2)));
    this.setVisual('real_image', real);
    this.imagePaths = (batch.B_paths as string[] | undefined) ?? [];
  }

  /** Inference: the synthesized image (VAE models encode `--style_image`, else each batch's photo). */
  override forward(): void {
    this.setVisual('synthesized_image', this.generate(false).fake);
  }

  /**
   * G(semantics[, z]) and, when asked, λ_kld·KLD. With `--use_vae`, z is reparameterised from the
   * encoding of the style image (testing with `--style_image`) or of the real photo.
   */
  private generate(withKld: boolean): { fake: tf.Tensor4D; kld: tf.Scalar | null } {
    const semantics = this.semantics!;
    if (!this.useVae) return { fake: this.network('G').forward({ segmap: semantics }, this.ctx()), kld: null };
    const n = semantics.shape[0];
    const source = this.style ? tf.tile(this.style, [n, 1, 1, 1]) : this.visual('real_image');
    const posterior = this.network<ConvEncoder>('E').forward(source, this.ctx());
    const z = reparameterize(posterior, globalRng().nextSeed());
    const kld = withKld ? (tf.mul(kldLoss(posterior.mu, posterior.logvar), optNumber(this.opt, 'lambda_kld')) as tf.Scalar) : null;
    return { fake: this.network('G').forward({ segmap: semantics, z }, this.ctx()), kld };
  }

  /** D on [semantics ⊕ fake; semantics ⊕ real] in one batch, split back per scale and layer (`divide_pred`). */
  private discriminate(fake: tf.Tensor4D, real: tf.Tensor4D): SplitPrediction {
    const semantics = this.semantics!;
    const n = fake.shape[0];
    const both = tf.concat([tf.concat([semantics, fake], 3), tf.concat([semantics, real], 3)], 0);
    const scales = this.discriminator!.features(both, this.ctx());
    const half = (t: tf.Tensor4D, start: number) => tf.slice(t, [start, 0, 0, 0], [n, -1, -1, -1]);
    return { fake: scales.map((maps) => maps.map((t) => half(t, 0))), real: scales.map((maps) => maps.map((t) => half(t, n))) };
  }

  /** GAN + λ_feat·feature matching + λ_vgg·VGG (+ λ_kld·KLD), SPADE's `compute_generator_loss`. */
  private generatorLoss(): tf.Scalar {
    const { fake, kld } = this.generate(this.useVae);
    this.setVisual('synthesized_image', fake);
    const real = this.visual('real_image');
    const pred = this.discriminate(fake, real);
    const terms: Array<[string, tf.Scalar]> = [['GAN', this.criterionGAN!.loss(pred.fake, true, { forDiscriminator: false })]];
    if (this.lossNames.includes('GAN_Feat')) {
      terms.push([
        'GAN_Feat',
        featureMatchingLoss(pred.fake, pred.real, {
          lambda: optNumber(this.opt, 'lambda_feat'),
          numD: pred.fake.length,
          kind: optString(this.opt, 'feat_loss') as 'l1' | 'l2',
        }),
      ]);
    }
    if (this.vggLoss) terms.push(['VGG', tf.mul(this.vggLoss.loss(fake, real), optNumber(this.opt, 'lambda_vgg')) as tf.Scalar]);
    if (kld) terms.push(['KLD', kld]);
    for (const [name, value] of terms) this.setLoss(name, value);
    return tf.addN(terms.map(([, v]) => v)) as tf.Scalar;
  }

  /** D_Fake + D_real (no ½, as SPADE), plus the gradient penalty for wgangp. `fake` is a constant. */
  private discriminatorLoss(fake: tf.Tensor4D): tf.Scalar {
    const real = this.visual('real_image');
    const pred = this.discriminate(fake, real);
    const lossFake = this.criterionGAN!.loss(pred.fake, false);
    const lossReal = this.criterionGAN!.loss(pred.real, true);
    this.setLoss('D_Fake', lossFake);
    this.setLoss('D_real', lossReal);
    const loss = tf.add(lossFake, lossReal) as tf.Scalar;
    const semantics = this.semantics!;
    const penalty = discriminatorPenalty(
      this.criterionGAN!,
      this.network('D'),
      tf.concat([semantics, real], 3),
      tf.concat([semantics, fake], 3),
      this.ctx(),
    );
    return penalty ? (tf.add(loss, penalty) as tf.Scalar) : loss;
  }

  override optimizeParameters(): void {
    if (this.steps % optNumber(this.opt, 'D_steps_per_G') === 0) this.optimize('G', () => this.generatorLoss());
    // SPADE regenerates the fake for the D step (after the G update), without gradients.
    const fake = tf.tidy(() => this.generate(false).fake);
    this.optimize('D', () => this.discriminatorLoss(fake));
    fake.dispose();
    afterDiscriminatorUpdate(this.criterionGAN!, [this.network('D')]);
    this.steps++;
  }

  /** The step counter, so that a resumed run keeps the G/D alternation of `--D_steps_per_G`. */
  override saveExtraState(): Record<string, RawStateDict> {
    return { steps: new Map([['steps', { dtype: 'F32' as const, shape: [1], data: Float32Array.of(this.steps) }]]) };
  }

  override loadExtraState(read: (key: string) => RawStateDict | null): void {
    const saved = read('steps')?.get('steps');
    if (saved) this.steps = Number((saved.data as Float32Array)[0]);
  }

  override dispose(): void {
    tf.dispose([this.semantics, this.style].filter((t): t is tf.Tensor4D => t !== null));
    this.vgg?.dispose();
    super.dispose();
  }
}
