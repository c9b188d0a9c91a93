/**
 * Reads one weights file for `translate weights inspect` / `convert`: a `.safetensors` file, or a
 * PyTorch checkpoint of either torch.save format (any other name) with the state dict found as
 * `readPth` finds it. A missing path, a folder or an unreadable file is one clear error naming it.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  OptionError, TranslateError, readPth, readSafetensors,
  type PickledModule, type RawDType, type RawStateDict, type TorchFormat, type TorchModuleMetadata,
} from '@translate/core';

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
  /** Size of the file. */
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

/** The floating-point tensor dtypes (what `--dtype` casts and the parameter count counts). */
export const FLOAT_DTYPES: ReadonlySet<RawDType> = new Set(['F64', 'F32', 'F16', 'BF16']);

/** True when `path` names a safetensors file (by its extension). */
export const isSafetensorsPath = (path: string) => path.endsWith('.safetensors');

/** Reads `path`; `key` picks a wrapper entry of a `.pth` dict (as `readPth`'s option). */
export function readWeightsFile(path: string, key?: string): WeightsFile {
  if (!existsSync(path)) throw new TranslateError(`${path} does not exist. Give a .pth or .safetensors weights file.`);
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path).filter((f) => f.endsWith('.pth') || f.endsWith('.safetensors'));
    throw new TranslateError(
      `${path} is a folder; give one weights file${files.length > 0 ? `, e.g. ${files.slice(0, 4).map((f) => join(path, f)).join(', ')}` : ' (it holds no .pth or .safetensors files)'}.`,
    );
  }
  const bytes = new Uint8Array(readFileSync(path));
  if (isSafetensorsPath(path)) {
    if (key !== undefined) throw new OptionError(`--key ${key}: ${path} is a safetensors file, which has no wrapper entries; --key picks an entry of a .pth dict.`);
    const { tensors, metadata } = readSafetensors(bytes, path);
    return { path, format: 'safetensors', container: 'state dict', tensors, bytes: bytes.byteLength, archiveName: '', moduleMetadata: undefined, metadata, module: undefined };
  }
  const ck = readPth(bytes, path, key === undefined ? {} : { key });
  return {
    path,
    format: ck.format,
    container: ck.container,
    tensors: ck.tensors,
    bytes: bytes.byteLength,
    archiveName: ck.archiveName,
    moduleMetadata: ck.moduleMetadata,
    metadata: {},
    module: ck.module,
  };
}
