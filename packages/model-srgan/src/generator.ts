/**
 * The SRResNet generator of SRGAN (Ledig et al. 2017) with leftthomas/SRGAN's layer names, so its
 * `netG_epoch_*.pth` files load: `block1` (9×9 conv + PReLU), `block2 … block<n+1>` residual
 * blocks, `block<n+2>` (conv3 + BN, or + PReLU as in leftthomas's published files), `block<n+3>` (log2(scale) × [conv ngf→4·ngf, pixel shuffle ×2,
 * PReLU] and a 9×9 conv to the output). Input and output are images in [0, 1]; the output is
 * (tanh + 1) / 2 as the reference's.
 *
 * `forward` is the differentiable pass (training). `infer` computes the same output for inference
 * with far less memory: every intermediate is disposed as soon as the next exists, each PReLU is one
 * kernel, and the high-resolution tail (the upsampling blocks and the 9×9 output conv, local ops) runs
 * in horizontal stripes with a halo, so no full-resolution feature map of the input ever exists.
 */
import {
  BatchNorm2d,
  Conv2d,
  Module,
  OptionError,
  PReLU,
  PixelShuffle,
  Sequential,
  imageSignature,
  tf,
  type ForwardContext,
  type OnnxGraph,
  type OnnxSignature,
} from '@translate/core';
import { chain, type Step } from './chain.js';

/** The scale factors the generator supports. */
export const SCALES = [2, 4, 8] as const;

/**
 * What follows the trunk's last conv: `bn` (the paper, and leftthomas/SRGAN's model.py today) or
 * `prelu` (leftthomas's model.py of January 2018, which wrote the published netG_epoch_{2,4,8}_100.pth).
 */
export const TRUNK_ENDS = ['bn', 'prelu'] as const;

/** One of {@link TRUNK_ENDS}. */
export type TrunkEnd = (typeof TRUNK_ENDS)[number];

/** Options of `SRResNetGenerator`. */
export interface SRResNetOptions {
  /** Upscale factor: 2, 4 or 8. */
  scale: number;
  /** Residual blocks (the paper: 16; leftthomas: 5). */
  nBlocks: number;
  /** Feature channels (64 in the paper). */
  ngf: number;
  inputNc: number;
  outputNc: number;
  /** The layer after the trunk's last conv (default `bn`). */
  trunkEnd?: TrunkEnd;
}

/**
 * Elements (float32) the largest high-resolution tensor of one stripe of `infer`'s tail may hold
 * (2^24 = 64 MiB): with 64 channels at ×4 that is 48 low-resolution rows of a 336 px wide tile.
 */
const STRIPE_ELEMENTS = 2 ** 24;

/** A PReLU as one kernel (`tf.prelu`, no temporaries): equal to `PReLU.forward`, not differentiated here. */
function preluStep(module: PReLU): Step {
  const [, slope] = module.namedParameters().find(([key]) => key === 'weight')!;
  return (x) => tf.prelu(x as tf.Tensor, slope) as tf.Tensor4D;
}

/** A layer's forward with `ctx`, as a step. */
const layerStep =
  (layer: Module, ctx: ForwardContext): Step =>
  (x) =>
    layer.forward(x, ctx);

/** conv3-BN-PReLU-conv3-BN with an identity skip. Keys `conv1, bn1, prelu, conv2, bn2`. */
class ResidualBlock extends Module {
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly prelu: PReLU;
  private readonly conv2: Conv2d;
  private readonly bn2: BatchNorm2d;

  constructor(channels: number) {
    super();
    this.conv1 = this.addModule('conv1', conv(channels, channels, 3));
    this.bn1 = this.addModule('bn1', new BatchNorm2d(channels));
    this.prelu = this.addModule('prelu', new PReLU());
    this.conv2 = this.addModule('conv2', conv(channels, channels, 3));
    this.bn2 = this.addModule('bn2', new BatchNorm2d(channels));
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    const c = this.defaultContext(ctx);
    return tf.tidy(() => {
      const h = this.bn1.forward(this.conv1.forward(x, c), c);
      return tf.add(x, this.bn2.forward(this.conv2.forward(this.prelu.forward(h), c), c));
    });
  }

  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    const h = this.bn1.toOnnx(graph, this.conv1.toOnnx(graph, x, `${prefix}conv1.`), `${prefix}bn1.`);
    const y = this.bn2.toOnnx(
      graph,
      this.conv2.toOnnx(graph, this.prelu.toOnnx(graph, h, `${prefix}prelu.`), `${prefix}conv2.`),
      `${prefix}bn2.`,
    );
    return graph.node('Add', [x, y], {}, `${prefix}Add`);
  }

  /** `forward` for inference: at most the input and two more feature maps alive at a time. */
  infer(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    const h = chain(x, [
      layerStep(this.conv1, ctx),
      layerStep(this.bn1, ctx),
      preluStep(this.prelu),
      layerStep(this.conv2, ctx),
      layerStep(this.bn2, ctx),
    ]);
    const out = tf.add<tf.Tensor4D>(x, h);
    h.dispose();
    return out;
  }
}

