/**
 * `OnnxGraph`: the nodes, initializers, inputs and outputs of one ONNX graph, built by the modules'
 * `toOnnx` methods in PyTorch's NCHW layout. Pure data (typed arrays only), so it runs in browsers too.
 */
import { TranslateError } from '../../errors.js';

/** A dimension: a size, or a symbolic name such as `N` for a dynamic one. */
export type OnnxDim = number | string;

/** A graph input or output: its name, dims and what it holds (written as the ONNX doc_string). */
export interface OnnxValueInfo {
  name: string;
  dims: OnnxDim[];
  description: string;
}

/** A constant tensor: float32 or int64 values, row-major. */
export interface OnnxTensor {
  dims: number[];
  data: Float32Array | BigInt64Array;
}

/** One node attribute, with its ONNX type made explicit. */
export type OnnxAttribute = { f: number } | { i: number } | { ints: number[] } | { s: string };

/** One node: single output, attributes by name. */
export interface OnnxNode {
  name: string;
  opType: string;
  inputs: string[];
  output: string;
  attributes: Record<string, OnnxAttribute>;
}

/** The graph under construction. */
export class OnnxGraph {
  readonly inputs: OnnxValueInfo[] = [];
  readonly outputs: OnnxValueInfo[] = [];
  readonly nodes: OnnxNode[] = [];
  readonly initializers = new Map<string, OnnxTensor>();
  /** What the export decided that a user should know (mode choices), each once. */
  readonly notes: string[] = [];
  /** True once an op makes each output depend on the other samples of its batch (train-mode batch statistics). */
  batchDependent = false;
  private readonly used = new Set<string>();
  private readonly scalars = new Map<number, string>();

  constructor(readonly name: string) {}

  /** Declares a graph input; returns its value name. */
  addInput(info: OnnxValueInfo): string {
    this.claim(info.name);
    this.inputs.push(info);
    return info.name;
  }

  /** Declares `value` as the graph output `info.name` (through an Identity node). */
  addOutput(value: string, info: OnnxValueInfo): void {
    this.claim(info.name);
    this.nodes.push({ name: info.name, opType: 'Identity', inputs: [value], output: info.name, attributes: {} });
    this.outputs.push(info);
  }

  /** Adds a weight under `name` (a PyTorch state_dict key); two weights of one name are a bug. */
  initializer(name: string, tensor: OnnxTensor): string {
    this.claim(name);
    this.initializers.set(name, tensor);
    return name;
  }

  /** Adds a constant named after `hint` (made unique). */
  constant(hint: string, tensor: OnnxTensor): string {
    const name = this.unique(hint);
    this.initializers.set(name, tensor);
    return name;
  }

  /** A float32 constant of `values` with shape `dims` (default: a vector). */
  floats(hint: string, values: readonly number[], dims: number[] = [values.length]): string {
    return this.constant(hint, { dims, data: Float32Array.from(values) });
  }

  /** An int64 vector constant (shapes, pads, axes). */
  int64s(hint: string, values: readonly number[]): string {
    return this.constant(hint, { dims: [values.length], data: BigInt64Array.from(values, (v) => BigInt(v)) });
  }

  /** A float32 scalar, shared by every use of the same value. */
  scalar(value: number): string {
    let name = this.scalars.get(value);
    if (name === undefined) {
      name = this.floats(`scalar_${value}`, [value], []);
      this.scalars.set(value, name);
    }
    return name;
  }

  /** Adds a node; its output is named after `hint` (made unique) and returned. */
  node(opType: string, inputs: string[], attributes: Record<string, OnnxAttribute> = {}, hint = opType): string {
    const output = this.unique(hint);
    this.nodes.push({ name: output, opType, inputs, output, attributes });
    return output;
  }

  /** Records a note once. */
  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  private unique(hint: string): string {
    let name = hint;
    for (let i = 2; this.used.has(name); i++) name = `${hint}_${i}`;
    this.used.add(name);
    return name;
  }

  private claim(name: string): void {
    if (this.used.has(name)) throw new TranslateError(`ONNX export: the name '${name}' is used twice in one graph.`, { usage: false });
    this.used.add(name);
  }
}
