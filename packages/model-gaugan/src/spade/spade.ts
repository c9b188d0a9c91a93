/**
 * The SPADE layer (Park et al. 2019, `models/networks/normalization.py`): a parameter-free norm of
 * x, modulated per pixel by γ and β predicted from the label map: out = norm(x)·(1 + γ) + β, with
 * the label map nearest-resized to x's size → conv(k, 128) → ReLU → conv(k, C) for γ and for β.
 * Keys: `param_free_norm.*` (batch-norm buffers only), `mlp_shared.0.*`, `mlp_gamma.*`, `mlp_beta.*`.
 */
import {
  BatchNorm2d,
  Conv2d,
  InstanceNorm2d,
  Module,
  ReLU,
  Sequential,
  interpolate,
  resizeNearestLikeOnnx,
  tf,
  type ForwardContext,
  type OnnxGraph,
  type OnnxValues,
} from '@translate/core';
import type { SpadeParamFreeNorm } from './norm_config.js';

/** Hidden channels of SPADE's shared MLP (fixed in the reference). */
export const SPADE_HIDDEN = 128;

/** A feature map and the (full-resolution) semantic map that modulates it, both NHWC. */
export interface SpadeInput {
  x: tf.Tensor4D;
  segmap: tf.Tensor4D;
}

/** Options of `SPADE`. */
export interface SpadeOptions {
  /** Channels of x. */
  normNc: number;
  /** Channels of the semantic map (semantic_nc). */
  labelNc: number;
  paramFree: SpadeParamFreeNorm;
  /** Odd kernel size of the MLP convs. */
  kernelSize: number;
}

/** `SPADE(config_text, norm_nc, label_nc)`. */
export class SPADE extends Module<SpadeInput, tf.Tensor4D> {
  private readonly paramFreeNorm: Module;
  private readonly mlpShared: Sequential;
  private readonly mlpGamma: Conv2d;
  private readonly mlpBeta: Conv2d;

  constructor(readonly options: SpadeOptions) {
    super();
    const { normNc, labelNc, paramFree, kernelSize } = options;
    const padding = Math.floor(kernelSize / 2);
    this.paramFreeNorm = this.addModule(
      'param_free_norm',
      paramFree === 'instance' ? new InstanceNorm2d(normNc) : new BatchNorm2d(normNc, { affine: false }),
    );
    this.mlpShared = this.addModule(
      'mlp_shared',
      new Sequential([new Conv2d({ inChannels: labelNc, outChannels: SPADE_HIDDEN, kernelSize, padding }), new ReLU()]),
    );
    this.mlpGamma = this.addModule('mlp_gamma', new Conv2d({ inChannels: SPADE_HIDDEN, outChannels: normNc, kernelSize, padding }));
    this.mlpBeta = this.addModule('mlp_beta', new Conv2d({ inChannels: SPADE_HIDDEN, outChannels: normNc, kernelSize, padding }));
  }

  override forward({ x, segmap }: SpadeInput, ctx?: ForwardContext): tf.Tensor4D {
    const context = this.defaultContext(ctx);
    return tf.tidy(() => {
      const normalized = this.paramFreeNorm.forward(x, context);
      const [, h, w] = x.shape;
      const actv = this.mlpShared.forward(interpolate(segmap, [h, w], 'nearest'), context);
      const gamma = this.mlpGamma.forward(actv, context);
      const beta = this.mlpBeta.forward(actv, context);
      return tf.add(tf.mul(normalized, tf.add(gamma, 1)), beta);
    });
  }

  override toOnnx(graph: OnnxGraph, { x, segmap }: OnnxValues<SpadeInput>, prefix: string): string {
    const normalized = this.paramFreeNorm.toOnnx(graph, x, `${prefix}param_free_norm.`);
    const resized = resizeNearestLikeOnnx(graph, segmap, x, `${prefix}segmap.`);
    const actv = this.mlpShared.toOnnx(graph, resized, `${prefix}mlp_shared.`);
    const gamma = this.mlpGamma.toOnnx(graph, actv, `${prefix}mlp_gamma.`);
    const beta = this.mlpBeta.toOnnx(graph, actv, `${prefix}mlp_beta.`);
    const scale = graph.node('Add', [gamma, graph.scalar(1)], {}, `${prefix}one_plus_gamma`);
    return graph.node('Add', [graph.node('Mul', [normalized, scale], {}, `${prefix}modulated`), beta], {}, `${prefix}Add`);
  }
}
