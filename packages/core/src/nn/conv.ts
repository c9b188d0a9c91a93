/**
 * Conv2d and ConvTranspose2d with PyTorch semantics: symmetric integer padding (zeros, reflect or
 * replicate), stride, dilation, `output_padding`, PyTorch's default init, and optional spectral
 * normalisation with PyTorch's `weight_orig` / `weight_u` / `weight_v` keys.
 */
import { tf } from '../tf.js';
import { Module, type ForwardContext } from './module.js';
import { uniformTensor, normalTensor, torchFans } from './init.js';
import { pad2d, type PaddingMode } from './pad.js';
import { SpectralNormState } from './spectral_norm.js';
import type { OnnxGraph, OnnxTensor } from '../export/onnx/graph.js';
import { padOnnx, torchTensor } from '../export/onnx/ops.js';

/** A size given as one number or as (height, width). */
export type Pair = number | [number, number];

/** Expands a `Pair` to (height, width). */
export function pair(p: Pair): [number, number] {
  return typeof p === 'number' ? [p, p] : p;
}

/** Options of `Conv2d`, named as PyTorch's `nn.Conv2d` arguments. */
export interface Conv2dOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: Pair;
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  bias?: boolean;
  paddingMode?: PaddingMode;
  /** Wrap the weight in spectral normalisation (`torch.nn.utils.spectral_norm`). */
  spectralNorm?: boolean;
}

/** `nn.Conv2d` on NHWC tensors. Keys: `weight` (or `weight_orig`/`weight_u`/`weight_v`), `bias`. */
export class Conv2d extends Module {
  readonly options: Required<Conv2dOptions>;
  private readonly weightVar: tf.Variable;
  private readonly biasVar: tf.Variable | null;
  private readonly spectral: SpectralNormState | null;

  constructor(options: Conv2dOptions) {
    super();
    this.options = { stride: 1, padding: 0, dilation: 1, bias: true, paddingMode: 'zeros', spectralNorm: false, ...options };
    const [kh, kw] = pair(this.options.kernelSize);
    const { inChannels: cin, outChannels: cout } = this.options;
    const bound = 1 / Math.sqrt(torchFans([cout, cin, kh, kw]).fanIn);
    const weight = uniformTensor([kh, kw, cin, cout], bound);
    if (this.options.spectralNorm) {
      // PyTorch's spectral_norm re-registers the weight last: bias, weight_orig, then buffers u, v.
      this.biasVar = this.options.bias ? this.addParameter('bias', uniformTensor([cout], bound), 'plain') : null;
      this.weightVar = this.addParameter('weight_orig', weight, 'conv');
      const u = this.addBuffer('weight_u', normalizedNormal(cout));
      const v = this.addBuffer('weight_v', normalizedNormal(cin * kh * kw));
      this.spectral = new SpectralNormState(this.weightVar, u, v);
    } else {
      this.weightVar = this.addParameter('weight', weight, 'conv');
      this.biasVar = this.options.bias ? this.addParameter('bias', uniformTensor([cout], bound), 'plain') : null;
      this.spectral = null;
    }
  }

  /** The trainable weight (HWIO); with spectral norm this is `weight_orig`. */
  get weight(): tf.Variable {
    return this.weightVar;
  }

  /** The bias, or null. */
  get bias(): tf.Variable | null {
    return this.biasVar;
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    const { training, updateState } = this.defaultContext(ctx);
    const { stride, dilation, paddingMode } = this.options;
    const [ph, pw] = pair(this.options.padding);
    const filter = this.spectral ? this.spectral.normalizedWeight(training && updateState) : this.weightVar;
    let input = x;
    let pad: 'valid' | [[number, number], [number, number], [number, number], [number, number]] = 'valid';
    if (ph > 0 || pw > 0) {
      if (paddingMode === 'zeros')
        pad = [
          [0, 0],
          [ph, ph],
          [pw, pw],
          [0, 0],
        ];
      else input = pad2d(x, [pw, pw, ph, ph], paddingMode);
    }
    const dilations = pair(dilation);
    const strides = pair(stride);
    const f = filter as tf.Tensor4D;
    if (dilations[0] === 1 && dilations[1] === 1)
      return tf.fused.conv2d({ x: input, filter: f, strides, pad, bias: this.biasVar ?? undefined });
    // tfjs's fused conv has no gradient for dilation > 1; the plain conv's gradient is ours (backend/gradients).
    const y = tf.conv2d(input, f, strides, pad, 'NHWC', dilations);
    return this.biasVar ? tf.add(y, this.biasVar) : y;
  }

