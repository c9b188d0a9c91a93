/**
 * The SRResNet generator of SRGAN (Ledig et al. 2017) with leftthomas/SRGAN's layer names, so its
 * `netG_epoch_*.pth` files load: `block1` (9×9 conv + PReLU), `block2 … block<n+1>` residual
 * blocks, `block<n+2>` (conv3 + BN), `block<n+3>` (log2(scale) × [conv ngf→4·ngf, pixel shuffle ×2,
 * PReLU] and a 9×9 conv to the output). Input and output are images in [0, 1]; the output is
 * (tanh + 1) / 2 as the reference's.
 */
import { BatchNorm2d, Conv2d, Module, OptionError, PReLU, PixelShuffle, Sequential, tf, type ForwardContext } from '@translate/core';

/** The scale factors the generator supports. */
export const SCALES = [2, 4, 8] as const;

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
}

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
}

/** SRResNet; see the module comment. */
export class SRResNetGenerator extends Module {
  readonly options: SRResNetOptions;
  private readonly head: Sequential;
  private readonly blocks: ResidualBlock[] = [];
  private readonly trunkEnd: Sequential;
  private readonly tail: Sequential;

  constructor(options: SRResNetOptions) {
    super();
    if (!(SCALES as readonly number[]).includes(options.scale)) throw new OptionError(`--scale must be 2, 4 or 8; got ${options.scale}.`);
    if (!(Number.isInteger(options.nBlocks) && options.nBlocks >= 1)) throw new OptionError(`--n_blocks must be a positive integer; got ${options.nBlocks}.`);
    this.options = options;
    const { ngf, nBlocks } = options;
    this.head = this.addModule('block1', new Sequential([conv(options.inputNc, ngf, 9), new PReLU()]));
    for (let i = 0; i < nBlocks; i++) this.blocks.push(this.addModule(`block${i + 2}`, new ResidualBlock(ngf)));
    this.trunkEnd = this.addModule(`block${nBlocks + 2}`, new Sequential([conv(ngf, ngf, 3), new BatchNorm2d(ngf)]));
    const ups = Array.from({ length: Math.log2(options.scale) }, () => new Upsample(ngf));
    this.tail = this.addModule(`block${nBlocks + 3}`, new Sequential([...ups, conv(ngf, options.outputNc, 9)]));
  }

  /**
   * How many input pixels around a tile change its output: 4 (9×9 conv) + 2 per residual block + 1
   * (trunk conv) + the upsampling convs (1, ½, ¼ … input pixels) + the last 9×9 conv (4/scale),
   * rounded up. Tiles with this much context reproduce the untiled output exactly.
   */
  receptiveRadius(): number {
    const ups = Math.log2(this.options.scale);
    let radius = 4 + 2 * this.options.nBlocks + 1 + 4 / this.options.scale;
    for (let k = 0; k < ups; k++) radius += 1 / 2 ** k;
    return Math.ceil(radius);
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
}

/** A k×k conv with 'same' zero padding (k odd) and a bias, as every conv of the reference. */
function conv(cin: number, cout: number, k: number): Conv2d {
  return new Conv2d({ inChannels: cin, outChannels: cout, kernelSize: k, padding: (k - 1) / 2 });
}
