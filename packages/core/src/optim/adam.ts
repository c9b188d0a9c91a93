/**
 * Adam with PyTorch's exact update (`torch.optim.Adam`, no weight decay by default):
 * m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², θ ← θ − lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε), ε = 1e-8.
 * (tfjs's AdamOptimizer puts ε inside the bias correction and defaults to 1e-7, so results differ.)
 * The state (step count and moments per parameter) can be exported for checkpoints and restored.
 */
import { tf } from '../tf.js';
import { FUSED, hasFusedKernel } from '../backend/fused.js';
import type { RawStateDict } from '../interop/raw_tensor.js';

/** Hyper-parameters of `Adam`. */
export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/** A PyTorch-exact Adam over a fixed, named list of variables. */
export class Adam {
  /** Current learning rate; schedulers change it between steps. */
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private stepCount = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(
    private readonly params: ReadonlyArray<readonly [string, tf.Variable]>,
    options: AdamOptions,
  ) {
    this.lr = options.lr;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    // tidy frees the zero tensors; the variables keep their storage.
    this.m = params.map(([, p]) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    this.v = params.map(([, p]) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }

  /** Number of updates applied so far. */
  get steps(): number {
    return this.stepCount;
  }

  /** The parameter keys, in order. */
  get names(): string[] {
    return this.params.map(([name]) => name);
  }

  /** The parameters it updates, with their keys, in order. */
  get namedParameters(): ReadonlyArray<readonly [string, tf.Variable]> {
    return this.params;
  }

  /**
   * Applies one update. `grads` maps parameter key → gradient; a parameter without a gradient is
   * left unchanged (as PyTorch skips parameters whose .grad is None). The gradients are not disposed.
   */
  step(grads: ReadonlyMap<string, tf.Tensor>): void {
    this.stepCount++;
    const t = this.stepCount;
    const stepSize = this.lr / (1 - this.beta1 ** t);
    const biasCorrection2Sqrt = Math.sqrt(1 - this.beta2 ** t);
    // The backend's fused update (same float32 operations in the same order), when it has one.
    const fused = hasFusedKernel(FUSED.adam);
    const hyper = [this.beta1, 1 - this.beta1, this.beta2, 1 - this.beta2, this.eps, this.weightDecay, biasCorrection2Sqrt, stepSize];
    // One tidy per parameter: the op-level update makes ~10 temporaries of the parameter's size, and
    // holding those of every parameter to the end (GauGAN's generator: 90 M parameters) overflowed
    // the 4 GiB wasm heap.
    this.params.forEach(([name, param], i) => {
      const grad = grads.get(name);
      if (!grad) return;
      tf.tidy(() => {
        const m = this.m[i]!;
        const v = this.v[i]!;
        if (fused && grad.dtype === 'float32') {
          const [p2, m2, v2] = tf.engine().runKernel(FUSED.adam, { param, grad, m, v }, { hyper }) as tf.Tensor[];
          m.assign(m2!);
          v.assign(v2!);
          param.assign(p2!);
          return;
        }
        const g = this.weightDecay !== 0 ? tf.add(grad, tf.mul(param, this.weightDecay)) : grad;
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const denom = tf.add(tf.div(tf.sqrt(v), biasCorrection2Sqrt), this.eps);
        param.assign(tf.sub(param, tf.mul(tf.div(m, denom), stepSize)));
      });
    });
  }

  /** Moments as `exp_avg.<key>` / `exp_avg_sq.<key>` tensors plus the step count, for checkpoints. */
  stateDict(): { step: number; lr: number; tensors: RawStateDict } {
    const tensors: RawStateDict = new Map();
    this.params.forEach(([name], i) => {
      for (const [prefix, store] of [
        ['exp_avg', this.m],
        ['exp_avg_sq', this.v],
      ] as const) {
        const value = store[i]!;
        tensors.set(`${prefix}.${name}`, { dtype: 'F32', shape: [...value.shape], data: value.dataSync() as Float32Array });
      }
    });
    return { step: this.stepCount, lr: this.lr, tensors };
  }

  /** Restores what `stateDict()` returned (same parameter keys and shapes). */
  loadStateDict(state: { step: number; lr: number; tensors: RawStateDict }): void {
    this.params.forEach(([name], i) => {
      for (const [prefix, store] of [
        ['exp_avg', this.m],
        ['exp_avg_sq', this.v],
      ] as const) {
        const raw = state.tensors.get(`${prefix}.${name}`);
        const target = store[i]!;
        if (!raw || raw.data.length !== target.size) throw new Error(`optimizer state has no matching ${prefix} for '${name}'`);
        tf.tidy(() => target.assign(tf.tensor(raw.data as Float32Array, target.shape)));
      }
    });
    this.stepCount = state.step;
    this.lr = state.lr;
  }

  /** Frees the moment tensors. */
  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
