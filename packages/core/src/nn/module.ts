/**
 * A small PyTorch-like module system: named parameters and buffers whose dotted names equal the
 * reference `state_dict()` keys, children addressed by name, train/eval mode, strict state-dict
 * loading. Tensors are stored in our layout (NHWC activations, HWIO conv filters); the PyTorch
 * layout is produced only at the state-dict border, through `interop/layout.ts`.
 */
import { tf } from '../tf.js';
import { StateDictError, TranslateError } from '../errors.js';
import type { OnnxGraph } from '../export/onnx/graph.js';
import type { OnnxSignature, OnnxValues } from '../export/onnx/signature.js';
import type { RawStateDict, RawTensor } from '../interop/raw_tensor.js';
import { fromTorchLayout, toTorchLayout, torchShapeFor, type ParamLayout } from '../interop/layout.js';

/** Per-call options of `forward`. */
export interface ForwardContext {
  /** Train-mode behaviour (batch statistics, dropout, spectral-norm power iteration); default: the module's mode. */
  training?: boolean;
  /**
   * Whether train-mode calls may update state (BatchNorm running statistics, spectral-norm u/v).
   * False when a forward pass is recomputed inside a gradient closure, so state changes once per step.
   */
  updateState?: boolean;
}

/** A `ForwardContext` with every field decided. */
export type ResolvedContext = Required<ForwardContext>;

/** One named tensor of a module's state. */
export interface StateEntry {
  /** Parameters are trained by optimizers; buffers are state (running statistics, spectral-norm vectors). */
  kind: 'parameter' | 'buffer';
  /** How the PyTorch layout of this tensor maps to ours. */
  layout: ParamLayout;
  /** The tensor, in our layout. Integer buffers (`num_batches_tracked`) are int32 here, int64 on disk. */
  variable: tf.Variable;
}

/** How a state dict differs from a module's state (PyTorch key names and shapes). */
export interface StateDictDifferences {
  /** The module's keys the state dict lacks. */
  missing: string[];
  /** The state dict's keys the module lacks. */
  unexpected: string[];
  /** Keys in both whose shapes differ. */
  mismatched: Array<{ key: string; file: number[]; expected: number[] }>;
}

/** Base class of every layer and network. `In`/`Out` are the forward input and output types. */
export abstract class Module<In = tf.Tensor4D, Out = tf.Tensor4D> {
  /** Train mode flag; `train()` / `eval()` set it recursively. */
  training = true;
  private readonly entries = new Map<string, StateEntry>();
  private readonly children = new Map<string, Module<unknown, unknown>>();

  /** Computes the output. `ctx.training` defaults to the module's mode. */
  abstract forward(x: In, ctx?: ForwardContext): Out;

  /**
   * Writes this module's forward pass, in its current train/eval mode, into `graph` in PyTorch's
   * NCHW layout, reading the value(s) `input`; `prefix` is the module's state-dict key prefix
   * (`model.3.`), which names its initializers. Returns the output value. Layers without an ONNX
   * form throw a TranslateError that names them.
   */
  toOnnx(_graph: OnnxGraph, _input: OnnxValues<In>, prefix: string): string {
    const where = prefix === '' ? 'the network itself' : `'${prefix.slice(0, -1)}'`;
    throw new TranslateError(
      `Layer ${this.constructor.name} (${where}) has no ONNX export; implement toOnnx(graph, input, prefix) on it to export this network.`,
      { usage: false },
    );
  }

  /** The graph inputs and output of this module exported as a whole ONNX model; only whole networks declare one. */
  onnxSignature(): OnnxSignature<In> {
    throw new TranslateError(
      `${this.constructor.name} cannot be exported as an ONNX model: it declares no onnxSignature() (its graph inputs and output).`,
      { usage: false },
    );
  }

  /** Fills in a forward call's context: the module's own mode unless the caller decided it. */
  protected defaultContext(ctx?: ForwardContext): ResolvedContext {
    return { training: ctx?.training ?? this.training, updateState: ctx?.updateState ?? true };
  }

