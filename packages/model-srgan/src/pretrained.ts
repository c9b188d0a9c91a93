/**
 * `--pretrained_G`: starts SRGAN from an SRResNet generator (the paper's warm-up). Accepts a
 * checkpoint folder of `translate train --model srresnet` (its `latest_net_G`), one network file
 * (`.safetensors` or `.pth`, e.g. leftthomas/SRGAN's `netG_epoch_4_100.pth` with `--n_blocks 5`).
 * Weights only: the optimizer, epoch and schedule start fresh.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  CheckpointFormatError,
  TranslateError,
  readCheckpointWeights,
  readManifest,
  readWeightsFile,
  type Module,
  type Options,
  type WeightsFile,
} from '@translate/core';

/** Options that fix the generator's shape, compared with a checkpoint's before loading. */
const GENERATOR_OPTIONS = ['scale', 'n_blocks', 'trunk_end', 'ngf', 'input_nc', 'output_nc'] as const;

/** Loads the generator weights `path` names into `generator`; see the module comment. */
export function loadPretrainedGenerator(generator: Module, path: string, opt: Options): void {
  if (!existsSync(path))
    throw new TranslateError(
      `--pretrained_G ${path} does not exist. Give an SRResNet checkpoint folder (checkpoints/<name>) or a generator .safetensors/.pth file.`,
    );
  let file: WeightsFile;
  try {
    file = statSync(path).isDirectory() ? checkpointGenerator(path, opt) : readWeightsFile(path);
  } catch (cause) {
    if (!(cause instanceof CheckpointFormatError)) throw cause;
    throw new TranslateError(`--pretrained_G: ${cause.message}`, { cause });
  }
  generator.loadStateDict(file.tensors, { source: `--pretrained_G ${file.path}` });
}

/** The `latest_net_G` weights of a checkpoint folder (the file its manifest names), after checking its architecture options. */
function checkpointGenerator(dir: string, opt: Options): WeightsFile {
  const manifest = readManifest(dir, 'latest');
  if (manifest) {
    const differ = GENERATOR_OPTIONS.filter((k) => k in manifest.options && manifest.options[k] !== opt[k]);
    if (differ.length > 0) {
      const flags = differ.map((k) => `--${k} ${String(manifest.options[k])}`).join(' ');
      throw new TranslateError(
        `--pretrained_G ${dir} holds a generator trained with ${flags}; pass the same options (now: ${differ.map((k) => `--${k} ${String(opt[k])}`).join(' ')}).`,
      );
    }
  }
  const hasWeights = manifest !== null || ['safetensors', 'pth'].some((ext) => existsSync(join(dir, `latest_net_G.${ext}`)));
  if (!hasWeights) {
    throw new TranslateError(
      `--pretrained_G ${dir} has no latest_net_G.safetensors or latest_net_G.pth: train one with \`translate train --model srresnet\`, or give a generator file.`,
    );
  }
  return readCheckpointWeights(dir, 'latest', 'G');
}
