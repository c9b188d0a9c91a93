/** Spatial padding of NHWC tensors with PyTorch's modes: zeros, reflect (ReflectionPad2d), replicate. */
import { tf } from '../tf.js';
import { Module } from './module.js';
import type { OnnxGraph } from '../export/onnx/graph.js';
import { padOnnx } from '../export/onnx/ops.js';

/** PyTorch's padding modes. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate';

/** Padding widths in PyTorch's (left, right, top, bottom) order. */
export type Padding4 = [number, number, number, number];

/**
 * Pads H and W of an NHWC tensor. 'reflect' mirrors without repeating the edge (needs
 * pad < size); its gradient is the corrected MirrorPad gradient that the backend installs.
 */
export function pad2d(x: tf.Tensor4D, [left, right, top, bottom]: Padding4, mode: PaddingMode): tf.Tensor4D {
  const paddings: Array<[number, number]> = [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
  if (mode === 'zeros') return tf.pad(x, paddings);
  if (mode === 'reflect') return tf.mirrorPad(x, paddings, 'reflect');
  return tf.tidy(() => replicateAxis(replicateAxis(x, 1, top, bottom), 2, left, right));
}

function replicateAxis(x: tf.Tensor4D, axis: 1 | 2, before: number, after: number): tf.Tensor4D {
  if (before === 0 && after === 0) return x;
  const size = x.shape[axis];
  const edge = (start: number, count: number): tf.Tensor4D => {
    const begin = [0, 0, 0, 0];
    const extent = [...x.shape] as number[];
    begin[axis] = start;
    extent[axis] = 1;
    const reps = [1, 1, 1, 1];
    reps[axis] = count;
    return tf.tile(tf.slice(x, begin, extent), reps);
  };
  const parts: tf.Tensor4D[] = [];
  if (before > 0) parts.push(edge(0, before));
  parts.push(x);
  if (after > 0) parts.push(edge(size - 1, after));
  return tf.concat(parts, axis);
}

/** `nn.ReflectionPad2d` / `nn.ReplicationPad2d` / `nn.ZeroPad2d` as one module. */
export class Pad2d extends Module {
  private readonly widths: Padding4;

  /** `padding` is one width for all sides or (left, right, top, bottom). */
  constructor(
    padding: number | Padding4,
    readonly mode: PaddingMode,
  ) {
    super();
    this.widths = typeof padding === 'number' ? [padding, padding, padding, padding] : padding;
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    return pad2d(x, this.widths, this.mode);
  }

  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    return padOnnx(graph, x, this.widths, this.mode, prefix);
  }
}
