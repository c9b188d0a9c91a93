/**
 * Normalisation layers with PyTorch semantics: InstanceNorm2d (affine optional, no running stats,
 * as the reference uses it) and BatchNorm2d (eps 1e-5, momentum 0.1, biased variance for
 * normalising, unbiased for the running_var update, `num_batches_tracked`).
 */
import { tf } from '../tf.js';
import { FUSED, hasFusedKernel, instanceNormGradOps, standardize } from '../backend/fused.js';
import type { RawStateDict } from '../interop/raw_tensor.js';
import { Module, type ForwardContext } from './module.js';
import type { OnnxGraph } from '../export/onnx/graph.js';
import { channelInitializer, normScaleShift, torchTensor } from '../export/onnx/ops.js';

/**
 * Per-sample, per-channel normalisation over H and W of an NHWC tensor, with the closed-form
 * gradient dx = rstd·(dy − mean(dy) − x̂·mean(dy·x̂)) (about 2× faster than autodiff of moments).
 * Runs the backend's fused kernel when it has one (wasm with the native addon); otherwise tfjs ops,
 * whose gradient recomputes x̂ from the saved input. Either way it is differentiable to any order
 * (second-order gradients such as the WGAN-GP penalty flow through it).
 */
export function instanceNormalize(x: tf.Tensor4D, eps = 1e-5): tf.Tensor4D {
  if (hasFusedKernel(FUSED.instanceNorm) && x.dtype === 'float32') {
    const [y, mean, rstd] = tf.engine().runKernel(FUSED.instanceNorm, { x }, { eps }) as tf.Tensor[];
    tf.dispose([mean!, rstd!]);
    return y as tf.Tensor4D;
  }
  const normalize = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([input]);
    return {
      value: standardize(input, eps).xhat,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => instanceNormGradOps(saved[0]!, dy, eps),
    };
  });
  return normalize(x) as tf.Tensor4D;
}

/** `nn.InstanceNorm2d(num_features, eps, affine)`; with affine, keys `weight` and `bias`. */
export class InstanceNorm2d extends Module {
  private readonly gamma: tf.Variable | null;
  private readonly beta: tf.Variable | null;

  constructor(
    readonly numFeatures: number,
    readonly options: { eps?: number; affine?: boolean } = {},
  ) {
    super();
    const affine = options.affine ?? false;
    this.gamma = affine ? this.addParameter('weight', tf.ones([numFeatures]), 'plain') : null;
    this.beta = affine ? this.addParameter('bias', tf.zeros([numFeatures]), 'plain') : null;
  }

  /**
   * relu(forward(x)) as one fused kernel, when the backend has it and the layer has no affine
   * parameters; undefined otherwise (the caller then runs the two layers).
   */
  forwardRelu(x: tf.Tensor4D): tf.Tensor4D | undefined {
    if (this.gamma || x.dtype !== 'float32' || !hasFusedKernel(FUSED.instanceNormRelu)) return undefined;
    const [y, mean, rstd] = tf.engine().runKernel(FUSED.instanceNormRelu, { x }, { eps: this.options.eps ?? 1e-5 }) as tf.Tensor[];
    tf.dispose([mean!, rstd!]);
    return y as tf.Tensor4D;
  }

  /**
   * Before torch 0.4, InstanceNorm2d tracked running statistics, so old checkpoints carry
   * `running_mean`/`running_var` (and later `num_batches_tracked`) that this layer never uses:
   * dropped, as the reference's `__patch_instance_norm_state_dict` does.
   */
  protected override upgradeState(prefix: string, state: RawStateDict): void {
    for (const key of ['running_mean', 'running_var', 'num_batches_tracked']) state.delete(prefix + key);
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const y = instanceNormalize(x, this.options.eps ?? 1e-5);
      return this.gamma && this.beta ? tf.add(tf.mul(y, this.gamma), this.beta) : y;
    });
  }

  /** `InstanceNormalization`; without affine parameters its scale and bias are constant ones and zeros. */
  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    const [scale, shift] = normScaleShift(graph, prefix, this.numFeatures, this.gamma, this.beta);
    return graph.node(
      'InstanceNormalization',
      [x, scale, shift],
      { epsilon: { f: this.options.eps ?? 1e-5 } },
      `${prefix}InstanceNormalization`,
    );
  }
}

/** Options of `BatchNorm2d`, as PyTorch's arguments. */
export interface BatchNormOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/**
 * `nn.BatchNorm2d`: batch statistics in training (and the running-stat update), running
 * statistics in eval. Keys: `weight`, `bias`, `running_mean`, `running_var`, `num_batches_tracked`.
 */