/** SRResNet; see the module comment. */
export class SRResNetGenerator extends Module {
  readonly options: SRResNetOptions;
  private readonly head: Sequential;
  private readonly blocks: ResidualBlock[] = [];
  private readonly trunkEnd: Sequential;
  private readonly tail: Sequential;
  private readonly ups: Upsample[];

  constructor(options: SRResNetOptions) {
    super();
    if (!(SCALES as readonly number[]).includes(options.scale)) throw new OptionError(`--scale must be 2, 4 or 8; got ${options.scale}.`);
    if (!(Number.isInteger(options.nBlocks) && options.nBlocks >= 1))
      throw new OptionError(`--n_blocks must be a positive integer; got ${options.nBlocks}.`);
    this.options = options;
    const { ngf, nBlocks } = options;
    this.head = this.addModule('block1', new Sequential([conv(options.inputNc, ngf, 9), new PReLU()]));
    for (let i = 0; i < nBlocks; i++) this.blocks.push(this.addModule(`block${i + 2}`, new ResidualBlock(ngf)));
    if (options.trunkEnd !== undefined && !TRUNK_ENDS.includes(options.trunkEnd))
      throw new OptionError(`--trunk_end must be one of ${TRUNK_ENDS.join(', ')}; got ${options.trunkEnd}.`);
    const trunkEnd = options.trunkEnd === 'prelu' ? new PReLU() : new BatchNorm2d(ngf);
    this.trunkEnd = this.addModule(`block${nBlocks + 2}`, new Sequential([conv(ngf, ngf, 3), trunkEnd]));
    this.ups = Array.from({ length: Math.log2(options.scale) }, () => new Upsample(ngf));
    this.tail = this.addModule(`block${nBlocks + 3}`, new Sequential([...this.ups, conv(ngf, options.outputNc, 9)]));
  }

  /**
   * How many input pixels around a tile change its output: 4 (9×9 conv) + 2 per residual block + 1
   * (trunk conv) + the upsampling convs (1, ½, ¼ … input pixels) + the last 9×9 conv (4/scale),
   * rounded up. Tiles with this much context reproduce the untiled output exactly.
   */
  receptiveRadius(): number {
    return Math.ceil(4 + 2 * this.options.nBlocks + 1 + this.tailRadius());
  }