  /** Registers a trainable tensor under `name` (ownership passes to the module). */
  protected addParameter(name: string, value: tf.Tensor, layout: ParamLayout): tf.Variable {
    return this.addEntry(name, 'parameter', value, layout);
  }

  /** Registers a non-trainable state tensor under `name` (ownership passes to the module). */
  protected addBuffer(name: string, value: tf.Tensor, layout: ParamLayout = 'plain'): tf.Variable {
    return this.addEntry(name, 'buffer', value, layout);
  }

  /** Registers a child module under `name`; its keys are prefixed with `name.`. */
  protected addModule<M extends Module<any, any>>(name: string, module: M): M {
    if (this.children.has(name) || this.entries.has(name)) throw new Error(`duplicate module name '${name}'`);
    this.children.set(name, module);
    return module;
  }

  private addEntry(name: string, kind: StateEntry['kind'], value: tf.Tensor, layout: ParamLayout): tf.Variable {
    if (this.entries.has(name) || this.children.has(name)) throw new Error(`duplicate state name '${name}'`);
    const variable = tf.variable(value, kind === 'parameter', undefined, value.dtype);
    value.dispose();
    this.entries.set(name, { kind, layout, variable });
    return variable;
  }

  /**
   * Brings the keys an older PyTorch (or the reference's pre-0.4 checkpoints) wrote for this module
   * up to date before loading, as torch's per-module `_load_from_state_dict` does; `prefix` is
   * this module's key prefix. Default: nothing to change.
   */
  protected upgradeState(_prefix: string, _state: RawStateDict): void {}

  private upgradeTree(prefix: string, state: RawStateDict): void {
    this.upgradeState(prefix, state);
    for (const [name, child] of this.children) child.upgradeTree(`${prefix}${name}.`, state);
  }

  /** The direct children, by name. */
  namedChildren(): Array<[string, Module<unknown, unknown>]> {
    return [...this.children];
  }

  /**
   * Every state entry with its full dotted key, in PyTorch `state_dict()` order: a module's own
   * parameters, then its buffers, then each child's entries.
   */
  namedEntries(prefix = ''): Array<[string, StateEntry]> {
    const own = [...this.entries];
    const out: Array<[string, StateEntry]> = [
      ...own.filter(([, e]) => e.kind === 'parameter'),
      ...own.filter(([, e]) => e.kind === 'buffer'),
    ].map(([k, e]) => [prefix + k, e]);
    for (const [name, child] of this.children) out.push(...child.namedEntries(`${prefix}${name}.`));
    return out;
  }

  /** Trainable parameters with their keys. */
  namedParameters(): Array<[string, tf.Variable]> {
    return this.namedEntries()
      .filter(([, e]) => e.kind === 'parameter')
      .map(([k, e]) => [k, e.variable]);
  }

  /** Trainable parameters. */
  parameters(): tf.Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  /** Number of trainable scalars (what PyTorch counts with `p.numel()` over `parameters()`). */
  numParameters(): number {
    return this.parameters().reduce((n, v) => n + v.size, 0);
  }

  /** Sets train mode on this module and every descendant. */
  train(mode = true): this {
    this.training = mode;
    for (const child of this.children.values()) child.train(mode);
    return this;
  }

  /** Sets eval mode (running statistics, no dropout) on this module and every descendant. */
  eval(): this {
    return this.train(false);
  }

  /** The state in PyTorch layout and key names, ready to be written as `.pth` or safetensors. */
  stateDict(): RawStateDict {
    const out: RawStateDict = new Map();
    for (const [key, entry] of this.namedEntries()) out.set(key, entryToRaw(entry));
    return out;
  }

