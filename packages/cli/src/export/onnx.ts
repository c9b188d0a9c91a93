/**
 * `translate export --format onnx`: one ONNX model (opset 17) per generator, `<out>/<network>.onnx`
 * beside `export.json`; with `--triton`, a Triton model repository instead:
 * `<out>/<name>_<network>/{config.pbtxt, export.json, 1/model.onnx}`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exportOnnx, optString, writeFileAtomic } from '@translate/core';
import { cliVersion } from '../version.js';
import type { ExportContext, ExportedNetwork } from './formats.js';
import { onnxManifest, type ManifestNetwork } from './onnx_manifest.js';
import { tritonConfig } from './triton.js';

/** Writes the onnx export; returns the files written. */
export async function writeOnnx(ctx: ExportContext): Promise<string[]> {
  const exported = ctx.networks.map((network) => exportNetwork(ctx, network));
  for (const note of new Set(exported.flatMap((network) => network.exported.notes))) ctx.log(`Note: ${note}`);
  return ctx.triton ? writeTritonRepository(ctx, exported) : writeModels(ctx, exported);
}

/** One generator as ONNX, in the mode the checkpoint was opened in (train unless --eval). */
function exportNetwork(ctx: ExportContext, { name, module }: ExportedNetwork): ManifestNetwork {
  const mode = module.training ? 'train' : 'eval';
  const className = module.constructor.name;
  const exported = exportOnnx(module, name, {
    name: 'translate',
    version: cliVersion(),
    docString: `${optString(ctx.options, 'model')} ${name} (${className}, ${mode} mode)`,
  });
  ctx.log(`Exported ${name} (${className}, ${mode} mode) as ONNX: ${(exported.bytes.length / 2 ** 20).toFixed(1)} MiB.`);
  return { name, file: `${name}.onnx`, class: className, mode, exported };
}

function writeModels(ctx: ExportContext, networks: ManifestNetwork[]): string[] {
  mkdirSync(ctx.out, { recursive: true });
  const files = networks.map((network) => write(join(ctx.out, network.file), network.exported.bytes));
  return [...files, write(join(ctx.out, 'export.json'), onnxManifest(ctx.options, networks))];
}

function writeTritonRepository(ctx: ExportContext, networks: ManifestNetwork[]): string[] {
  const experiment = optString(ctx.options, 'name').replace(/[^A-Za-z0-9_.-]/g, '_');
  return networks.flatMap((network) => {
    const modelName = `${experiment}_${network.name}`;
    const dir = join(ctx.out, modelName);
    mkdirSync(join(dir, '1'), { recursive: true });
    const about = `${optString(ctx.options, 'model')} ${network.name} (${network.class}, ${network.mode} mode)`;
    return [
      write(join(dir, '1', 'model.onnx'), network.exported.bytes),
      write(join(dir, 'config.pbtxt'), tritonConfig(modelName, network.exported, about)),
      write(join(dir, 'export.json'), onnxManifest(ctx.options, [{ ...network, file: '1/model.onnx' }])),
    ];
  });
}

function write(path: string, content: Uint8Array | string): string {
  writeFileAtomic(path, content);
  return path;
}
