/**
 * SRResNet (`--model srresnet`): the SRGAN generator trained with the pixel MSE alone, the warm-up
 * whose checkpoint `srgan` starts from. The dataset gives A = low-resolution and B = high-resolution
 * images in [-1, 1]; the generator works on [0, 1]. Testing runs the generator tile by tile
 * (`--tile`), and reports PSNR/SSIM (Y channel and RGB, border shave = scale) of the result and of
 * the bicubic baseline through `testMetrics()`.
 */
import {
  type Adam,
  BaseModel,
  InputShapeError,
  mseLoss,
  optNumber,
  optString,
  srMetrics,
  tensorImages,
  tf,
  type Batch,
  type MetricImage,
  type ModelEnvironment,
  type Options,
} from '@translate/core';
import { SRResNetGenerator, type TrunkEnd } from './generator.js';
import { bicubicUpscale } from './bicubic.js';
import { runTiled } from './tiling.js';
import { chain } from './chain.js';

/** [-1, 1] → [0, 1]. */
export const toUnit = (x: tf.Tensor4D): tf.Tensor4D => tf.div(tf.add(x, 1), 2);

/** [0, 1] → [-1, 1]. */
export const fromUnit = (x: tf.Tensor4D): tf.Tensor4D => tf.sub(tf.mul(x, 2), 1);

/** [0, 1] → the nearest 8-bit levels (round(255·x)/255, clipped), as saved images hold them; two image-sized tensors at a time. */
function levels(x: tf.Tensor4D): tf.Tensor4D {
  return chain(x, [(t) => tf.mul(t, 255), (t) => tf.clipByValue(t, 0, 255), (t) => tf.round(t), (t) => tf.div(t, 255)]);
}

/**
 * 8-bit levels in [0, 1] as a [-1, 1] visual that the engine's PNG writer (which truncates) stores
 * as exactly those levels (the values of `fromUnit(x + 0.5/255)`).
 */
function levelVisual(x: tf.Tensor4D): tf.Tensor4D {
  return chain(x, [(t) => tf.add(t, 0.5 / 255), (t) => tf.mul(t, 2), (t) => tf.sub(t, 1)]);
}

/** SRResNet's model object; see the module comment. */
export class SRResNetModel extends BaseModel {
  readonly lossNames: readonly string[] = ['G_MSE'];
  readonly visualNames: readonly string[];
  override readonly evaluatedVisuals = { fake: 'SR', real: 'HR' };
  /** The upscale factor. */
  readonly scale: number;
  private metrics: Array<Record<string, number>> | null = null;

  constructor(opt: Options, env: ModelEnvironment) {
    super(opt, env);
    this.scale = optNumber(opt, 'scale');
    this.visualNames = env.isTrain ? ['LR', 'SR', 'HR'] : ['bicubic', 'SR', 'HR'];
    this.addNetwork(
      'G',
      new SRResNetGenerator({
        scale: this.scale,
        nBlocks: optNumber(opt, 'n_blocks'),
        ngf: optNumber(opt, 'ngf'),
        inputNc: optNumber(opt, 'input_nc'),
        outputNc: optNumber(opt, 'output_nc'),
        trunkEnd: optString(opt, 'trunk_end') as TrunkEnd,
      }),
    );
    if (env.isTrain) this.addOptimizer('G', ['G'], this.adamOptions());
  }

  /** Adam with `--lr`, `--beta1` and β2 = 0.999. */
  protected adamOptions(): ConstructorParameters<typeof Adam>[1] {
    return { lr: optNumber(this.opt, 'lr'), beta1: optNumber(this.opt, 'beta1'), beta2: 0.999 };
  }

  /** The generator. */
  get generator(): SRResNetGenerator {
    return this.network<SRResNetGenerator>('G');
  }

