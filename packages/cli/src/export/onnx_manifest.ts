/** `export.json` of an ONNX export: what each network takes and gives, and how to preprocess for it. */
import { join } from 'node:path';
import { ONNX_OPSET, checkpointLabel, optString, readManifest, type OnnxExport, type Options } from '@translate/core';

/** Option keys that say how inputs are prepared (those the model has are copied into export.json). */
const PREPROCESSING_KEYS = [
  'direction',
  'input_nc',
  'output_nc',
  'preprocess',
  'load_size',
  'crop_size',
  'aspect_ratio',
  'scale',
  'label_nc',
  'contain_dontcare_label',
  'no_instance',
  'z_dim',
] as const;

/** Option keys of the generator's architecture. */
const ARCHITECTURE_KEYS = [
  'netG',
  'ngf',
  'norm',
  'norm_G',
  'n_blocks',
  'trunk_end',
  'num_upsampling_layers',
  'use_vae',
  'no_dropout',
] as const;

/** One exported network as export.json lists it. */
export interface ManifestNetwork {
  name: string;
  /** The .onnx file, relative to the manifest. */
  file: string;
  /** The module class that was exported. */
  class: string;
  /** The mode it was exported in (train: batch statistics, see notes). */
  mode: 'train' | 'eval';
  exported: OnnxExport;
}

/** The options the checkpoint was trained with (its manifest's), or `options` for bare weights. */
function trainingOptions(options: Options): Options {
  const dir = join(optString(options, 'checkpoints_dir'), optString(options, 'name'));
  return readManifest(dir, checkpointLabel(options))?.options ?? options;
}

/** The JSON text of export.json; architecture and preprocessing are the training run's. */
export function onnxManifest(options: Options, networks: readonly ManifestNetwork[]): string {
  const trained = trainingOptions(options);
  const pick = (keys: readonly string[]) => Object.fromEntries(keys.filter((k) => trained[k] !== undefined).map((k) => [k, trained[k]]));
  const manifest = {
    format: 'onnx',
    opset: ONNX_OPSET,
    model: options.model,
    name: options.name,
    architecture: pick(ARCHITECTURE_KEYS),
    preprocessing: pick(PREPROCESSING_KEYS),
    networks: networks.map(({ name, file, class: className, mode, exported }) => ({
      name,
      file,
      class: className,
      mode,
      inputs: exported.signature.inputs,
      output: exported.signature.output,
    })),
    notes: [...new Set(networks.flatMap((n) => n.exported.notes))],
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
