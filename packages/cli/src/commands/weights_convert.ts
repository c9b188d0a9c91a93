/**
 * `translate weights convert <in> <out>`: rewrites a weights file as `.safetensors` or `.pth` (the
 * zip format torch.load reads; a legacy `.pth` becomes zip), by the output's extension. The state
 * dict is found as `readPth` finds it (`--key` picks a wrapper entry); `--dtype` casts the float
 * tensors. The output is written atomically, never over the input, and over an existing file only
 * with `--force`.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { OptionError, TranslateError, isSafetensorsPath, writeFileAtomic, writePth, writeSafetensors } from '@translate/core';
import type { CliContext } from '../context.js';
import { CAST_DTYPES, castFloatTensors, parseCastDtype } from './weights_cast.js';
import { readWeightsArgument } from './weights_file.js';

/** Options of {@link convertWeights}. */
interface ConvertOptions {
  key?: string;
  dtype?: string;
  force?: boolean;
}

/** What {@link convertWeights} wrote. */
interface ConvertResult {
  path: string;
  format: 'safetensors' | 'pth';
  tensors: number;
  bytes: number;
  /** Where the weights were found in the input, in words. */
  from: string;
}

/** Converts `input` to `output` (see the module comment). */
function convertWeights(input: string, output: string, options: ConvertOptions = {}): ConvertResult {
  const format = isSafetensorsPath(output) ? 'safetensors' : output.endsWith('.pth') ? 'pth' : null;
  if (format === null) throw new OptionError(`${output}: the output must end in .safetensors or .pth (that picks its format).`);
  const dtype = options.dtype === undefined ? undefined : parseCastDtype(options.dtype);
  if (isSameFile(input, output)) throw new OptionError(`${output} is the input file; write the conversion to another path.`);
  if (existsSync(output) && !options.force) throw new TranslateError(`${output} exists; pass --force to overwrite it.`);
  const file = readWeightsArgument(input, options.key);
  const tensors = dtype === undefined ? file.tensors : castFloatTensors(file.tensors, dtype);
  const bytes =
    format === 'safetensors'
      ? writeSafetensors(tensors, file.format === 'safetensors' ? file.metadata : { format: 'pt' })
      : // torch.save(state_dict, path) names the archive after the file.
        writePth(tensors, { archiveName: basename(output, extname(output)), moduleMetadata: file.moduleMetadata });
  writeFileAtomic(output, bytes);
  return { path: output, format, tensors: tensors.size, bytes: bytes.byteLength, from: `${file.container} of a ${file.format} file` };
}

function isSameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  if (!existsSync(a) || !existsSync(b)) return false;
  const [sa, sb] = [statSync(a), statSync(b)];
  return sa.dev === sb.dev && sa.ino === sb.ino;
}

/** Adds `weights convert <in> <out>` to the `weights` command. */
export function addWeightsConvertCommand(weights: Command, ctx: CliContext): void {
  weights
    .command('convert')
    .description(
      'convert weights: .pth (zip or legacy, any container) ↔ .safetensors, or legacy .pth → zip .pth; the output extension picks the format',
    )
    .argument('<in>', '.pth or .safetensors file')
    .argument('<out>', 'output file: .safetensors, or .pth (zip format, torch.load reads it)')
    .option('--key <key>', "the wrapper entry to convert of a .pth dict (e.g. 'netD' of {'netG': …, 'netD': …})")
    .option('--dtype <dtype>', `cast the float tensors: ${Object.keys(CAST_DTYPES).join(' | ')} (integer tensors are kept)`)
    .option('--force', 'overwrite <out> if it exists')
    .action((input: string, output: string, o: ConvertOptions) => {
      const result = convertWeights(input, output, o);
      const cast = o.dtype === undefined ? '' : `, float tensors as ${o.dtype}`;
      ctx.io.stdout(
        `Wrote ${result.path} (${result.format}): ${result.tensors} tensors${cast}, ${result.bytes.toLocaleString('en-US')} bytes, from the ${result.from}.\n`,
      );
    });
}
