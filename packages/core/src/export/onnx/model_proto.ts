/**
 * Serialises an `OnnxGraph` as an ONNX `ModelProto` (onnx/onnx.proto field numbers), opset 17,
 * IR version 8. Tensors are stored as little-endian `raw_data`.
 */
import { ProtoWriter } from '../../tensorboard/protobuf.js';
import type { OnnxAttribute, OnnxGraph, OnnxNode, OnnxTensor, OnnxValueInfo } from './graph.js';

/** The default-domain operator set the exported graphs use. */
export const ONNX_OPSET = 17;

/** The ONNX IR version that goes with opset 17. */
export const ONNX_IR_VERSION = 8;

/** TensorProto.DataType values. */
const FLOAT = 1;
const INT64 = 7;

/** AttributeProto.AttributeType values. */
const ATTRIBUTE_TYPE = { f: 1, i: 2, s: 3, ints: 7 } as const;

/** Who wrote the model, for `producer_name` / `producer_version`. */
export interface OnnxProducer {
  name: string;
  version: string;
  docString?: string;
}

/** The `ModelProto` bytes of `graph`. */
export function encodeOnnxModel(graph: OnnxGraph, producer: OnnxProducer): Uint8Array {
  const model = new ProtoWriter()
    .uint(1, ONNX_IR_VERSION)
    .string(2, producer.name)
    .string(3, producer.version)
    .message(7, encodeGraph(graph))
    .message(8, new ProtoWriter().string(1, '').uint(2, ONNX_OPSET));
  if (producer.docString) model.string(6, producer.docString);
  return model.finish();
}

function encodeGraph(graph: OnnxGraph): ProtoWriter {
  const out = new ProtoWriter();
  for (const node of graph.nodes) out.message(1, encodeNode(node));
  out.string(2, graph.name);
  for (const [name, tensor] of graph.initializers) out.message(5, encodeTensor(name, tensor));
  for (const input of graph.inputs) out.message(11, encodeValueInfo(input));
  for (const output of graph.outputs) out.message(12, encodeValueInfo(output));
  return out;
}

function encodeNode(node: OnnxNode): ProtoWriter {
  const out = new ProtoWriter();
  for (const input of node.inputs) out.string(1, input);
  out.string(2, node.output).string(3, node.name).string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes)) out.message(5, encodeAttribute(name, value));
  return out;
}

function encodeAttribute(name: string, value: OnnxAttribute): ProtoWriter {
  const out = new ProtoWriter().string(1, name);
  if ('f' in value) out.float(2, value.f).uint(20, ATTRIBUTE_TYPE.f);
  else if ('i' in value) out.uint(3, value.i).uint(20, ATTRIBUTE_TYPE.i);
  else if ('s' in value) out.string(4, value.s).uint(20, ATTRIBUTE_TYPE.s);
  else {
    for (const i of value.ints) out.uint(8, i);
    out.uint(20, ATTRIBUTE_TYPE.ints);
  }
  return out;
}

function encodeTensor(name: string, tensor: OnnxTensor): ProtoWriter {
  const out = new ProtoWriter();
  for (const d of tensor.dims) out.uint(1, d);
  out.uint(2, tensor.data instanceof Float32Array ? FLOAT : INT64).string(8, name);
  // Typed arrays are little-endian on every platform tfjs runs on, as raw_data must be.
  return out.bytes(9, new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
}

function encodeValueInfo(info: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of info.dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().uint(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().uint(1, FLOAT).message(2, shape);
  return new ProtoWriter().string(1, info.name).message(2, new ProtoWriter().message(1, tensorType)).string(3, info.description);
}
