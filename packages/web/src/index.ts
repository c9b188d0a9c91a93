/**
 * @translate/web: translate's inference path for browsers (no Node APIs): the export manifest,
 * weight decoding, generator construction, backend choice (WebGPU → WebGL → wasm), pixel
 * conversion, GauGAN label maps and tiled inference with linear blending.
 */
export * from './manifest.js';
export { floatToHalf, halfBytes } from './float16.js';
export { base64ToBytes, concatBytes, stateDictOf } from './weights.js';
export { buildGenerator } from './generators.js';
export { BACKEND_ORDER, backendOrder, selectBackend, type BackendChoice, type BackendName, type WasmBinaries } from './backend.js';
export { infer, networkCall, type InferenceOptions } from './inference.js';
export { rgbaToInput, outputToRgba, padEdges, cropTopLeft, type Rgba, type FloatImage } from './pixels.js';
export { labelIds, semanticMap, labelsToRgba } from './labels.js';
export { tileStarts, axisWeight, runTiled, type TileOptions } from './tiling.js';
