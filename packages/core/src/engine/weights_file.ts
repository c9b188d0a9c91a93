/**
 * One network weights file on disk: a `.safetensors` file, or a PyTorch checkpoint of either
 * torch.save format (any other name), its state dict found as `readPth` finds it.
 */
import { readFileSync } from 'node:fs';
import { readPth, type TorchFormat, type TorchModuleMetadata } from '../interop/pth.js';
import type { PickledModule } from '../interop/find_state_dict.js';
import type { RawStateDict } from '../interop/raw_tensor.js';
import { readSafetensors } from '../interop/safetensors.js';

/** A weights file's serialization. */
export type WeightsFormat = TorchFormat | 'safetensors';

/** What {@link readWeightsFile} read. */
export interface WeightsFile {
  path: string;
  format: WeightsFormat;
  /** How the weights were stored, in words (`state dict`, `'params_ema' entry of a dict`, `pickled module …`). */
  container: string;
  /** The tensors in file order, PyTorch layout. */
  tensors: RawStateDict;
  /** Size of the file in bytes. */
  bytes: number;
  /** The zip archive's folder name ('' for legacy and safetensors files). */
  archiveName: string;
  /** A `.pth` state dict's `_metadata` (kept when it is written as `.pth` again). */
  moduleMetadata: TorchModuleMetadata | undefined;
  /** A safetensors file's `__metadata__` ({} for `.pth`). */
  metadata: Record<string, string>;
  /** The classes of a pickled whole module. */
  module: PickledModule | undefined;
}

/** True when `path` names a safetensors file (by its extension). */
export const isSafetensorsPath = (path: string): boolean => path.endsWith('.safetensors');

/** Reads the weights file `path` (see the module comment); `key` picks a wrapper entry of a `.pth` dict. */
export function readWeightsFile(path: string, key?: string): WeightsFile {
  return parseWeightsFile(new Uint8Array(readFileSync(path)), path, key);
}

/** {@link readWeightsFile} for bytes already read from `path`. */
export function parseWeightsFile(bytes: Uint8Array, path: string, key?: string): WeightsFile {
  const common = { path, bytes: bytes.byteLength };
  if (isSafetensorsPath(path)) {
    const { tensors, metadata } = readSafetensors(bytes, path);
    return {
      ...common,
      format: 'safetensors',
      container: 'state dict',
      tensors,
      archiveName: '',
      moduleMetadata: undefined,
      metadata,
      module: undefined,
    };
  }
  const ck = readPth(bytes, path, key === undefined ? {} : { key });
  return {
    ...common,
    format: ck.format,
    container: ck.container,
    tensors: ck.tensors,
    archiveName: ck.archiveName,
    moduleMetadata: ck.moduleMetadata,
    metadata: {},
    module: ck.module,
  };
}
