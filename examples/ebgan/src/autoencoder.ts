/**
 * EBGAN's discriminator: an auto-encoder whose reconstruction error is the energy of its input.
 * Registered as `--netD autoencoder`; `--n_layers_D` sets how many times the encoder halves the
 * image (the input side must be a multiple of 2^n_layers_D).
 */
import {
  Conv2d,
  InputShapeError,
  LeakyReLU,
  Module,
  ReLU,
  Sequential,
  Upsample,
  convBiasFor,
  normLayer,
  tf,
  type DiscriminatorSpec,
  type ForwardContext,
  type NormType,
} from '@translate/core';

/** Options of `AutoencoderEnergy`. */
export interface AutoencoderOptions {
  inputNc: number;
  /** Channels after the first encoder layer; each further level doubles them. */
  ndf: number;
  norm: NormType;
  /** Encoder levels (stride-2 convolutions); the decoder mirrors them. */
  depth: number;
}

/** Conv encoder, upsampling decoder; `forward` returns the energy map, not the reconstruction. */
export class AutoencoderEnergy extends Module {
  private readonly encoder: Sequential;
  private readonly decoder: Sequential;

  constructor(readonly options: AutoencoderOptions) {
    super();
    const { inputNc, ndf, norm, depth } = options;
    const bias = convBiasFor(norm);
    const encoder: Module[] = [
      new Conv2d({ inChannels: inputNc, outChannels: ndf, kernelSize: 4, stride: 2, padding: 1 }),
      new LeakyReLU(0.2),
    ];
    let channels = ndf;
    for (let level = 1; level < depth; level++) {
      encoder.push(
        new Conv2d({ inChannels: channels, outChannels: channels * 2, kernelSize: 4, stride: 2, padding: 1, bias }),
        normLayer(norm, channels * 2),
        new LeakyReLU(0.2),
      );
      channels *= 2;
    }
    const decoder: Module[] = [];
    for (let level = 1; level < depth; level++) {
      decoder.push(
        new Upsample(2),
        new Conv2d({ inChannels: channels, outChannels: channels / 2, kernelSize: 3, padding: 1, bias }),
        normLayer(norm, channels / 2),
        new ReLU(),
      );
      channels /= 2;
    }
    decoder.push(new Upsample(2), new Conv2d({ inChannels: channels, outChannels: inputNc, kernelSize: 3, padding: 1 }));
    this.encoder = this.addModule('encoder', new Sequential(encoder));
    this.decoder = this.addModule('decoder', new Sequential(decoder));
  }

  /** The energy map [N, H, W, 1]: the per-pixel mean over channels of the squared reconstruction error. */
  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    const [, h, w] = x.shape;
    const multiple = 2 ** this.options.depth;
    if (h % multiple !== 0 || w % multiple !== 0) {
      throw new InputShapeError(
        `The autoencoder discriminator with --n_layers_D ${this.options.depth} needs sides that are multiples of ${multiple}; got ${h}×${w}.`,
      );
    }
    const context = this.defaultContext(ctx);
    const reconstruction = this.decoder.forward(this.encoder.forward(x, context), context);
    return tf.mean(tf.square(tf.sub(reconstruction, x)), 3, true);
  }
}

/** The `--netD autoencoder` factory. */
export function autoencoderDiscriminator(spec: DiscriminatorSpec): AutoencoderEnergy {
  return new AutoencoderEnergy({ inputNc: spec.inputNc, ndf: spec.ndf, norm: spec.norm, depth: spec.nLayersD });
}
