/** The formats `translate export` writes, and what every one of them is given. */
import { OptionError, unknownNameMessage, type BaseModel, type Module, type ModelPlugin, type Options } from '@translate/core';
import { writeOnnx } from './onnx.js';
import { writeTfjs } from './tfjs.js';
import { writeWeb } from './web.js';

/** One generator to export: its network name in the model (`G`, `G_A`, `G_B`) and the module, in eval-ready state. */
export interface ExportedNetwork {
  name: string;
  module: Module<any, any>;
}

/** Everything a format writer is given. */
export interface ExportContext {
  plugin: ModelPlugin;
  /** Resolved options with the checkpoint's architecture applied. */
  options: Options;
  /** The model's generators (networks named `G…`), in the model's order. */
  networks: readonly ExportedNetwork[];
  /** The folder to write. */
  out: string;
  /** `--triton` (onnx only). */
  triton: boolean;
  /** `--float16` (web only). */
  float16: boolean;
  log: (line: string) => void;
}

/** One export format. */
export interface ExportFormat {
  name: string;
  /** One line for `--help`. */
  description: string;
  /** Writes the export; returns the files written. */
  write(ctx: ExportContext): Promise<string[]>;
}

/** Every format, by `--format` name. */
export const EXPORT_FORMATS: Readonly<Record<string, ExportFormat>> = {
  web: { name: 'web', description: 'a static page that runs the model in a browser', write: writeWeb },
  onnx: { name: 'onnx', description: 'an ONNX model per generator, for onnxruntime or Triton', write: writeOnnx },
  tfjs: { name: 'tfjs', description: 'not supported: use web or onnx (docs/export.md says why)', write: writeTfjs },
};

/** The format `--format` names; a missing or unknown one is a usage error listing the formats. */
export function exportFormat(name: unknown): ExportFormat {
  if (typeof name !== 'string' || name === '')
    throw new OptionError(`--format is required: one of ${Object.keys(EXPORT_FORMATS).join(', ')}.`);
  const format = EXPORT_FORMATS[name];
  if (!format) throw new OptionError(`--format: ${unknownNameMessage('export format', name, Object.keys(EXPORT_FORMATS))}`);
  return format;
}

/** The networks of a test-mode model that translate images: those named `G` or `G…`. */
export function generatorsOf(model: BaseModel): ExportedNetwork[] {
  return [...model.networks].filter(([name]) => name.startsWith('G')).map(([name, module]) => ({ name, module }));
}