  /**
   * `Conv`, with reflect/replicate padding as a `Pad` before it. A spectral-norm weight is exported
   * already normalised (weight_orig / σ with the stored u, v) under the key `weight`.
   */
  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    const { stride, dilation, paddingMode } = this.options;
    const [ph, pw] = pair(this.options.padding);
    const padded = paddingMode !== 'zeros' && (ph > 0 || pw > 0);
    const input = padded ? padOnnx(graph, x, [pw, pw, ph, ph], paddingMode, prefix) : x;
    const pads = padded ? [0, 0, 0, 0] : [ph, pw, ph, pw];
    const inputs = [input, graph.initializer(`${prefix}weight`, this.torchWeight(graph))];
    if (this.biasVar) inputs.push(graph.initializer(`${prefix}bias`, torchTensor(this.biasVar, 'plain')));
    const attributes = {
      kernel_shape: { ints: pair(this.options.kernelSize) },
      strides: { ints: pair(stride) },
      pads: { ints: pads },
      dilations: { ints: pair(dilation) },
    };
    return graph.node('Conv', inputs, attributes, `${prefix}Conv`);
  }

  /** The conv weight in PyTorch's OIHW layout, spectral norm applied. */
  private torchWeight(graph: OnnxGraph): OnnxTensor {
    if (!this.spectral) return torchTensor(this.weightVar, 'conv');
    if (this.training)
      graph.note(
        'Spectral-norm weights are exported as weight_orig / σ from the stored u, v, without the power iteration that train mode runs on every forward.',
      );
    const weight = this.spectral.normalizedWeight(false);
    try {
      return torchTensor(weight, 'conv');
    } finally {
      weight.dispose();
    }
  }
}

/** Options of `ConvTranspose2d`, named as PyTorch's `nn.ConvTranspose2d` arguments. */
export interface ConvTranspose2dOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: Pair;
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  bias?: boolean;
}

/**
 * `nn.ConvTranspose2d` on NHWC tensors: output size (H−1)·s − 2p + k + output_padding. Computed as
 * a 'valid' transposed convolution cropped by `padding` (extended with zeros where
 * output_padding > padding). Keys: `weight` (PyTorch shape in, out, kH, kW), `bias`.
 */
export class ConvTranspose2d extends Module {
  readonly options: Required<ConvTranspose2dOptions>;
  private readonly weightVar: tf.Variable;
  private readonly biasVar: tf.Variable | null;

  constructor(options: ConvTranspose2dOptions) {
    super();
    this.options = { stride: 1, padding: 0, outputPadding: 0, bias: true, ...options };
    const [kh, kw] = pair(this.options.kernelSize);
    const { inChannels: cin, outChannels: cout } = this.options;
    const bound = 1 / Math.sqrt(torchFans([cin, cout, kh, kw]).fanIn);
    this.weightVar = this.addParameter('weight', uniformTensor([kh, kw, cout, cin], bound), 'convTranspose');
    this.biasVar = this.options.bias ? this.addParameter('bias', uniformTensor([cout], bound), 'plain') : null;
  }

  /** The trainable weight, tfjs layout [kH, kW, out, in]. */
  get weight(): tf.Variable {
    return this.weightVar;
  }

  /** The bias, or null. */
  get bias(): tf.Variable | null {
    return this.biasVar;
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    const [n, h, w] = x.shape;
    const [kh, kw] = pair(this.options.kernelSize);
    const [sh, sw] = pair(this.options.stride);
    const [ph, pw] = pair(this.options.padding);
    const [oph, opw] = pair(this.options.outputPadding);
    const fullH = (h - 1) * sh + kh;
    const fullW = (w - 1) * sw + kw;
    const outH = fullH - 2 * ph + oph;
    const outW = fullW - 2 * pw + opw;
    const cout = this.options.outChannels;
    return tf.tidy(() => {
      let y: tf.Tensor4D = tf.conv2dTranspose(x, this.weightVar as tf.Tensor4D, [n, fullH, fullW, cout], [sh, sw], 'valid');
      const keepH = Math.min(outH, fullH - ph);
      const keepW = Math.min(outW, fullW - pw);
      if (ph > 0 || pw > 0 || keepH < fullH || keepW < fullW) y = tf.slice(y, [0, ph, pw, 0], [n, keepH, keepW, cout]);
      if (keepH < outH || keepW < outW)
        y = tf.pad(y, [
          [0, 0],
          [0, outH - keepH],
          [0, outW - keepW],
          [0, 0],
        ]);
      return this.biasVar ? tf.add(y, this.biasVar) : y;
    });
  }

  /** `ConvTranspose` with PyTorch's padding and output_padding as attributes (weight [in, out, kH, kW] as ONNX wants it). */
  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    const [ph, pw] = pair(this.options.padding);
    const inputs = [x, graph.initializer(`${prefix}weight`, torchTensor(this.weightVar, 'convTranspose'))];
    if (this.biasVar) inputs.push(graph.initializer(`${prefix}bias`, torchTensor(this.biasVar, 'plain')));
    const attributes = {
      kernel_shape: { ints: pair(this.options.kernelSize) },
      strides: { ints: pair(this.options.stride) },
      pads: { ints: [ph, pw, ph, pw] },
      output_padding: { ints: pair(this.options.outputPadding) },
    };
    return graph.node('ConvTranspose', inputs, attributes, `${prefix}ConvTranspose`);
  }
}

function normalizedNormal(size: number): tf.Tensor {
  return tf.tidy(() => {
    const v = normalTensor([size], 0, 1);
    return tf.div(v, tf.maximum(tf.norm(v), 1e-12));
  });
}
