/**
 * The browser build of `@translate/core` (the package's `browser` export condition): tf, errors,
 * seeded randomness, Python rounding, option accessors, checkpoint interop, modules, networks and
 * the ONNX graph writer. Files, image IO, native kernels, wasm threads, the engine and the plugin
 * registry are Node-only and absent here.
 */
export { tf } from '../tf.js';
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Rank, Variable, NamedTensorMap } from '../tf.js';
export * from '../errors.js';
export * from '../suggest.js';
export * from '../random.js';
export * from '../python_round.js';
export * from '../options/schema.js';
export * from '../interop/index.js';
export * from './nn.js';
export * from './networks.js';
export * from '../export/onnx/index.js';
