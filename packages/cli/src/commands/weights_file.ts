/**
 * The weights file of `translate weights inspect` / `convert`: core's `readWeightsFile` after the
 * checks a command line needs (a missing path, a folder, `--key` on a safetensors file are one
 * clear error naming it).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OptionError, TranslateError, isSafetensorsPath, readWeightsFile, type RawDType, type WeightsFile } from '@translate/core';

/** The floating-point tensor dtypes (what `--dtype` casts and the parameter count counts). */
export const FLOAT_DTYPES: ReadonlySet<RawDType> = new Set(['F64', 'F32', 'F16', 'BF16']);

/** Reads `path`; `key` picks a wrapper entry of a `.pth` dict (as `readPth`'s option). */
export function readWeightsArgument(path: string, key?: string): WeightsFile {
  if (!existsSync(path)) throw new TranslateError(`${path} does not exist. Give a .pth or .safetensors weights file.`);
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path).filter((f) => f.endsWith('.pth') || isSafetensorsPath(f));
    throw new TranslateError(
      `${path} is a folder; give one weights file${
        files.length > 0
          ? `, e.g. ${files
              .slice(0, 4)
              .map((f) => join(path, f))
              .join(', ')}`
          : ' (it holds no .pth or .safetensors files)'
      }.`,
    );
  }
  if (key !== undefined && isSafetensorsPath(path)) {
    throw new OptionError(
      `--key ${key}: ${path} is a safetensors file, which has no wrapper entries; --key picks an entry of a .pth dict.`,
    );
  }
  return readWeightsFile(path, key);
}
