/** `translate export`: writes a trained model's generators in a format that runs without translate's CLI. */
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  checkpointLabel,
  initBackend,
  openTrainedModel,
  OptionError,
  readManifest,
  type BackendRequest,
  type ResolvedOptions,
} from '@translate/core';
import { scanFlag } from '../argv_scan.js';
import type { CliContext } from '../context.js';
import { EXPORT_FORMATS, exportFormat, generatorsOf } from '../export/formats.js';
import { addOptionsCommand } from './options_command.js';

/** Adds `export`. */
export function addExportCommand(program: Command, ctx: CliContext): void {
  addOptionsCommand(program, ctx, {
    name: 'export',
    phase: 'test',
    // Export reads no data, and the checkpoint knows its model: `--name` alone names what to export.
    defaults: (argv) => ({ source: 'the checkpoint', values: { dataroot: '(not read by export)', model: checkpointModel(argv) } }),
    description: `write a trained model's generators as ${Object.keys(EXPORT_FORMATS).join(', ')} (loads the checkpoint as 'test' does)`,
    addFlags: (command) =>
      command
        .option(
          '--format <format>',
          `what to write: ${Object.entries(EXPORT_FORMATS)
            .map(([name, f]) => `${name} (${f.description})`)
            .join('; ')}`,
        )
        .option('--out <dir>', 'the folder to write (created; files of an earlier export there are replaced)')
        .option('--triton', 'with --format onnx: lay the folder out as a Triton Inference Server model repository')
        .option('--float16', 'with --format web: store the weights as float16 (half the download; results within ~1e-3)'),
    run: exportModel,
  });
}

/** The model the checkpoint that argv names (`--name`, `--checkpoints_dir`, `--epoch`, `--load_iter`) was trained as, if it says. */
function checkpointModel(argv: readonly string[]): string | undefined {
  const name = scanFlag(argv, 'name');
  if (name === undefined) return undefined;
  try {
    const label = checkpointLabel({ load_iter: Number(scanFlag(argv, 'load_iter') ?? 0), epoch: scanFlag(argv, 'epoch') ?? 'latest' });
    return readManifest(join(scanFlag(argv, 'checkpoints_dir') ?? './checkpoints', name), label)?.model;
  } catch {
    return undefined; // loading the checkpoint reports what is wrong with it
  }
}

async function exportModel({ options }: ResolvedOptions, { io }: CliContext, flags: Record<string, unknown>): Promise<number> {
  const format = exportFormat(flags.format);
  if (typeof flags.out !== 'string' || flags.out === '')
    throw new OptionError('--out is required: the folder to write the export into, e.g. --out exported/my_model.');
  if (flags.triton && format.name !== 'onnx') throw new OptionError(`--triton applies to --format onnx only, not --format ${format.name}.`);
  if (flags.float16 && format.name !== 'web') throw new OptionError(`--float16 applies to --format web only, not --format ${format.name}.`);
  const log = (line: string) => io.stdout(`${line}\n`);
  await initBackend(options.backend as BackendRequest, { log });
  const trained = await openTrainedModel(options, log);
  try {
    const files = await format.write({
      plugin: trained.plugin,
      options: trained.options,
      networks: generatorsOf(trained.model),
      out: flags.out,
      triton: flags.triton === true,
      float16: flags.float16 === true,
      log,
    });
    log(`Wrote ${files.length} file(s) to ${flags.out}`);
  } finally {
    trained.model.dispose();
  }
  return 0;
}
