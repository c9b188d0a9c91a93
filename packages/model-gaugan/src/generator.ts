/**
 * `SPADEGenerator` (`models/networks/generator.py`): from a small start map, seven SPADE residual
 * blocks (16nf ×3, then 16→8→4→2→1 nf) with nearest ×2 upsampling between them, LeakyReLU(0.2),
 * conv3×3 to RGB and tanh. The start map is the label map nearest-resized to sh×sw and convolved
 * (`fc` = Conv2d), or with `--use_vae` a linear map of z (`fc` = Linear). Keys as the reference's.
 */
import {
  Conv2d,
  InputShapeError,
  Linear,
  Module,
  OptionError,
  globalRng,
  interpolate,
  resizeNearestToOnnx,
  tf,
  upsampleNearestOnnx,
  type ForwardContext,
  type OnnxGraph,
  type OnnxSignature,
  type OnnxValues,
  roundHalfEven,
} from '@translate/core';
import { SPADEResnetBlock } from './spade/spade_resblock.js';
import type { SpadeNormConfig } from './spade/norm_config.js';

/** Values of `--num_upsampling_layers`: 5, 6 or 7 nearest ×2 upsamplings. */
export const UPSAMPLING_LAYERS = { normal: 5, more: 6, most: 7 } as const;

/** One of the `--num_upsampling_layers` names. */
export type UpsamplingLayers = keyof typeof UPSAMPLING_LAYERS;

/** Options of `SPADEGenerator`. */
export interface SpadeGeneratorOptions {
  semanticNc: number;
  ngf: number;
  /** Output channels (the reference hard-codes 3). */
  outputNc: number;
  norm: SpadeNormConfig;
  numUpsamplingLayers: UpsamplingLayers;
  cropSize: number;
  /** width / height. */
  aspectRatio: number;
  useVae: boolean;
  zDim: number;
}

/** What the generator takes: the semantic map (NHWC) and, for a VAE generator, an optional z [N, z_dim]. */
export interface GeneratorInput {
  segmap: tf.Tensor4D;
  /** Latent code; drawn from N(0, I) (seeded) when a VAE generator gets none. */
  z?: tf.Tensor2D;
}

/**
 * The start size (sh, sw) of the reference's `compute_latent_vector_size`: sw = crop // 2^N,
 * sh = round(sw / aspect_ratio) (half to even, as Python); an OptionError when crop_size is too small for N upsamplings.
 */
export function latentSize(cropSize: number, aspectRatio: number, layers: UpsamplingLayers): { sh: number; sw: number } {
  const n = UPSAMPLING_LAYERS[layers];
  if (n === undefined)
    throw new OptionError(`--num_upsampling_layers '${layers}' is unknown; use ${Object.keys(UPSAMPLING_LAYERS).join(', ')}.`);
  const sw = Math.floor(cropSize / 2 ** n);
  const sh = roundHalfEven(sw / aspectRatio); // Python's round()
  if (sw < 1 || sh < 1) {
    throw new OptionError(
      `--crop_size ${cropSize} with --aspect_ratio ${aspectRatio} is too small for --num_upsampling_layers ${layers} (${n} doublings need a width of at least ${2 ** n} and a height of at least ${2 ** n}).`,
    );
  }
  return { sh, sw };
}

/** The SPADE generator; `forward({ segmap, z })` → image in [-1, 1] of size sh·2^N × sw·2^N. */
export class SPADEGenerator extends Module<GeneratorInput, tf.Tensor4D> {
  readonly sh: number;
  readonly sw: number;
  private readonly fc: Module<any, any>;
  /** The forward order: block names and 'up' (nearest ×2). */
  private readonly plan: Array<SPADEResnetBlock | 'up'> = [];
  private readonly convImg: Conv2d;

  constructor(readonly options: SpadeGeneratorOptions) {
    super();
    const { semanticNc, ngf: nf, outputNc, norm, numUpsamplingLayers, useVae, zDim } = options;
    ({ sh: this.sh, sw: this.sw } = latentSize(options.cropSize, options.aspectRatio, numUpsamplingLayers));
    this.fc = this.addModule(
      'fc',
      useVae
        ? new Linear(zDim, 16 * nf * this.sh * this.sw)
        : new Conv2d({ inChannels: semanticNc, outChannels: 16 * nf, kernelSize: 3, padding: 1 }),
    );
    const block = (name: string, fin: number, fout: number) => {
      this.plan.push(this.addModule(name, new SPADEResnetBlock({ fin, fout, semanticNc, norm })));
    };
    const up = () => this.plan.push('up');
    block('head_0', 16 * nf, 16 * nf);
    up();
    block('G_middle_0', 16 * nf, 16 * nf);
    if (numUpsamplingLayers !== 'normal') up();
    block('G_middle_1', 16 * nf, 16 * nf);
    up();
    block('up_0', 16 * nf, 8 * nf);
    up();
    block('up_1', 8 * nf, 4 * nf);
    up();
    block('up_2', 4 * nf, 2 * nf);
    up();
    block('up_3', 2 * nf, nf);
    let finalNc = nf;
    if (numUpsamplingLayers === 'most') {
      up();
      block('up_4', nf, Math.floor(nf / 2));
      finalNc = Math.floor(nf / 2);
    }
    this.convImg = this.addModule('conv_img', new Conv2d({ inChannels: finalNc, outChannels: outputNc, kernelSize: 3, padding: 1 }));
  }

  /** Height and width of the images this generator makes (and of the label maps it expects). */
  get outputSize(): [number, number] {
    const scale = 2 ** UPSAMPLING_LAYERS[this.options.numUpsamplingLayers];
    return [this.sh * scale, this.sw * scale];
  }

