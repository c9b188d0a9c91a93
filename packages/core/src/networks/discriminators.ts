/**
 * The reference's discriminators: NLayerDiscriminator (`basic` = 3 layers, the 70×70 PatchGAN;
 * `n_layers`), PixelDiscriminator (`pixel`, 1×1 PatchGAN), and a multi-scale wrapper.
 */
import type { tf } from '../tf.js';
import { Module, type ForwardContext } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { Conv2d } from '../nn/conv.js';
import { LeakyReLU } from '../nn/activation.js';
import { AvgPool2d } from '../nn/resample.js';
import { convBiasFor, normLayer, type NormType } from './norm_layer.js';
import { InputShapeError } from '../errors.js';

/** A discriminator that can also return its intermediate feature maps (the last one is the prediction). */
export interface FeatureDiscriminator {
  /** Every intermediate activation, in order, ending with the final prediction map. */
  forwardFeatures(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D[];
}

/** Options of `NLayerDiscriminator`. */
export interface NLayerDiscriminatorOptions {
  inputNc: number;
  ndf: number;
  nLayers: number;
  norm: NormType;
}

/** PatchGAN: conv4-s2 blocks, then conv4-s1 with norm, then conv4-s1 to one channel (no sigmoid). Keys `model.N`. */
export class NLayerDiscriminator extends Module implements FeatureDiscriminator {
  private readonly model: Sequential;
  /** Indices of the last layer of each block whose output is a feature map. */
  private readonly featureEnds: number[] = [];

  constructor(readonly options: NLayerDiscriminatorOptions) {
    super();
    const { inputNc, ndf, nLayers, norm } = options;
    const bias = convBiasFor(norm);
    const conv = (cin: number, cout: number, stride: number, withBias: boolean) =>
      new Conv2d({ inChannels: cin, outChannels: cout, kernelSize: 4, stride, padding: 1, bias: withBias });
    const layers: Module[] = [conv(inputNc, ndf, 2, true), new LeakyReLU(0.2)];
    this.featureEnds.push(layers.length - 1);
    let mult = 1;
    for (let n = 1; n <= nLayers; n++) {
      const prev = mult;
      mult = Math.min(2 ** n, 8);
      const stride = n < nLayers ? 2 : 1;
      layers.push(conv(ndf * prev, ndf * mult, stride, bias), normLayer(norm, ndf * mult), new LeakyReLU(0.2));
      this.featureEnds.push(layers.length - 1);
    }
    layers.push(conv(ndf * mult, 1, 1, true));
    this.featureEnds.push(layers.length - 1);
    this.model = this.addModule('model', new Sequential(layers));
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    this.checkSize(x);
    return this.model.forward(x, this.defaultContext(ctx));
  }

  forwardFeatures(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D[] {
    this.checkSize(x);
    const context = this.defaultContext(ctx);
    const features: tf.Tensor4D[] = [];
    let h = x;
    for (let i = 0; i < this.model.length; i++) {
      h = this.model.at(i).forward(h, context);
      if (this.featureEnds.includes(i)) features.push(h);
    }
    return features;
  }

  private checkSize(x: tf.Tensor4D): void {
    const [, h, w] = x.shape;
    // Each stride-2 conv halves (floor); the two final stride-1 k4 convs each remove one pixel.
    const minimum = 3 * 2 ** this.options.nLayers;
    if (h < minimum || w < minimum)
      throw new InputShapeError(
        `The ${this.options.nLayers}-layer PatchGAN discriminator needs inputs of at least ${minimum}×${minimum}; got ${h}×${w}. Use a larger --crop_size or a smaller --n_layers_D.`,
      );
  }
}

/** Options of `PixelDiscriminator`. */
export interface PixelDiscriminatorOptions {
  inputNc: number;
  ndf: number;
  norm: NormType;
}

/** 1×1 PatchGAN (PixelGAN). Keys `net.N`. */
export class PixelDiscriminator extends Module implements FeatureDiscriminator {
  private readonly net: Sequential;

  constructor(readonly options: PixelDiscriminatorOptions) {
    super();
    const { inputNc, ndf, norm } = options;
    const bias = convBiasFor(norm);
    this.net = this.addModule(
      'net',
      new Sequential([
        new Conv2d({ inChannels: inputNc, outChannels: ndf, kernelSize: 1 }),
        new LeakyReLU(0.2),
        new Conv2d({ inChannels: ndf, outChannels: ndf * 2, kernelSize: 1, bias }),
        normLayer(norm, ndf * 2),
        new LeakyReLU(0.2),
        new Conv2d({ inChannels: ndf * 2, outChannels: 1, kernelSize: 1, bias }),
      ]),
    );
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    return this.net.forward(x, this.defaultContext(ctx));
  }

  forwardFeatures(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D[] {
    const context = this.defaultContext(ctx);
    const first = this.net.at(1).forward(this.net.at(0).forward(x, context), context);
    let h = first;
    for (let i = 2; i < 5; i++) h = this.net.at(i).forward(h, context);
    return [first, h, this.net.at(5).forward(h, context)];
  }
}

/**
 * `num_D` discriminators at successive scales; scale i+1 sees scale i's input average-pooled
 * (3×3, stride 2, pad 1, padding not counted). Children `discriminator_<i>` (SPADE's names).
 * `forward` returns each scale's prediction; `forwardFeatures` each scale's feature list.
 */
export class MultiscaleDiscriminator extends Module<tf.Tensor4D, tf.Tensor4D[]> {
  private readonly scales: Array<Module & FeatureDiscriminator>;
  private readonly downsample = new AvgPool2d({ kernelSize: 3, stride: 2, padding: 1, countIncludePad: false });

  constructor(numD: number, makeDiscriminator: (scale: number) => Module & FeatureDiscriminator) {
    super();
    this.scales = Array.from({ length: numD }, (_, i) => this.addModule(`discriminator_${i}`, makeDiscriminator(i)));
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D[] {
    return this.run(x, (d, input, context) => d.forward(input, context), ctx);
  }

  /** Per scale, every intermediate feature map ending with the prediction. */
  forwardFeatures(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D[][] {
    return this.run(x, (d, input, context) => d.forwardFeatures(input, context), ctx);
  }

  private run<T>(
    x: tf.Tensor4D,
    apply: (d: Module & FeatureDiscriminator, input: tf.Tensor4D, ctx: ForwardContext) => T,
    ctx?: ForwardContext,
  ): T[] {
    const context = this.defaultContext(ctx);
    const out: T[] = [];
    let input = x;
    this.scales.forEach((d, i) => {
      out.push(apply(d, input, context));
      if (i < this.scales.length - 1) input = this.downsample.forward(input);
    });
    return out;
  }
}
