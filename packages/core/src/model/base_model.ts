/**
 * `BaseModel`: what every model shares. A plugin subclass declares its networks, optimizers, loss
 * and visual names, and implements `setInput`, `forward` and `optimizeParameters` in terms of
 * `optimize(optimizer, lossClosure…)`, which computes gradients of the closure's loss w.r.t. that
 * optimizer's networks only (the reference's `set_requires_grad`) and applies one update.
 */
import { tf } from '../tf.js';
import type { Module, ForwardContext } from '../nn/module.js';
import { Adam, type AdamOptions } from '../optim/adam.js';
import { globalRng } from '../random.js';
import { TranslateError } from '../errors.js';
import type { Options } from '../options/schema.js';
import type { RawStateDict } from '../interop/raw_tensor.js';
import type { ModelEnvironment } from './plugin.js';

/** One batch from a data loader: NHWC image tensors in [-1, 1] and their file paths. */
export interface Batch {
  [field: string]: tf.Tensor | string[] | undefined;
}

/** A generated visual and the real one it is compared with (`BaseModel.evaluatedVisuals`). */
export interface EvaluatedVisuals {
  fake: string;
  real: string;
}

/** An optimizer and the networks whose parameters it updates. */
export interface OptimizerEntry {
  optimizer: Adam;
  networks: readonly string[];
}

/** Base class of every model. */
export abstract class BaseModel {
  /** Loss names (`loss_log.txt` columns), e.g. `['D_A', 'G_A', 'cycle_A']`. */
  abstract readonly lossNames: readonly string[];
  /** Visual names (images saved by the HTML reports), e.g. `['real_A', 'fake_B']`. */
  abstract readonly visualNames: readonly string[];
  /**
   * The generated visual and the real image it should match, which `translate test --metrics`
   * compares (FID, KID, LPIPS); null for a model without target images.
   */
  readonly evaluatedVisuals: EvaluatedVisuals | null = null;
  /** Networks by name without the `net` prefix (`G_A` → `latest_net_G_A`). */
  readonly networks = new Map<string, Module<any, any>>();
  /** Optimizers by name. */
  readonly optimizers = new Map<string, OptimizerEntry>();
  /** Paths of the current input images. */
  imagePaths: string[] = [];
  /** A metric for the `plateau` LR policy; models that have one set it each epoch. */
  metric: number | undefined;
  private readonly lossValues = new Map<string, number>();
  private readonly visualTensors = new Map<string, tf.Tensor4D>();
  private replaying = false;
  private forwardRandomState: number | null = null;

  constructor(
    readonly opt: Options,
    readonly env: ModelEnvironment,
  ) {}

  /** True when the model was built for training. */
  get isTrain(): boolean {
    return this.env.isTrain;
  }

  /**
   * Asynchronous preparation after construction, for files a model reads besides checkpoints (e.g.
   * GauGAN's `--style_image`). The engine awaits it before loading weights; the default does nothing.
   */
  async setup(): Promise<void> {}

  /** Takes a batch (the model keeps what it needs; the caller disposes the batch afterwards). */
  abstract setInput(batch: Batch): void;

  /** Computes the visuals (e.g. fake images) from the current input. */
  abstract forward(): void;

  /**
   * The generator's loss for one step, computed inside the G update's gradient closure (recompute
   * there what needs gradients, e.g. `this.replayForward(() => this.forward())`).
   */
  backwardG?(): tf.Scalar;

  /** The discriminator's loss for one step, computed inside the D update's gradient closure. */
  backwardD?(): tf.Scalar;

  /**
   * The update order of the default `optimizeParameters`: each name is an optimizer (see
   * `addOptimizer`) updated on `backward<name>()` — `['D', 'G']` as pix2pix, `['G', 'D']` as CycleGAN.
   */
  protected readonly updateOrder: ReadonlyArray<'G' | 'D'> = ['D', 'G'];

  /**
   * One training step. The default runs `forwardPass()`, then, in `updateOrder`, the update of
   * optimizer 'D' on `backwardD()` and of 'G' on `backwardG()`. Override it for anything else
   * (several loss pieces, extra updates); a model that keeps the default must define those methods.
   */
  optimizeParameters(): void {
    this.forwardPass();
    for (const step of this.updateOrder) {
      const backward = step === 'D' ? this.backwardD : this.backwardG;
      if (!backward)
        throw new TranslateError(`${this.constructor.name} has no backward${step}(), which its training step (updateOrder) needs.`, {
          usage: false,
        });
      this.optimize(step, () => backward.call(this));
    }
  }

  /** The `backward<step>()` methods the default `optimizeParameters` would call but the model lacks. */
  missingBackwardSteps(): string[] {
    if (this.optimizeParameters !== BaseModel.prototype.optimizeParameters) return [];
    return this.updateOrder
      .filter((step) => typeof (step === 'D' ? this.backwardD : this.backwardG) !== 'function')
      .map((step) => `backward${step}`);
  }

  /** Registers a network under `name` (saved as `<epoch>_net_<name>`). */
  protected addNetwork<M extends Module<any, any>>(name: string, net: M): M {
    this.networks.set(name, net);
    return net;
  }

  /** The network registered under `name`. */
  network<M extends Module<any, any> = Module<any, any>>(name: string): M {
    const net = this.networks.get(name);
    if (!net) throw new Error(`model has no network '${name}'`);
    return net as M;
  }

