/**
 * `Pix2PixHDGenerator` of SPADE (`--netG pix2pixhd`): reflection pad + conv k (7), n strided
 * conv3×3 downsamplings, n residual blocks, n transposed-conv upsamplings, reflection pad + conv7 →
 * tanh, every conv but the last normalised by `--norm_G` (instance by default). Keys `model.N…`.
 */
import {
  ConvTranspose2d,
  Conv2d,
  InstanceNorm2d,
  BatchNorm2d,
  Module,
  OptionError,
  Pad2d,
  ReLU,
  Sequential,
  Tanh,
  assertInputSize,
  tf,
  type ForwardContext,
  type OnnxGraph,
  type OnnxSignature,
  type OnnxValues,
} from '@translate/core';
import { normalizedConv } from './spade/normalized_conv.js';
import type { PlainNormConfig } from './spade/norm_config.js';

/** Options of `Pix2PixHDGenerator` (SPADE's `--resnet_*` flags). */
export interface Pix2PixHDOptions {
  semanticNc: number;
  outputNc: number;
  ngf: number;
  norm: PlainNormConfig;
  nDownsample: number;
  nBlocks: number;
  kernelSize: number;
  initialKernelSize: number;
}

/** SPADE's `ResnetBlock`: x + (reflect pad → norm(conv) → ReLU → reflect pad → norm(conv)). Keys `conv_block.N…`. */
class HDResnetBlock extends Module {
  private readonly convBlock: Sequential;

  constructor(dim: number, norm: PlainNormConfig, kernelSize: number) {
    super();
    const pw = Math.floor((kernelSize - 1) / 2);
    const conv = () => normalizedConv(norm, { inChannels: dim, outChannels: dim, kernelSize });
    this.convBlock = this.addModule(
      'conv_block',
      new Sequential([new Pad2d(pw, 'reflect'), conv(), new ReLU(), new Pad2d(pw, 'reflect'), conv()]),
    );
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    return tf.add(x, this.convBlock.forward(x, this.defaultContext(ctx)));
  }

  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    return graph.node('Add', [x, this.convBlock.toOnnx(graph, x, `${prefix}conv_block.`)], {}, `${prefix}Add`);
  }
}

/** A transposed conv with SPADE's non-SPADE norm (spectral norm is not supported on it here). */
function normalizedConvTranspose(norm: PlainNormConfig, cin: number, cout: number): Module {
  if (norm.spectral)
    throw new OptionError('--netG pix2pixhd does not support spectral norm on its transposed convs; use --norm_G instance or batch.');
  const conv = new ConvTranspose2d({
    inChannels: cin,
    outChannels: cout,
    kernelSize: 3,
    stride: 2,
    padding: 1,
    outputPadding: 1,
    bias: norm.subnorm === 'none',
  });
  if (norm.subnorm === 'none') return conv;
  return new Sequential([conv, norm.subnorm === 'batch' ? new BatchNorm2d(cout, { affine: true }) : new InstanceNorm2d(cout)]);
}

/** The pix2pixHD global generator as SPADE builds it; `forward({ segmap })`. */
export class Pix2PixHDGenerator extends Module<{ segmap: tf.Tensor4D }, tf.Tensor4D> {
  private readonly model: Sequential;

  constructor(readonly options: Pix2PixHDOptions) {
    super();
    const { semanticNc, outputNc, ngf, norm, nDownsample, nBlocks, kernelSize, initialKernelSize } = options;
    const layers: Module[] = [
      new Pad2d(Math.floor(initialKernelSize / 2), 'reflect'),
      normalizedConv(norm, { inChannels: semanticNc, outChannels: ngf, kernelSize: initialKernelSize }),
      new ReLU(),
    ];
    let mult = 1;
    for (let i = 0; i < nDownsample; i++) {
      layers.push(
        normalizedConv(norm, { inChannels: ngf * mult, outChannels: ngf * mult * 2, kernelSize: 3, stride: 2, padding: 1 }),
        new ReLU(),
      );
      mult *= 2;
    }
    for (let i = 0; i < nBlocks; i++) layers.push(new HDResnetBlock(ngf * mult, norm, kernelSize));
    for (let i = 0; i < nDownsample; i++) {
      layers.push(normalizedConvTranspose(norm, ngf * mult, (ngf * mult) / 2), new ReLU());
      mult /= 2;
    }
    layers.push(new Pad2d(3, 'reflect'), new Conv2d({ inChannels: ngf * mult, outChannels: outputNc, kernelSize: 7 }), new Tanh());
    this.model = this.addModule('model', new Sequential(layers));
  }

  override forward({ segmap }: { segmap: tf.Tensor4D }, ctx?: ForwardContext): tf.Tensor4D {
    const multiple = 2 ** this.options.nDownsample;
    assertInputSize('pix2pixhd', segmap, multiple, Math.max(2 * multiple, 8));
    return this.model.forward(segmap, this.defaultContext(ctx));
  }

  override toOnnx(graph: OnnxGraph, { segmap }: OnnxValues<{ segmap: tf.Tensor4D }>, prefix: string): string {
    return this.model.toOnnx(graph, segmap, `${prefix}model.`);
  }

  /** Dynamic N, H, W (multiples of 2^n_downsample): `input` the semantic map, `output` the image. */
  override onnxSignature(): OnnxSignature<{ segmap: tf.Tensor4D }> {
    const { semanticNc, outputNc, nDownsample } = this.options;
    return {
      inputs: [
        {
          name: 'input',
          dims: ['N', semanticNc, 'H', 'W'],
          description: `float32 NCHW semantic map (one-hot labels, +dontcare, +instance edges), ${semanticNc} channels; H and W multiples of ${2 ** nDownsample}`,
        },
      ],
      forwardInput: { segmap: 'input' },
      output: { name: 'output', dims: ['N', outputNc, 'H', 'W'], description: 'float32 NCHW image in [-1, 1]' },
    };
  }
}
