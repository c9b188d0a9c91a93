/**
 * SPADE's discriminators (`models/networks/discriminator.py`). `SpadeNLayerDiscriminator`: k4,
 * pad 2 convs, the first stride 2 without norm, then n_layers_D−1 convs with `--norm_D` (stride 2,
 * the last stride 1), channels doubling up to 512, a final conv to one channel; each layer is its
 * own submodule `model0`, `model1`, … and every layer's output is returned. The multi-scale D is
 * core's `MultiscaleDiscriminator` (children `discriminator_<i>`).
 */
import {
  Conv2d,
  LeakyReLU,
  Module,
  MultiscaleDiscriminator,
  OptionError,
  Sequential,
  tf,
  type FeatureDiscriminator,
  type ForwardContext,
} from '@translate/core';
import { normalizedConv, type PlainNormConfig } from './spade/index.js';

/** Options of `SpadeNLayerDiscriminator`. */
export interface SpadeNLayerOptions {
  /** semantic_nc + output_nc. */
  inputNc: number;
  ndf: number;
  nLayers: number;
  norm: PlainNormConfig;
}

/** The PatchGAN of SPADE; `forwardFeatures` returns every layer's output, the prediction last. */
export class SpadeNLayerDiscriminator extends Module implements FeatureDiscriminator {
  private readonly layers: Sequential[] = [];

  constructor(readonly options: SpadeNLayerOptions) {
    super();
    const { inputNc, ndf, nLayers, norm } = options;
    if (!(nLayers >= 1)) throw new OptionError(`--n_layers_D must be at least 1; got ${nLayers}.`);
    const k = { kernelSize: 4, padding: 2 };
    const add = (layers: Module[]) => this.layers.push(this.addModule(`model${this.layers.length}`, new Sequential(layers)));
    add([new Conv2d({ inChannels: inputNc, outChannels: ndf, stride: 2, ...k }), new LeakyReLU(0.2)]);
    let nf = ndf;
    for (let n = 1; n < nLayers; n++) {
      const prev = nf;
      nf = Math.min(nf * 2, 512);
      const stride = n === nLayers - 1 ? 1 : 2;
      add([normalizedConv(norm, { inChannels: prev, outChannels: nf, stride, ...k }), new LeakyReLU(0.2)]);
    }
    add([new Conv2d({ inChannels: nf, outChannels: 1, stride: 1, ...k })]);
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    const context = this.defaultContext(ctx);
    return tf.tidy(() => this.layers.reduce((h, layer) => layer.forward(h, context), x));
  }

  forwardFeatures(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D[] {
    const context = this.defaultContext(ctx);
    const out: tf.Tensor4D[] = [];
    let h = x;
    for (const layer of this.layers) {
      h = layer.forward(h, context);
      out.push(h);
    }
    return out;
  }
}

/** `--netD` values: SPADE's `multiscale` (num_D scales) and `n_layer` (one scale). */
export const SPADE_NET_D = ['multiscale', 'n_layer'] as const;

/** A discriminator whose output is, per scale, the list of feature maps ending with the prediction. */
export interface ScaledDiscriminator {
  net: Module<any, any>;
  features(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D[][];
}

/** Builds `--netD multiscale` (keys `discriminator_<i>.model<j>…`) or `n_layer` (keys `model<j>…`). */
export function spadeDiscriminator(netD: string, numD: number, options: SpadeNLayerOptions): ScaledDiscriminator {
  if (netD === 'n_layer') {
    const net = new SpadeNLayerDiscriminator(options);
    return { net, features: (x, ctx) => [net.forwardFeatures(x, ctx)] };
  }
  if (netD !== 'multiscale') throw new OptionError(`--netD '${netD}' is not a GauGAN discriminator; use ${SPADE_NET_D.join(' or ')}.`);
  if (!(numD >= 1)) throw new OptionError(`--num_D must be at least 1; got ${numD}.`);
  const net = new MultiscaleDiscriminator(numD, () => new SpadeNLayerDiscriminator(options));
  return { net, features: (x, ctx) => net.forwardFeatures(x, ctx) };
}
