/**
 * `ConvEncoder` (`models/networks/encoder.py`) of GauGAN's VAE: six (five for crops under 256)
 * conv3×3-stride-2 layers with `--norm_E` (spectral + instance by default) and LeakyReLU(0.2),
 * flattened 8ngf·4·4 → `fc_mu` and `fc_var`. Keys `layer1.0.weight_orig` … `fc_mu.weight`.
 *
 * The reference resizes every input to 256×256 and then needs crop_size ≥ 256 (with five layers
 * the flattened size no longer fits the linear layers). Here the input is resized to 256 with six
 * layers and to 128 with five, so small crops work; the reference's latent width 256 is `--z_dim`'s
 * default, and fc_mu/fc_var output `--z_dim` values so the generator's z always fits.
 */
import { Linear, Module, interpolate, tf, type ForwardContext } from '@translate/core';
import { type PlainNormConfig, normalizedConv } from './spade/index.js';

/** Options of `ConvEncoder`. */
export interface ConvEncoderOptions {
  /** Channels of the first layer (SPADE uses ngf). */
  ngf: number;
  norm: PlainNormConfig;
  /** crop_size: six layers from 256, else five. */
  cropSize: number;
  zDim: number;
  /** Image channels (3). */
  inputNc: number;
}

/** μ and log σ² of the posterior, each [N, z_dim]. */
export interface Posterior {
  mu: tf.Tensor2D;
  logvar: tf.Tensor2D;
}

/** The style encoder. */
export class ConvEncoder extends Module<tf.Tensor4D, Posterior> {
  private readonly layers: Module[] = [];
  private readonly fcMu: Linear;
  private readonly fcVar: Linear;
  /** The side the input is resized to. */
  readonly inputSize: number;

  constructor(readonly options: ConvEncoderOptions) {
    super();
    const { ngf: ndf, norm, cropSize, zDim, inputNc } = options;
    const channels = [inputNc, ndf, ndf * 2, ndf * 4, ndf * 8, ndf * 8, ...(cropSize >= 256 ? [ndf * 8] : [])];
    for (let i = 1; i < channels.length; i++) {
      const conv = normalizedConv(norm, { inChannels: channels[i - 1]!, outChannels: channels[i]!, kernelSize: 3, stride: 2, padding: 1 });
      this.layers.push(this.addModule(`layer${i}`, conv));
    }
    this.inputSize = 4 * 2 ** this.layers.length;
    this.fcMu = this.addModule('fc_mu', new Linear(ndf * 8 * 4 * 4, zDim));
    this.fcVar = this.addModule('fc_var', new Linear(ndf * 8 * 4 * 4, zDim));
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): Posterior {
    const context = this.defaultContext(ctx);
    return tf.tidy(() => {
      const [n, h, w] = x.shape;
      let y = h === this.inputSize && w === this.inputSize ? x : interpolate(x, [this.inputSize, this.inputSize], 'bilinear');
      this.layers.forEach((layer, i) => {
        y = layer.forward(i === 0 ? y : tf.leakyRelu(y, 0.2), context);
      });
      // PyTorch flattens NCHW: channel-major order.
      const flat = tf.reshape(tf.transpose(tf.leakyRelu(y, 0.2), [0, 3, 1, 2]), [n, -1]) as tf.Tensor2D;
      return { mu: this.fcMu.forward(flat), logvar: this.fcVar.forward(flat) };
    });
  }
}

/** z = μ + ε·exp(0.5·logvar), ε ~ N(0, I) from the seeded global generator. */
export function reparameterize({ mu, logvar }: Posterior, seed: number): tf.Tensor2D {
  return tf.tidy(() => tf.add(mu, tf.mul(tf.randomNormal(mu.shape, 0, 1, 'float32', seed), tf.exp(tf.mul(logvar, 0.5)))));
}
