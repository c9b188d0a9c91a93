/** `nn.Linear` on [N, in] tensors; weight stored [in, out] (PyTorch: [out, in]). */
import { tf } from '../tf.js';
import { Module } from './module.js';
import { uniformTensor } from './init.js';
import type { OnnxGraph } from '../export/onnx/graph.js';
import { torchTensor } from '../export/onnx/ops.js';

/** `nn.Linear(in_features, out_features, bias)`. Keys `weight`, `bias`. */
export class Linear extends Module<tf.Tensor2D, tf.Tensor2D> {
  private readonly weightVar: tf.Variable;
  private readonly biasVar: tf.Variable | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    bias = true,
  ) {
    super();
    const bound = 1 / Math.sqrt(inFeatures);
    this.weightVar = this.addParameter('weight', uniformTensor([inFeatures, outFeatures], bound), 'linear');
    this.biasVar = bias ? this.addParameter('bias', uniformTensor([outFeatures], bound), 'plain') : null;
  }

  /** The trainable weight, [in, out]. */
  get weight(): tf.Variable {
    return this.weightVar;
  }

  /** The bias, or null. */
  get bias(): tf.Variable | null {
    return this.biasVar;
  }

  override forward(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy((): tf.Tensor2D => {
      const y = tf.matMul(x, this.weightVar as tf.Tensor2D) as tf.Tensor2D;
      return this.biasVar ? (tf.add(y, this.biasVar) as tf.Tensor2D) : y;
    });
  }

  /** `Gemm` with the weight in PyTorch's [out, in] layout (transB). */
  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    const weight = graph.initializer(`${prefix}weight`, torchTensor(this.weightVar, 'linear'));
    const bias = this.biasVar ? [graph.initializer(`${prefix}bias`, torchTensor(this.biasVar, 'plain'))] : [];
    return graph.node('Gemm', [x, weight, ...bias], { transB: { i: 1 } }, `${prefix}Gemm`);
  }
}
