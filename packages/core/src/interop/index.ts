/** Checkpoint interop: safetensors and PyTorch `.pth` files, pickle, and PyTorch ↔ TF.js layouts. */
export type { RawDType, RawTensor, RawStateDict } from './raw_tensor.js';
export { CheckpointFormatError } from './errors.js';
export { DTYPE_BYTES, isRawDType, numelOf, toFloat32, halfToFloat, rawTensorBytes, rawTensorFromBytes } from './dtype.js';
export { readSafetensors, writeSafetensors } from './safetensors.js';
export type { SafetensorsContents } from './safetensors.js';
export { readPth, writePth } from './pth.js';
export type { PthCheckpoint, ReadPthOptions, WritePthOptions, TorchFormat, TorchModuleMetadata, TorchMetadataValue } from './pth.js';
export { findStateDict, STATE_DICT_KEYS, MAPPED_MODULE_CLASSES } from './find_state_dict.js';
export type { FoundStateDict, PickledModule } from './find_state_dict.js';
export {
  readPickle,
  readPickleAt,
  writePickle,
  TORCH_ALLOWED_GLOBALS,
  PyTuple,
  PyList,
  PyDict,
  PySet,
  PyGlobal,
  PyCall,
  PyPersistent,
  PyStr,
  PyFloat,
} from './pickle.js';
export type { PyValue, ReadPickleOptions } from './pickle.js';
export { readZipEntries, writeTorchZip, crc32 } from './torch_zip.js';
export type { TorchZipRecord } from './torch_zip.js';
export { fromTorchLayout, toTorchLayout, torchShapeFor, ourShapeFor, permute } from './layout.js';
export type { ParamLayout } from './layout.js';