  /** Creates an Adam over the parameters of `networks`; keys are `<network>.<param key>`. */
  protected addOptimizer(name: string, networks: readonly string[], options: AdamOptions): Adam {
    const params = networks.flatMap((n) =>
      this.network(n)
        .namedParameters()
        .map(([k, v]) => [`${n}.${k}`, v] as const),
    );
    const optimizer = new Adam(params, options);
    this.optimizers.set(name, { optimizer, networks });
    return optimizer;
  }

  /** Context for network calls: state updates are off while a forward pass is being replayed. */
  protected ctx(): ForwardContext {
    return this.replaying ? { updateState: false } : {};
  }

  /** Runs `forward()` and remembers the random state it started from, for `replayForward`. */
  forwardPass(): void {
    this.forwardRandomState = globalRng().getState();
    tf.tidy(() => this.forward());
  }

  /**
   * Runs `fn` (typically inside a gradient closure) so that networks reproduce the last
   * `forwardPass()`: the same dropout masks and no second running-stat or spectral-norm update.
   */
  protected replayForward<T>(fn: () => T): T {
    if (this.forwardRandomState === null) throw new Error('replayForward() needs a forwardPass() first');
    const after = globalRng().getState();
    globalRng().setState(this.forwardRandomState);
    this.replaying = true;
    try {
      return fn();
    } finally {
      this.replaying = false;
      globalRng().setState(after);
    }
  }

  /**
   * Gradients of the summed loss closures w.r.t. the parameters of optimizer `name`'s networks,
   * then one update. Several closures (pieces of one loss) are differentiated one after another
   * and their gradients summed, which bounds the memory a large step needs.
   */
  protected optimize(name: string, ...lossParts: Array<() => tf.Scalar>): void {
    const entry = this.optimizers.get(name);
    if (!entry) throw new Error(`model has no optimizer '${name}'`);
    const params = entry.optimizer.namedParameters;
    const total = new Map<string, tf.Tensor>();
    for (const part of lossParts) {
      const { value, grads } = tf.variableGrads(
        part,
        params.map(([, v]) => v),
      );
      value.dispose();
      for (const [key, variable] of params) {
        const g = grads[variable.name];
        if (!g) continue;
        const previous = total.get(key);
        total.set(key, previous ? tf.add(previous, g) : g);
        if (previous) tf.dispose([previous, g]);
      }
    }
    entry.optimizer.step(total);
    tf.dispose([...total.values()]);
  }

  /** Records a loss value for logging (call inside the closure that computes it). */
  protected setLoss(name: string, value: tf.Scalar | number): void {
    this.lossValues.set(name, typeof value === 'number' ? value : value.dataSync()[0]!);
  }

  /**
   * Stores a visual (a cheap clone sharing the data, so the caller keeps ownership of `value`, e.g.
   * of batch tensors the engine disposes). The model owns the clone until replaced. Works inside
   * `tf.tidy` and gradient closures (the clone is differentiable).
   */
  protected setVisual(name: string, value: tf.Tensor4D): void {
    const previous = this.visualTensors.get(name);
    this.visualTensors.set(name, tf.keep(tf.clone(value)));
    previous?.dispose();
  }

  /** A stored visual or input image. */
  visual(name: string): tf.Tensor4D {
    const value = this.visualTensors.get(name);
    if (!value) throw new Error(`model has no visual '${name}' yet`);
    return value;
  }

  /** Current losses by name (the last value recorded for each of `lossNames`). */
  currentLosses(): Record<string, number> {
    return Object.fromEntries(this.lossNames.filter((n) => this.lossValues.has(n)).map((n) => [n, this.lossValues.get(n)!]));
  }

  /**
   * Derives the visuals that are only shown (the reference's `compute_visuals`, e.g. colorization's
   * Lab → RGB) from the current ones. The test loop calls it after `test()`, the training loop
   * before saving images; the default does nothing.
   */
  computeVisuals(): void {}

  /** Current visuals by name (those of `visualNames` that exist). */
  currentVisuals(): Record<string, tf.Tensor4D> {
    return Object.fromEntries(this.visualNames.filter((n) => this.visualTensors.has(n)).map((n) => [n, this.visualTensors.get(n)!]));
  }

  /**
   * Training state besides networks and optimizers that an exact resume needs (e.g. image-pool
   * contents), as named tensor groups. Saved with every checkpoint.
   */
  saveExtraState(): Record<string, RawStateDict> {
    return {};
  }

  /** Restores what `saveExtraState` saved; `read(key)` returns a group or null when absent. */
  loadExtraState(_read: (key: string) => RawStateDict | null): void {}

  /** Inference on the current input: `forward()` with no state kept but the visuals. */
  test(): void {
    tf.tidy(() => this.forward());
  }

  /**
   * Evaluation numbers of the last `test()`, one record per image of the batch in batch order
   * (e.g. `[{ psnr_y: 27.1, ssim_y: 0.81 }, …]`), or null (the default) for models without
   * metrics. The test loop writes them to `metrics.csv` (a row per image and a mean row) and onto
   * the results page.
   */
  testMetrics(): ReadonlyArray<Record<string, number>> | null {
    return null;
  }

  /** Puts every network in eval mode (`--eval` at test time). */
  eval(): void {
    for (const net of this.networks.values()) net.eval();
  }

  /** Puts every network in train mode. */
  train(): void {
    for (const net of this.networks.values()) net.train();
  }

  /** Frees networks, optimizers and visuals. */
  dispose(): void {
    for (const net of this.networks.values()) net.dispose();
    for (const { optimizer } of this.optimizers.values()) optimizer.dispose();
    tf.dispose([...this.visualTensors.values()]);
    this.visualTensors.clear();
  }
}
