/**
 * `SPADEResnetBlock(fin, fout)` (`models/networks/architecture.py`): two SPADE → LeakyReLU(0.2) →
 * conv3×3 stages and a shortcut that is learned (SPADE → conv1×1 without bias) when fin ≠ fout;
 * spectral norm on every conv when `--norm_G` contains `spectral`. Keys `conv_0`, `conv_1`,
 * `conv_s`, `norm_0`, `norm_1`, `norm_s` as in the reference.
 */
import { Conv2d, Module, tf, type ForwardContext, type OnnxGraph, type OnnxValues } from '@translate/core';
import { SPADE, type SpadeInput } from './spade.js';
import type { SpadeNormConfig } from './norm_config.js';

/** Options of `SPADEResnetBlock`. */
export interface SpadeResnetBlockOptions {
  fin: number;
  fout: number;
  /** semantic_nc: channels of the label map fed to every SPADE layer. */
  semanticNc: number;
  norm: SpadeNormConfig;
}

/** One residual block of the SPADE generator; `forward({ x, segmap })`. */
export class SPADEResnetBlock extends Module<SpadeInput, tf.Tensor4D> {
  /** True when fin ≠ fout (the shortcut has its own SPADE and 1×1 conv). */
  readonly learnedShortcut: boolean;
  private readonly conv0: Conv2d;
  private readonly conv1: Conv2d;
  private readonly convS: Conv2d | null;
  private readonly norm0: SPADE;
  private readonly norm1: SPADE;
  private readonly normS: SPADE | null;

  constructor(readonly options: SpadeResnetBlockOptions) {
    super();
    const { fin, fout, semanticNc, norm } = options;
    this.learnedShortcut = fin !== fout;
    const fmiddle = Math.min(fin, fout);
    const spectralNorm = norm.spectral;
    this.conv0 = this.addModule('conv_0', new Conv2d({ inChannels: fin, outChannels: fmiddle, kernelSize: 3, padding: 1, spectralNorm }));
    this.conv1 = this.addModule('conv_1', new Conv2d({ inChannels: fmiddle, outChannels: fout, kernelSize: 3, padding: 1, spectralNorm }));
    this.convS = this.learnedShortcut
      ? this.addModule('conv_s', new Conv2d({ inChannels: fin, outChannels: fout, kernelSize: 1, bias: false, spectralNorm }))
      : null;
    const spade = (normNc: number) => new SPADE({ normNc, labelNc: semanticNc, paramFree: norm.paramFree, kernelSize: norm.kernelSize });
    this.norm0 = this.addModule('norm_0', spade(fin));
    this.norm1 = this.addModule('norm_1', spade(fmiddle));
    this.normS = this.learnedShortcut ? this.addModule('norm_s', spade(fin)) : null;
  }

  override forward({ x, segmap }: SpadeInput, ctx?: ForwardContext): tf.Tensor4D {
    const context = this.defaultContext(ctx);
    return tf.tidy(() => {
      const xs = this.convS && this.normS ? this.convS.forward(this.normS.forward({ x, segmap }, context), context) : x;
      const h = this.conv0.forward(tf.leakyRelu(this.norm0.forward({ x, segmap }, context), 0.2), context);
      const dx = this.conv1.forward(tf.leakyRelu(this.norm1.forward({ x: h, segmap }, context), 0.2), context);
      return tf.add(xs, dx);
    });
  }

  override toOnnx(graph: OnnxGraph, { x, segmap }: OnnxValues<SpadeInput>, prefix: string): string {
    const leaky = (v: string, name: string) => graph.node('LeakyRelu', [v], { alpha: { f: 0.2 } }, `${prefix}${name}.LeakyRelu`);
    const xs =
      this.convS && this.normS
        ? this.convS.toOnnx(graph, this.normS.toOnnx(graph, { x, segmap }, `${prefix}norm_s.`), `${prefix}conv_s.`)
        : x;
    const h = this.conv0.toOnnx(graph, leaky(this.norm0.toOnnx(graph, { x, segmap }, `${prefix}norm_0.`), 'norm_0'), `${prefix}conv_0.`);
    const dx = this.conv1.toOnnx(
      graph,
      leaky(this.norm1.toOnnx(graph, { x: h, segmap }, `${prefix}norm_1.`), 'norm_1'),
      `${prefix}conv_1.`,
    );
    return graph.node('Add', [xs, dx], {}, `${prefix}Add`);
  }
}