  override forward({ segmap, z }: GeneratorInput, ctx?: ForwardContext): tf.Tensor4D {
    const context = this.defaultContext(ctx);
    this.checkInput(segmap, z);
    return tf.tidy(() => {
      let x = this.start(segmap, z, context);
      for (const step of this.plan) x = step === 'up' ? upsample2(x) : step.forward({ x, segmap }, context);
      return tf.tanh(this.convImg.forward(tf.leakyRelu(x, 0.2), context));
    });
  }

  /** The forward pass with z a graph input (a VAE generator's no-encoder path) instead of a draw inside the model. */
  override toOnnx(graph: OnnxGraph, { segmap, z }: OnnxValues<GeneratorInput>, prefix: string): string {
    const names = new Map(this.namedChildren().map(([name, child]) => [child, name]));
    let x = this.startOnnx(graph, segmap, z, prefix);
    this.plan.forEach((step, i) => {
      x =
        step === 'up'
          ? upsampleNearestOnnx(graph, x, 2, `${prefix}up${i}.`)
          : step.toOnnx(graph, { x, segmap }, `${prefix}${names.get(step)!}.`);
    });
    const activated = graph.node('LeakyRelu', [x], { alpha: { f: 0.2 } }, `${prefix}LeakyRelu`);
    return graph.node('Tanh', [this.convImg.toOnnx(graph, activated, `${prefix}conv_img.`)], {}, `${prefix}Tanh`);
  }

  /**
   * Fixed shapes (the start map is sh×sw): `input` the semantic map [N, semantic_nc, H, W], and
   * for a VAE generator `z` [N, z_dim] (draw it from N(0, 1)); `output` the image [N, 3, H, W] in [-1, 1].
   */
  override onnxSignature(): OnnxSignature<GeneratorInput> {
    const [h, w] = this.outputSize;
    const { semanticNc, outputNc, useVae, zDim } = this.options;
    const semantic = {
      name: 'input',
      dims: ['N', semanticNc, h, w],
      description: `float32 NCHW semantic map: one-hot labels (label_nc, +1 dontcare if contained), +1 instance-edge channel unless --no_instance; ${semanticNc} channels in all`,
    };
    const latent = {
      name: 'z',
      dims: ['N', zDim],
      description: 'float32 latent code [N, z_dim], drawn from N(0, 1) (the no-encoder path of a VAE generator)',
    };
    return {
      inputs: useVae ? [semantic, latent] : [semantic],
      forwardInput: useVae ? { segmap: 'input', z: 'z' } : { segmap: 'input' },
      output: { name: 'output', dims: ['N', outputNc, h, w], description: 'float32 NCHW image in [-1, 1]' },
    };
  }

  private startOnnx(graph: OnnxGraph, segmap: string, z: string | undefined, prefix: string): string {
    if (!this.options.useVae)
      return this.fc.toOnnx(graph, resizeNearestToOnnx(graph, segmap, [this.sh, this.sw], `${prefix}start.`), `${prefix}fc.`);
    if (z === undefined) throw new InputShapeError('The ONNX export of a VAE SPADE generator needs the z input.');
    // PyTorch's view of the linear output as [N, 16nf, sh, sw], which is NCHW already.
    const shape = graph.int64s(`${prefix}fc.view`, [-1, 16 * this.options.ngf, this.sh, this.sw]);
    return graph.node('Reshape', [this.fc.toOnnx(graph, z, `${prefix}fc.`), shape], {}, `${prefix}fc.Reshape`);
  }

  private start(segmap: tf.Tensor4D, z: tf.Tensor2D | undefined, context: ForwardContext): tf.Tensor4D {
    const nf = this.options.ngf;
    if (!this.options.useVae) return this.fc.forward(interpolate(segmap, [this.sh, this.sw], 'nearest'), context);
    const n = segmap.shape[0];
    const code = z ?? tf.randomNormal<tf.Rank.R2>([n, this.options.zDim], 0, 1, 'float32', globalRng().nextSeed());
    // PyTorch views the linear output as [N, 16nf, sh, sw]; NHWC needs the transpose.
    return tf.transpose(tf.reshape(this.fc.forward(code, context), [n, 16 * nf, this.sh, this.sw]), [0, 2, 3, 1]);
  }

  private checkInput(segmap: tf.Tensor4D, z: tf.Tensor2D | undefined): void {
    const [, h, w, c] = segmap.shape;
    const [oh, ow] = this.outputSize;
    if (c !== this.options.semanticNc) {
      throw new InputShapeError(
        `The SPADE generator was built for ${this.options.semanticNc} semantic channels (label_nc + contain_dontcare_label + instance edges) but got ${c}.`,
      );
    }
    if (h !== oh || w !== ow) {
      throw new InputShapeError(
        `The SPADE generator makes ${oh}×${ow} images (--crop_size ${this.options.cropSize}, --aspect_ratio ${this.options.aspectRatio}, --num_upsampling_layers ${this.options.numUpsamplingLayers}) but the label map is ${h}×${w}. Use a --preprocess that crops to --crop_size (resize_and_crop, crop, fixed) or set --crop_size/--aspect_ratio to the data's size.`,
      );
    }
    if (z && (z.shape[0] !== segmap.shape[0] || z.shape[1] !== this.options.zDim)) {
      throw new InputShapeError(`z must be [${segmap.shape[0]}, ${this.options.zDim}] (batch, --z_dim); got [${z.shape.join(', ')}].`);
    }
  }
}

function upsample2(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = x.shape;
  return interpolate(x, [2 * h, 2 * w], 'nearest');
}
