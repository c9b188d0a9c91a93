/** Element-wise activations and the identity, as modules (no state except PReLU's slope). */
import { tf } from '../tf.js';
import { Module } from './module.js';
import type { OnnxGraph } from '../export/onnx/graph.js';
import { channelInitializer } from '../export/onnx/ops.js';

/** `nn.Identity` (also what the reference inserts for `--norm none`). */
export class Identity extends Module<any, any> {
  override forward<T>(x: T): T {
    return x;
  }

  override toOnnx(_graph: OnnxGraph, x: string): string {
    return x;
  }
}

/** `nn.ReLU`. */
export class ReLU extends Module {
  override forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.relu(x);
  }

  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    return graph.node('Relu', [x], {}, `${prefix}Relu`);
  }
}

/** `nn.LeakyReLU(negative_slope)`. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.leakyRelu(x, this.negativeSlope);
  }

  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    return graph.node('LeakyRelu', [x], { alpha: { f: this.negativeSlope } }, `${prefix}LeakyRelu`);
  }
}

/** `nn.PReLU(num_parameters, init)`: key `weight`, one slope or one per channel. */
export class PReLU extends Module {
  private readonly slope: tf.Variable;

  constructor(numParameters = 1, init = 0.25) {
    super();
    this.slope = this.addParameter('weight', tf.fill([numParameters], init), 'plain');
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => tf.add(tf.relu(x), tf.mul(this.slope, tf.neg(tf.relu(tf.neg(x))))));
  }

  /** The slope is stored [C, 1, 1] (or [1, 1, 1]) so that ONNX PRelu broadcasts it over NCHW channels. */
  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    return graph.node('PRelu', [x, channelInitializer(graph, `${prefix}weight`, this.slope)], {}, `${prefix}PRelu`);
  }
}

/** `nn.Tanh`. */
export class Tanh extends Module {
  override forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tanh(x);
  }

  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    return graph.node('Tanh', [x], {}, `${prefix}Tanh`);
  }
}

/** `nn.Sigmoid`. */
export class Sigmoid extends Module {
  override forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.sigmoid(x);
  }

  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    return graph.node('Sigmoid', [x], {}, `${prefix}Sigmoid`);
  }
}
