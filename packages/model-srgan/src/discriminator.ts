/**
 * The SRGAN discriminator with leftthomas/SRGAN's keys (`net.0` … `net.26`): conv3 + LeakyReLU 0.2,
 * seven conv3-BN-LeakyReLU blocks (ndf s2, 2ndf s1, 2ndf s2, 4ndf s1, 4ndf s2, 8ndf s1, 8ndf s2),
 * global average pooling, 1×1 convs 8ndf → 16ndf → 1. It returns one logit per image ([N, 1, 1, 1],
 * no sigmoid: the losses take logits), so any input size works.
 */
import { BatchNorm2d, Conv2d, LeakyReLU, Module, Sequential, tf, type ForwardContext } from '@translate/core';

/** Options of `SRGANDiscriminator`. */
export interface SRGANDiscriminatorOptions {
  inputNc: number;
  /** Channels of the first conv (64 in the paper). */
  ndf: number;
}

/** `nn.AdaptiveAvgPool2d(1)`: the mean over height and width, kept as a 1×1 map. */
export class GlobalAvgPool extends Module {
  override forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.mean(x, [1, 2], true);
  }
}

/** See the module comment. */
export class SRGANDiscriminator extends Module {
  private readonly net: Sequential;

  constructor(options: SRGANDiscriminatorOptions) {
    super();
    const { inputNc, ndf } = options;
    const conv = (cin: number, cout: number, k: number, stride = 1) =>
      new Conv2d({ inChannels: cin, outChannels: cout, kernelSize: k, stride, padding: (k - 1) / 2 });
    const layers: Module[] = [conv(inputNc, ndf, 3), new LeakyReLU(0.2)];
    const blocks: Array<[number, number]> = [
      [ndf, 2],
      [2 * ndf, 1],
      [2 * ndf, 2],
      [4 * ndf, 1],
      [4 * ndf, 2],
      [8 * ndf, 1],
      [8 * ndf, 2],
    ];
    let channels = ndf;
    for (const [out, stride] of blocks) {
      layers.push(conv(channels, out, 3, stride), new BatchNorm2d(out), new LeakyReLU(0.2));
      channels = out;
    }
    layers.push(new GlobalAvgPool(), conv(channels, 16 * ndf, 1), new LeakyReLU(0.2), conv(16 * ndf, 1, 1));
    this.net = this.addModule('net', new Sequential(layers));
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    return this.net.forward(x, this.defaultContext(ctx));
  }
}
