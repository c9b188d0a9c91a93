/**
 * ONNX building blocks shared by the modules' `toOnnx`: weights in PyTorch layout, spatial
 * padding with PyTorch's modes, and nearest resizing as `F.interpolate(mode='nearest')` computes it.
 */
import type { tf } from '../../tf.js';
import { toTorchLayout, type ParamLayout } from '../../interop/layout.js';
import type { OnnxGraph, OnnxTensor } from './graph.js';

/** A tensor of ours converted to PyTorch layout (e.g. HWIO → OIHW), optionally reshaped to `dims`. */
export function torchTensor(tensor: tf.Tensor, layout: ParamLayout, dims?: number[]): OnnxTensor {
  const raw = toTorchLayout([...tensor.shape], tensor.dataSync() as Float32Array, layout);
  return { dims: dims ?? raw.shape, data: raw.data as Float32Array };
}

/** A per-channel vector as a [C, 1, 1] initializer, so that it broadcasts over NCHW. */
export function channelInitializer(graph: OnnxGraph, name: string, vector: tf.Tensor): string {
  return graph.initializer(name, torchTensor(vector, 'plain', [vector.size, 1, 1]));
}

/**
 * The scale and bias inputs of ONNX's InstanceNormalization / BatchNormalization: the layer's
 * `weight` and `bias` where it has them, else constant ones and zeros (`<prefix>scale`, `<prefix>shift`).
 */
export function normScaleShift(
  graph: OnnxGraph,
  prefix: string,
  channels: number,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
): [string, string] {
  const scale = gamma
    ? graph.initializer(`${prefix}weight`, torchTensor(gamma, 'plain'))
    : graph.floats(`${prefix}scale`, new Array<number>(channels).fill(1));
  const shift = beta
    ? graph.initializer(`${prefix}bias`, torchTensor(beta, 'plain'))
    : graph.floats(`${prefix}shift`, new Array<number>(channels).fill(0));
  return [scale, shift];
}

/** ONNX `Pad` modes of PyTorch's padding modes. */
const PAD_MODES = { zeros: 'constant', reflect: 'reflect', replicate: 'edge' } as const;

/** Pads H and W of an NCHW value by (left, right, top, bottom) with PyTorch's `mode`. */
export function padOnnx(
  graph: OnnxGraph,
  x: string,
  [left, right, top, bottom]: readonly [number, number, number, number],
  mode: keyof typeof PAD_MODES,
  prefix: string,
): string {
  const pads = graph.int64s(`${prefix}pads`, [0, 0, top, left, 0, 0, bottom, right]);
  return graph.node('Pad', [x, pads], { mode: { s: PAD_MODES[mode] } }, `${prefix}Pad`);
}

/** Nearest resizing with PyTorch's source index floor(dst · in / out). */
const NEAREST = { mode: { s: 'nearest' }, coordinate_transformation_mode: { s: 'asymmetric' }, nearest_mode: { s: 'floor' } };

/** Nearest upsampling of an NCHW value by `factor` (output size floor(size · factor), as `nn.Upsample`). */
export function upsampleNearestOnnx(graph: OnnxGraph, x: string, factor: number, prefix: string): string {
  const scales = graph.floats(`${prefix}scales`, [1, 1, factor, factor]);
  return graph.node('Resize', [x, '', scales], NEAREST, `${prefix}Upsample`);
}

/** Nearest resizing of `x` to the fixed spatial size (height, width); batch and channels as they come. */
export function resizeNearestToOnnx(graph: OnnxGraph, x: string, [height, width]: readonly [number, number], prefix: string): string {
  const batchAndChannels = graph.node('Shape', [x], { start: { i: 0 }, end: { i: 2 } }, `${prefix}Shape`);
  const sizes = graph.node(
    'Concat',
    [batchAndChannels, graph.int64s(`${prefix}size`, [height, width])],
    { axis: { i: 0 } },
    `${prefix}sizes`,
  );
  return graph.node('Resize', [x, '', '', sizes], NEAREST, `${prefix}Resize`);
}

/** Nearest resizing of `x` to the spatial size of `like` (both NCHW). */
export function resizeNearestLikeOnnx(graph: OnnxGraph, x: string, like: string, prefix: string): string {
  const batchAndChannels = graph.node('Shape', [x], { start: { i: 0 }, end: { i: 2 } }, `${prefix}Shape`);
  const spatial = graph.node('Shape', [like], { start: { i: 2 }, end: { i: 4 } }, `${prefix}Shape`);
  const sizes = graph.node('Concat', [batchAndChannels, spatial], { axis: { i: 0 } }, `${prefix}sizes`);
  return graph.node('Resize', [x, '', '', sizes], NEAREST, `${prefix}Resize`);
}
