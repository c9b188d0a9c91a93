/** `nn.Sequential`: children named '0', '1', … applied in order. */
import type { tf } from '../tf.js';
import { ReLU } from './activation.js';
import { Module, type ForwardContext } from './module.js';
import { InstanceNorm2d } from './norm.js';
import type { OnnxGraph } from '../export/onnx/graph.js';

/** A chain of modules whose state keys are `<index>.<key>`, as PyTorch names them. */
export class Sequential extends Module {
  private readonly layers: Module[];

  constructor(layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((layer, i) => this.addModule(String(i), layer));
  }

  /** The layer at `index`. */
  at(index: number): Module {
    const layer = this.layers[index];
    if (!layer) throw new RangeError(`Sequential has ${this.layers.length} layers; no index ${index}`);
    return layer;
  }

  /** Number of layers. */
  get length(): number {
    return this.layers.length;
  }

  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    return this.layers.reduce((h, layer, i) => layer.toOnnx(graph, h, `${prefix}${i}.`), x);
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    const context = this.defaultContext(ctx);
    let h = x;
    for (let i = 0; i < this.layers.length; i++) {
      const layer = this.layers[i]!;
      // InstanceNorm2d then ReLU: one fused kernel where the backend has it (same values, one
      // tensor fewer kept for the backward pass).
      const fused = layer instanceof InstanceNorm2d && this.layers[i + 1] instanceof ReLU ? layer.forwardRelu(h) : undefined;
      if (fused) i++;
      const next = fused ?? layer.forward(h, context);
      // An intermediate output is released as soon as the next layer has run (a gradient keeps its
      // own reference to what it needs), so a forward pass holds only what backward will use.
      if (h !== x && next !== h) h.dispose();
      h = next;
    }
    return h;
  }
}