  /**
   * Loads a PyTorch-layout state dict, after each module's {@link upgradeState}. Strict by default: missing keys, unexpected keys and shape
   * mismatches are one error that lists every offending key. With `strict: false`, missing and
   * unexpected keys are skipped (shape mismatches still fail).
   */
  loadStateDict(original: RawStateDict, options: { strict?: boolean; source?: string } = {}): void {
    const strict = options.strict ?? true;
    const state = this.upgraded(original);
    const { missing, unexpected, mismatched } = this.differences(state);
    const problems: string[] = [];
    if (mismatched.length > 0) {
      problems.push(
        `shape mismatches:\n  ${mismatched.map((m) => `${m.key}: file has [${m.file.join(', ')}], model expects [${m.expected.join(', ')}]`).join('\n  ')}`,
      );
    }
    if (strict && missing.length > 0) problems.push(`missing keys: ${missing.join(', ')}`);
    if (strict && unexpected.length > 0) problems.push(`unexpected keys: ${unexpected.join(', ')}`);
    if (problems.length > 0) {
      const where = options.source ? ` from ${options.source}` : '';
      throw new StateDictError(
        `Cannot load state dict${where} into ${this.constructor.name}: ${problems.join('; ')}. ` +
          'Check that the checkpoint was trained with the same architecture options (netG/netD, ngf/ndf, norm, n_layers_D, input_nc/output_nc).',
      );
    }
    // Every tensor is converted before any is assigned, so a file that fails to convert changes nothing.
    const converted: Array<[tf.Variable, tf.Tensor]> = [];
    try {
      for (const [key, entry] of this.namedEntries()) {
        const raw = state.get(key);
        if (raw !== undefined) converted.push([entry.variable, rawToTensor(raw, entry)]);
      }
    } catch (error) {
      tf.dispose(converted.map(([, t]) => t));
      throw error;
    }
    for (const [variable, value] of converted) {
      variable.assign(value);
      value.dispose();
    }
  }

  /**
   * How a PyTorch-layout state dict differs from this module's state, after each module's
   * {@link upgradeState}: what `loadStateDict` checks. All lists empty: it loads strictly.
   */
  stateDictDifferences(state: RawStateDict): StateDictDifferences {
    return this.differences(this.upgraded(state));
  }

  private upgraded(original: RawStateDict): RawStateDict {
    const state = new Map(original);
    this.upgradeTree('', state);
    return state;
  }

  private differences(state: RawStateDict): StateDictDifferences {
    const entries = new Map(this.namedEntries());
    const mismatched: StateDictDifferences['mismatched'] = [];
    for (const [key, entry] of entries) {
      const raw = state.get(key);
      const expected = torchShape(entry);
      if (raw !== undefined && !sameShape(raw.shape, expected)) mismatched.push({ key, file: [...raw.shape], expected });
    }
    return {
      missing: [...entries.keys()].filter((k) => !state.has(k)),
      unexpected: [...state.keys()].filter((k) => !entries.has(k)),
      mismatched,
    };
  }

  /** Frees every tensor the module owns. */
  dispose(): void {
    for (const [, entry] of this.namedEntries()) entry.variable.dispose();
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function torchShape(entry: StateEntry): number[] {
  return torchShapeFor(entry.variable.shape, entry.layout);
}

function entryToRaw(entry: StateEntry): RawTensor {
  const v = entry.variable;
  if (v.dtype === 'int32') {
    const ints = v.dataSync() as Int32Array;
    return { dtype: 'I64', shape: [...v.shape], data: BigInt64Array.from(ints, (n) => BigInt(n)) };
  }
  return toTorchLayout(v.shape, v.dataSync() as Float32Array, entry.layout);
}

function rawToTensor(raw: RawTensor, entry: StateEntry): tf.Tensor {
  if (entry.variable.dtype === 'int32') {
    const values = Array.from(raw.data as ArrayLike<number | bigint>, (n) => Number(n));
    return tf.tensor(values, entry.variable.shape, 'int32');
  }
  const { shape, data } = fromTorchLayout(raw, entry.layout);
  return tf.tensor(data, shape, 'float32');
}
