/** ONNX export of translate's networks: the graph builder, the ModelProto writer and the whole-network export. */
export * from './graph.js';
export * from './signature.js';
export * from './ops.js';
export { encodeOnnxModel, ONNX_OPSET, ONNX_IR_VERSION, type OnnxProducer } from './model_proto.js';
export { exportOnnx, type OnnxExport } from './export_model.js';
