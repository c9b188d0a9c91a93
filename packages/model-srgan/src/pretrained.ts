/**
 * `--pretrained_G`: starts SRGAN from an SRResNet generator (the paper's warm-up). Accepts a
 * checkpoint folder of `translate train --model srresnet` (its `latest_net_G`), one network file
 * (`.safetensors` or `.pth`, e.g. leftthomas/SRGAN's `netG_epoch_4_100.pth` with `--n_blocks 5`).
 * Weights only: the optimizer, epoch and schedule start fresh.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TranslateError, readManifest, readPth, readSafetensors, type Module, type Options, type RawStateDict } from '@translate/core';

/** Options that fix the generator's shape, compared with a checkpoint's before loading. */
const GENERATOR_OPTIONS = ['scale', 'n_blocks', 'trunk_end', 'ngf', 'input_nc', 'output_nc'] as const;

/** Loads the generator weights `path` names into `generator`; see the module comment. */
export function loadPretrainedGenerator(generator: Module, path: string, opt: Options): void {
  if (!existsSync(path)) throw new TranslateError(`--pretrained_G ${path} does not exist. Give an SRResNet checkpoint folder (checkpoints/<name>) or a generator .safetensors/.pth file.`);
  const file = statSync(path).isDirectory() ? checkpointGenerator(path, opt) : path;
  const bytes = new Uint8Array(readFileSync(file));
  let state: RawStateDict;
  try {
    state = file.endsWith('.pth') ? readPth(bytes, file).tensors : readSafetensors(bytes, file).tensors;
  } catch (cause) {
    throw new TranslateError(`--pretrained_G ${file} is not a readable .safetensors or .pth file: ${(cause as Error).message}`, { cause });
  }
  generator.loadStateDict(state, { source: `--pretrained_G ${file}` });
}

/** The `latest_net_G` file of a checkpoint folder, after checking its architecture options. */
function checkpointGenerator(dir: string, opt: Options): string {
  const manifest = readManifest(dir, 'latest');
  if (manifest) {
    const differ = GENERATOR_OPTIONS.filter((k) => k in manifest.options && manifest.options[k] !== opt[k]);
    if (differ.length > 0) {
      const flags = differ.map((k) => `--${k} ${String(manifest.options[k])}`).join(' ');
      throw new TranslateError(`--pretrained_G ${dir} holds a generator trained with ${flags}; pass the same options (now: ${differ.map((k) => `--${k} ${String(opt[k])}`).join(' ')}).`);
    }
  }
  for (const ext of ['safetensors', 'pth']) {
    const file = join(dir, `latest_net_G.${ext}`);
    if (existsSync(file)) return file;
  }
  throw new TranslateError(`--pretrained_G ${dir} has no latest_net_G.safetensors or latest_net_G.pth: train one with \`translate train --model srresnet\`, or give a generator file.`);
}