export class BatchNorm2d extends Module {
  private readonly gamma: tf.Variable | null;
  private readonly beta: tf.Variable | null;
  private readonly runningMean: tf.Variable | null;
  private readonly runningVar: tf.Variable | null;
  private readonly batchesTracked: tf.Variable | null;
  private readonly eps: number;
  private readonly momentum: number;

  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const affine = options.affine ?? true;
    const track = options.trackRunningStats ?? true;
    this.gamma = affine ? this.addParameter('weight', tf.ones([numFeatures]), 'plain') : null;
    this.beta = affine ? this.addParameter('bias', tf.zeros([numFeatures]), 'plain') : null;
    this.runningMean = track ? this.addBuffer('running_mean', tf.zeros([numFeatures])) : null;
    this.runningVar = track ? this.addBuffer('running_var', tf.ones([numFeatures])) : null;
    this.batchesTracked = track ? this.addBuffer('num_batches_tracked', tf.scalar(0, 'int32')) : null;
  }

  /** Checkpoints of torch < 0.4.1 have no `num_batches_tracked`: it starts at 0, as torch's BatchNorm loads them. */
  protected override upgradeState(prefix: string, state: RawStateDict): void {
    const key = `${prefix}num_batches_tracked`;
    if (this.batchesTracked && !state.has(key) && state.has(`${prefix}running_mean`))
      state.set(key, { dtype: 'I64', shape: [], data: new BigInt64Array(1) });
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    const { training, updateState } = this.defaultContext(ctx);
    return tf.tidy((): tf.Tensor4D => {
      if (!training && this.runningMean && this.runningVar) {
        let scale: tf.Tensor = tf.rsqrt(tf.add(this.runningVar, this.eps));
        if (this.gamma) scale = tf.mul(scale, this.gamma);
        let shift: tf.Tensor = tf.neg(tf.mul(this.runningMean, scale));
        if (this.beta) shift = tf.add(shift, this.beta);
        return tf.add<tf.Tensor4D>(tf.mul(x, scale), shift);
      }
      const mean = tf.mean(x, [0, 1, 2]);
      const centered = tf.sub(x, mean);
      const variance = tf.mean(tf.square(centered), [0, 1, 2]);
      if (training && updateState) this.updateRunningStats(mean, variance, x.size / x.shape[3]);
      let scale: tf.Tensor = tf.rsqrt(tf.add(variance, this.eps));
      if (this.gamma) scale = tf.mul(scale, this.gamma);
      const y = tf.mul<tf.Tensor4D>(centered, scale);
      return this.beta ? tf.add<tf.Tensor4D>(y, this.beta) : y;
    });
  }

  private updateRunningStats(mean: tf.Tensor, variance: tf.Tensor, count: number): void {
    if (!this.runningMean || !this.runningVar || !this.batchesTracked) return;
    const m = this.momentum;
    const unbiased = count > 1 ? count / (count - 1) : 1;
    this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
    this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(variance, m * unbiased)));
    this.batchesTracked.assign(tf.add(this.batchesTracked, tf.scalar(1, 'int32')));
  }

  /**
   * In eval mode, `BatchNormalization` with the running statistics. In train mode (what translate's
   * test runs without --eval) the batch statistics, as ReduceMean ops: y = (x − mean)·γ/√(var + eps) + β.
   */
  override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    if (!this.training && this.runningMean && this.runningVar) return this.runningStatsOnnx(graph, x, prefix);
    graph.note(
      this.training
        ? 'Batch norm uses the statistics of each batch: the network is in train mode, as translate test runs without --eval (export with --eval for running statistics).'
        : 'Batch norm without running statistics (track_running_stats=False) uses the statistics of each batch.',
    );
    graph.batchDependent = true;
    const axes = { axes: { ints: [0, 2, 3] } };
    const mean = graph.node('ReduceMean', [x], axes, `${prefix}mean`);
    const centered = graph.node('Sub', [x, mean], {}, `${prefix}centered`);
    const variance = graph.node('ReduceMean', [graph.node('Mul', [centered, centered], {}, `${prefix}squared`)], axes, `${prefix}variance`);
    const std = graph.node('Sqrt', [graph.node('Add', [variance, graph.scalar(this.eps)], {}, `${prefix}add_eps`)], {}, `${prefix}std`);
    let y = graph.node('Div', [centered, std], {}, `${prefix}normalized`);
    if (this.gamma) y = graph.node('Mul', [y, channelInitializer(graph, `${prefix}weight`, this.gamma)], {}, `${prefix}scaled`);
    if (this.beta) y = graph.node('Add', [y, channelInitializer(graph, `${prefix}bias`, this.beta)], {}, `${prefix}shifted`);
    return y;
  }

  private runningStatsOnnx(graph: OnnxGraph, x: string, prefix: string): string {
    const [scale, shift] = normScaleShift(graph, prefix, this.numFeatures, this.gamma, this.beta);
    const mean = graph.initializer(`${prefix}running_mean`, torchTensor(this.runningMean!, 'plain'));
    const variance = graph.initializer(`${prefix}running_var`, torchTensor(this.runningVar!, 'plain'));
    return graph.node('BatchNormalization', [x, scale, shift, mean, variance], { epsilon: { f: this.eps } }, `${prefix}BatchNormalization`);
  }
}
