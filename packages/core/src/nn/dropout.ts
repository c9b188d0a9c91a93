/** `nn.Dropout`: zeroes elements with probability p in training and scales the rest by 1/(1−p). */
import { tf } from '../tf.js';
import { Module, type ForwardContext } from './module.js';
import { globalRng } from '../random.js';
import type { OnnxGraph } from '../export/onnx/graph.js';

/** `nn.Dropout(p)`; masks come from the seeded global generator. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    const { training } = this.defaultContext(ctx);
    if (!training || this.p === 0) return x;
    return tf.dropout(x, this.p, undefined, globalRng().nextSeed()) as tf.Tensor4D;
  }

  /** Always the identity: an exported model is deterministic, so train-mode dropout is dropped (and noted). */
  override toOnnx(graph: OnnxGraph, x: string): string {
    if (this.training && this.p > 0) {
      graph.note(
        'Dropout is exported as the identity: the network is in train mode, where translate applies random dropout, so its outputs differ from the export by that noise (export with --eval for the deterministic network).',
      );
    }
    return x;
  }
}
