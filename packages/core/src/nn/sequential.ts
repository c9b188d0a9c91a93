/** `nn.Sequential`: children named '0', '1', … applied in order. */
import type { tf } from '../tf.js';
import { Module, type ForwardContext } from './module.js';

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

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    const context = this.defaultContext(ctx);
    return this.layers.reduce((h, layer) => layer.forward(h, context), x);
  }
}