  /**
   * How many low-resolution rows around a stripe of the tail change its output: the upsampling
   * convs (1, ½, ¼ … input pixels) and the last 9×9 conv (4/scale), not rounded.
   */
  private tailRadius(): number {
    let radius = 4 / this.options.scale;
    for (let k = 0; k < this.ups.length; k++) radius += 1 / 2 ** k;
    return radius;
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    const c = this.defaultContext(ctx);
    return tf.tidy(() => {
      const head = this.head.forward(x, c);
      const trunk = this.trunkEnd.forward(
        this.blocks.reduce((h, block) => block.forward(h, c), head),
        c,
      );
      const out = this.tail.forward(tf.add(head, trunk), c);
      return tf.div(tf.add(tf.tanh(out), 1), 2);
    });
  }

  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    const { nBlocks } = this.options;
    const head = this.head.toOnnx(graph, x, `${prefix}block1.`);
    const blocks = this.blocks.reduce((h, block, i) => block.toOnnx(graph, h, `${prefix}block${i + 2}.`), head);
    const trunk = this.trunkEnd.toOnnx(graph, blocks, `${prefix}block${nBlocks + 2}.`);
    const out = this.tail.toOnnx(graph, graph.node('Add', [head, trunk], {}, `${prefix}skip`), `${prefix}block${nBlocks + 3}.`);
    const shifted = graph.node('Add', [graph.node('Tanh', [out], {}, `${prefix}Tanh`), graph.scalar(1)], {}, `${prefix}tanh_plus_1`);
    return graph.node('Div', [shifted, graph.scalar(2)], {}, `${prefix}half`);
  }

  /** Dynamic N, H, W; the output is scale× the input, both images in [0, 1]. */
  override onnxSignature(): OnnxSignature<tf.Tensor4D> {
    const { inputNc, outputNc, scale } = this.options;
    return imageSignature(
      { channels: inputNc, description: 'float32 NCHW low-resolution image in [0, 1]' },
      {
        channels: outputNc,
        description: `float32 NCHW image in [0, 1], ${scale}× the input's height and width`,
        height: `${scale}H`,
        width: `${scale}W`,
      },
    );
  }

  /**
   * The output of `forward` for inference (no gradients may be taken through it): each
   * intermediate is disposed as soon as the next exists, and the high-resolution tail runs in
   * horizontal stripes of `stripeRows` input rows (default: as many as keep its largest tensor
   * within `STRIPE_ELEMENTS`), each with the tail's receptive radius of extra rows cut away again,
   * so the stripes join into exactly the untiled result. Peak memory: a few input-resolution feature
   * maps, one stripe's high-resolution tensors and the output.
   */
  infer(x: tf.Tensor4D, ctx?: ForwardContext, stripeRows?: number): tf.Tensor4D {
    const c = this.defaultContext(ctx);
    return tf.tidy(() => {
      const head = chain(x, [layerStep(this.head.at(0), c), preluStep(this.head.at(1) as PReLU)]);
      // The head stays alive for the global skip; every block output is disposed once the next exists.
      const trunk = chain(head, [
        ...this.blocks.map(
          (block): Step =>
            (t) =>
              block.infer(t, c),
        ),
        layerStep(this.trunkEnd.at(0), c),
        layerStep(this.trunkEnd.at(1), c),
      ]);
      const features = tf.add<tf.Tensor4D>(head, trunk);
      tf.dispose([head, trunk]);
      const out = this.inferTail(features, c, stripeRows ?? this.stripeRows(x.shape[0], x.shape[2]));
      features.dispose();
      return out;
    });
  }

  /** Input rows per tail stripe whose largest tensor (ngf channels at the output resolution, halo included) fits `STRIPE_ELEMENTS`. */
  private stripeRows(batch: number, width: number): number {
    const { scale, ngf } = this.options;
    const rows = Math.floor(STRIPE_ELEMENTS / (batch * width * scale * scale * ngf)) - 2 * Math.ceil(this.tailRadius());
    return Math.max(8, rows);
  }

  /**
   * The tail (upsampling blocks, 9×9 conv, (tanh + 1)/2) on `features` in stripes of `rows` input
   * rows, each computed with `ceil(tailRadius)` rows of context above and below (the image's own zero
   * padding at its top and bottom) and cut back to its own rows, then joined.
   */
  private inferTail(features: tf.Tensor4D, ctx: ForwardContext, rows: number): tf.Tensor4D {
    const [n, h, w, ch] = features.shape;
    const halo = Math.ceil(this.tailRadius());
    const { scale } = this.options;
    const outConv = this.tail.at(this.ups.length);
    const stripes: tf.Tensor4D[] = [];
    for (let r0 = 0; r0 < h; r0 += rows) {
      const r1 = Math.min(h, r0 + rows);
      const [a0, a1] = [Math.max(0, r0 - halo), Math.min(h, r1 + halo)];
      const context = tf.slice(features, [0, a0, 0, 0], [n, a1 - a0, w, ch]);
      stripes.push(
        chain(context, [
          ...this.ups.map(
            (up): Step =>
              (t) =>
                up.infer(t, ctx),
          ),
          layerStep(outConv, ctx),
          (t) => tf.tanh(t),
          (t) => tf.add(t, 1),
          (t) => tf.div(t, 2),
          (t) => tf.slice(t, [0, (r0 - a0) * scale, 0, 0], [n, (r1 - r0) * scale, w * scale, t.shape[3]]),
        ]),
      );
      context.dispose();
    }
    if (stripes.length === 1) return stripes[0]!;
    const out = tf.concat(stripes, 1);
    tf.dispose(stripes);
    return out;
  }
}

/** The reference's UpsampleBLock: conv ngf→4·ngf, pixel shuffle ×2 (PyTorch channel order), PReLU. Keys `conv.*`, `prelu.weight`. */
class Upsample extends Module {
  private readonly conv: Conv2d;
  private readonly shuffle: PixelShuffle;
  private readonly prelu: PReLU;

  constructor(channels: number) {
    super();
    this.conv = this.addModule('conv', conv(channels, channels * 4, 3));
    this.shuffle = this.addModule('pixel_shuffle', new PixelShuffle(2));
    this.prelu = this.addModule('prelu', new PReLU());
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    return tf.tidy(() => this.prelu.forward(this.shuffle.forward(this.conv.forward(x, ctx))));
  }

  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    const shuffled = this.shuffle.toOnnx(graph, this.conv.toOnnx(graph, x, `${prefix}conv.`), `${prefix}pixel_shuffle.`);
    return this.prelu.toOnnx(graph, shuffled, `${prefix}prelu.`);
  }

  /** `forward` for inference: the conv output, its shuffled copy and the PReLU output, two at a time. */
  infer(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return chain(x, [layerStep(this.conv, ctx), layerStep(this.shuffle, ctx), preluStep(this.prelu)]);
  }
}

/** A k×k conv with 'same' zero padding (k odd) and a bias, as every conv of the reference. */
function conv(cin: number, cout: number, k: number): Conv2d {
  return new Conv2d({ inChannels: cin, outChannels: cout, kernelSize: k, padding: (k - 1) / 2 });
}
