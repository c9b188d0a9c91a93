/** Exports a whole network (a module that declares its `onnxSignature`) as ONNX model bytes. */
import type { Module } from '../../nn/module.js';
import { OnnxGraph } from './graph.js';
import { encodeOnnxModel, type OnnxProducer } from './model_proto.js';
import type { OnnxSignature } from './signature.js';

/** An exported network. */
export interface OnnxExport {
  /** The `ModelProto` bytes (a `.onnx` file). */
  bytes: Uint8Array;
  signature: OnnxSignature<unknown>;
  /** The export's mode choices a user should know (e.g. batch statistics in train mode). */
  notes: string[];
  /** Whether each output depends on the other samples of its batch (train-mode batch norm): batch only what translate would batch. */
  batchDependent: boolean;
}

/**
 * Writes `module`'s forward pass, in its current train/eval mode, as an ONNX graph named
 * `graphName`: graph inputs and output from `signature` (default: the module's `onnxSignature()`),
 * initializers named by its state-dict keys. A layer without an ONNX form is a TranslateError naming it.
 */
export function exportOnnx<In>(
  module: Module<In, any>,
  graphName: string,
  producer: OnnxProducer,
  signature: OnnxSignature<In> = module.onnxSignature(),
): OnnxExport {
  const graph = new OnnxGraph(graphName);
  for (const input of signature.inputs) graph.addInput(input);
  const output = module.toOnnx(graph, signature.forwardInput, '');
  graph.addOutput(output, signature.output);
  return {
    bytes: encodeOnnxModel(graph, producer),
    signature: signature as OnnxSignature<unknown>,
    notes: graph.notes,
    batchDependent: graph.batchDependent,
  };
}
