/** The reference's ResnetGenerator (`resnet_9blocks`, `resnet_6blocks`), keys `model.N...`. */
import { tf } from '../tf.js';
import { Module, type ForwardContext } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { Conv2d, ConvTranspose2d } from '../nn/conv.js';
import { Pad2d } from '../nn/pad.js';
import { ReLU, Tanh } from '../nn/activation.js';
import { Dropout } from '../nn/dropout.js';
import { convBiasFor, normLayer, type NormType } from './norm_layer.js';
import { assertInputSize } from './input_size.js';
import type { OnnxGraph } from '../export/onnx/graph.js';
import { imageSignature, type OnnxSignature } from '../export/onnx/signature.js';

/** Options of `ResnetGenerator`. */
export interface ResnetGeneratorOptions {
  inputNc: number;
  outputNc: number;
  ngf: number;
  norm: NormType;
  useDropout: boolean;
  nBlocks: number;
  /** Padding of the residual blocks' 3×3 convs (the reference fixes 'reflect'). */
  paddingType?: 'reflect' | 'replicate' | 'zero';
}

/** One residual block: x + conv_block(x), no activation after the sum. Keys `conv_block.N...`. */
export class ResnetBlock extends Module {
  private readonly convBlock: Sequential;

  constructor(dim: number, paddingType: 'reflect' | 'replicate' | 'zero', norm: NormType, useDropout: boolean) {
    super();
    const bias = convBiasFor(norm);
    const padLayers = () => (paddingType === 'zero' ? [] : [new Pad2d(1, paddingType)]);
    const padding = paddingType === 'zero' ? 1 : 0;
    const conv = () => new Conv2d({ inChannels: dim, outChannels: dim, kernelSize: 3, padding, bias });
    this.convBlock = this.addModule(
      'conv_block',
      new Sequential([
        ...padLayers(),
        conv(),
        normLayer(norm, dim),
        new ReLU(),
        ...(useDropout ? [new Dropout(0.5)] : []),
        ...padLayers(),
        conv(),
        normLayer(norm, dim),
      ]),
    );
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    return residualAdd(x, this.convBlock.forward(x, this.defaultContext(ctx)));
  }

  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    return graph.node('Add', [x, this.convBlock.toOnnx(graph, x, `${prefix}conv_block.`)], {}, `${prefix}Add`);
  }
}

/**
 * a + b for same-shape tensors, keeping nothing for the backward pass (tf.add saves both inputs,
 * only to reduce broadcast gradients, which keeps the block's input and output alive).
 */
const residualAdd = tf.customGrad(((a: tf.Tensor, b: tf.Tensor) => ({
  value: tf.add(a, b),
  gradFunc: (dy: tf.Tensor) => [tf.clone(dy), tf.clone(dy)],
})) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D;

/** ResNet generator: c7s1-ngf, two stride-2 downsamplings, n residual blocks, two transposed-conv upsamplings, c7s1-out, tanh. */
export class ResnetGenerator extends Module {
  private readonly model: Sequential;

  constructor(readonly options: ResnetGeneratorOptions) {
    super();
    const { inputNc, outputNc, ngf, norm, useDropout, nBlocks } = options;
    const bias = convBiasFor(norm);
    const layers: Module[] = [
      new Pad2d(3, 'reflect'),
      new Conv2d({ inChannels: inputNc, outChannels: ngf, kernelSize: 7, bias }),
      normLayer(norm, ngf),
      new ReLU(),
    ];
    for (let i = 0; i < 2; i++) {
      const mult = 2 ** i;
      layers.push(
        new Conv2d({ inChannels: ngf * mult, outChannels: ngf * mult * 2, kernelSize: 3, stride: 2, padding: 1, bias }),
        normLayer(norm, ngf * mult * 2),
        new ReLU(),
      );
    }
    for (let i = 0; i < nBlocks; i++) layers.push(new ResnetBlock(ngf * 4, options.paddingType ?? 'reflect', norm, useDropout));
    for (let i = 0; i < 2; i++) {
      const mult = 2 ** (2 - i);
      layers.push(
        new ConvTranspose2d({
          inChannels: ngf * mult,
          outChannels: (ngf * mult) / 2,
          kernelSize: 3,
          stride: 2,
          padding: 1,
          outputPadding: 1,
          bias,
        }),
        normLayer(norm, (ngf * mult) / 2),
        new ReLU(),
      );
    }
    layers.push(new Pad2d(3, 'reflect'), new Conv2d({ inChannels: ngf, outChannels: outputNc, kernelSize: 7 }), new Tanh());
    this.model = this.addModule('model', new Sequential(layers));
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    assertInputSize(`resnet_${this.options.nBlocks}blocks`, x, 4, 8);
    return this.model.forward(x, this.defaultContext(ctx));
  }

  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    return this.model.toOnnx(graph, x, `${prefix}model.`);
  }

  /** Dynamic N, H, W; H and W must be multiples of 4 and at least 8, as for `forward`. */
  override onnxSignature(): OnnxSignature<tf.Tensor4D> {
    return imageSignature(
      { channels: this.options.inputNc, description: 'float32 NCHW image in [-1, 1]; H and W multiples of 4, at least 8' },
      { channels: this.options.outputNc, description: 'float32 NCHW image in [-1, 1]' },
    );
  }
}
