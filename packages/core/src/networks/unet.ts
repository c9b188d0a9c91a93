/** The reference's UnetGenerator (`unet_128`, `unet_256`), built recursively; keys `model.model.1.model.3...`. */
import { tf } from '../tf.js';
import { Module, type ForwardContext } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { Conv2d, ConvTranspose2d } from '../nn/conv.js';
import { LeakyReLU, ReLU, Tanh } from '../nn/activation.js';
import { Dropout } from '../nn/dropout.js';
import { convBiasFor, normLayer, type NormType } from './norm_layer.js';
import { assertInputSize } from './input_size.js';
import type { OnnxGraph } from '../export/onnx/graph.js';
import { imageSignature, type OnnxSignature } from '../export/onnx/signature.js';

/** Options of `UnetGenerator`. */
export interface UnetGeneratorOptions {
  inputNc: number;
  outputNc: number;
  ngf: number;
  norm: NormType;
  useDropout: boolean;
  /** Number of stride-2 downsamplings: 7 for unet_128, 8 for unet_256. */
  numDowns: number;
}

type BlockRole = 'outermost' | 'innermost' | 'middle';

/** `UnetSkipConnectionBlock`: down, submodule, up; every block but the outermost returns cat([x, block(x)]). */
export class UnetSkipConnectionBlock extends Module {
  private readonly model: Sequential;

  constructor(
    outerNc: number,
    innerNc: number,
    readonly role: BlockRole,
    options: { inputNc?: number; submodule?: UnetSkipConnectionBlock; norm: NormType; useDropout?: boolean },
  ) {
    super();
    const { norm, submodule } = options;
    const bias = convBiasFor(norm);
    const inputNc = options.inputNc ?? outerNc;
    const downconv = new Conv2d({ inChannels: inputNc, outChannels: innerNc, kernelSize: 4, stride: 2, padding: 1, bias });
    const up = (inChannels: number, withBias: boolean) =>
      new ConvTranspose2d({ inChannels, outChannels: outerNc, kernelSize: 4, stride: 2, padding: 1, bias: withBias });
    let layers: Module[];
    if (role === 'outermost') {
      layers = [downconv, submodule!, new ReLU(), up(innerNc * 2, true), new Tanh()];
    } else if (role === 'innermost') {
      layers = [new LeakyReLU(0.2), downconv, new ReLU(), up(innerNc, bias), normLayer(norm, outerNc)];
    } else {
      layers = [
        new LeakyReLU(0.2),
        downconv,
        normLayer(norm, innerNc),
        submodule!,
        new ReLU(),
        up(innerNc * 2, bias),
        normLayer(norm, outerNc),
        ...(options.useDropout ? [new Dropout(0.5)] : []),
      ];
    }
    this.model = this.addModule('model', new Sequential(layers));
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    const y = this.model.forward(x, this.defaultContext(ctx));
    return this.role === 'outermost' ? y : tf.concat([x, y], 3);
  }

  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    const y = this.model.toOnnx(graph, x, `${prefix}model.`);
    return this.role === 'outermost' ? y : graph.node('Concat', [x, y], { axis: { i: 1 } }, `${prefix}Concat`);
  }
}

/** U-Net generator with skip connections between mirrored layers. */
export class UnetGenerator extends Module {
  private readonly model: UnetSkipConnectionBlock;

  constructor(readonly options: UnetGeneratorOptions) {
    super();
    const { inputNc, outputNc, ngf, norm, useDropout, numDowns } = options;
    if (numDowns < 5) throw new RangeError(`UnetGenerator needs numDowns >= 5 (got ${numDowns})`);
    let block = new UnetSkipConnectionBlock(ngf * 8, ngf * 8, 'innermost', { norm });
    for (let i = 0; i < numDowns - 5; i++)
      block = new UnetSkipConnectionBlock(ngf * 8, ngf * 8, 'middle', { submodule: block, norm, useDropout });
    block = new UnetSkipConnectionBlock(ngf * 4, ngf * 8, 'middle', { submodule: block, norm });
    block = new UnetSkipConnectionBlock(ngf * 2, ngf * 4, 'middle', { submodule: block, norm });
    block = new UnetSkipConnectionBlock(ngf, ngf * 2, 'middle', { submodule: block, norm });
    this.model = this.addModule('model', new UnetSkipConnectionBlock(outputNc, ngf, 'outermost', { inputNc, submodule: block, norm }));
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    const multiple = 2 ** this.options.numDowns;
    assertInputSize(`unet_${multiple}`, x, multiple);
    return this.model.forward(x, this.defaultContext(ctx));
  }

  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    return this.model.toOnnx(graph, x, `${prefix}model.`);
  }

  /** Dynamic N, H, W; H and W must be multiples of 2^numDowns, as for `forward`. */
  override onnxSignature(): OnnxSignature<tf.Tensor4D> {
    const multiple = 2 ** this.options.numDowns;
    return imageSignature(
      { channels: this.options.inputNc, description: `float32 NCHW image in [-1, 1]; H and W multiples of ${multiple}` },
      { channels: this.options.outputNc, description: 'float32 NCHW image in [-1, 1]' },
    );
  }
}