  /** A = low resolution, B = high resolution (optional when testing, e.g. `--dataset_mode single`). */
  override setInput(batch: Batch): void {
    const lr = batch.A as tf.Tensor4D;
    const hr = batch.B as tf.Tensor4D | undefined;
    if (hr && (hr.shape[1] !== lr.shape[1] * this.scale || hr.shape[2] !== lr.shape[2] * this.scale)) {
      throw new InputShapeError(
        `The high-resolution image (${hr.shape[2]}×${hr.shape[1]}) is not --scale ${this.scale} × the low-resolution one (${lr.shape[2]}×${lr.shape[1]}). Use --dataset_mode super_resolution with the same --scale.`,
      );
    }
    if (this.isTrain && !hr)
      throw new InputShapeError('Training super-resolution needs high-resolution targets (field B): use --dataset_mode super_resolution.');
    this.setVisual('LR', lr);
    if (hr) this.setVisual('HR', hr);
    this.imagePaths = ((hr ? batch.B_paths : batch.A_paths) as string[] | undefined) ?? [];
  }

  /** G(LR) in [0, 1], also stored as the `SR` visual. */
  protected generate(): tf.Tensor4D {
    const sr = this.generator.forward(toUnit(this.visual('LR')), this.ctx());
    this.setVisual('SR', fromUnit(sr));
    return sr;
  }

  override forward(): void {
    this.generate();
  }

  /** MSE(G(LR), HR) on [0, 1] images. */
  protected pixelLoss(sr: tf.Tensor4D): tf.Scalar {
    return mseLoss(sr, toUnit(this.visual('HR')));
  }

  override optimizeParameters(): void {
    this.optimize('G', () => {
      const loss = this.pixelLoss(this.generate());
      this.setLoss('G_MSE', loss);
      return loss;
    });
  }

  /**
   * Inference: G (`infer`) tile by tile (`--tile`, `--tile_overlap`) and the bicubic baseline, as 8-bit
   * visuals; with a high-resolution image, the PSNR/SSIM of both for `testMetrics()`.
   */
  override test(): void {
    const overlap = optNumber(this.opt, 'tile_overlap');
    const ctx = this.ctx();
    const sr = tf.tidy(() =>
      runTiled((x) => this.generator.infer(x, ctx), toUnit(this.visual('LR')), {
        tile: optNumber(this.opt, 'tile'),
        overlap: overlap < 0 ? this.generator.receptiveRadius() : overlap,
        scale: this.scale,
      }),
    );
    // Image-sized tensors are freed as soon as they are used: a large output costs a few of them.
    const images: Record<string, tf.Tensor4D> = { SR: levels(sr) };
    sr.dispose();
    images.bicubic = tf.tidy(() => bicubicUpscale(toUnit(this.visual('LR')), this.scale));
    const hr = this.currentVisuals().HR;
    if (hr) images.HR = tf.tidy(() => levels(toUnit(hr)));
    this.metrics = images.HR ? this.evaluate(images.SR!, images.bicubic, images.HR) : null;
    for (const [name, image] of Object.entries(images)) {
      const visual = levelVisual(image);
      this.setVisual(name, visual);
      tf.dispose([visual, image]);
    }
  }

  /** PSNR/SSIM (Y and RGB, shave = scale) of each image's SR and bicubic result against its HR, in batch order. */
  private evaluate(sr: tf.Tensor4D, bicubic: tf.Tensor4D, hr: tf.Tensor4D): Array<Record<string, number>> {
    // Exact levels q/255 in float64, as an image file read back would give.
    const images = (batch: tf.Tensor4D): MetricImage[] =>
      tensorImages(batch).map((image) => ({ ...image, data: Float64Array.from(image.data, (v) => Math.round(v * 255) / 255) }));
    const truths = images(hr);
    const results = [
      ['', images(sr)],
      ['bicubic_', images(bicubic)],
    ] as const;
    return truths.map((truth, i) => {
      const out: Record<string, number> = {};
      for (const [prefix, batch] of results) {
        for (const channel of ['y', 'rgb'] as const) {
          const scores = srMetrics(batch[i]!, truth, { channel, shave: this.scale });
          out[`${prefix}psnr_${channel}`] = scores.psnr;
          out[`${prefix}ssim_${channel}`] = scores.ssim;
        }
      }
      return out;
    });
  }

  override testMetrics(): ReadonlyArray<Record<string, number>> | null {
    return this.metrics;
  }
}
