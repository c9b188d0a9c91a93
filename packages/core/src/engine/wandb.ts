/**
 * `--use_wandb` (the reference's W&B logging) is refused: a W&B run directory holds wandb's
 * internal protobuf records, written only by wandb's own Python package, so translate logs to
 * TensorBoard instead, which `wandb sync --sync-tensorboard` uploads to W&B.
 */
import { OptionError } from '../errors.js';
import { optBool, optString, type Options } from '../options/schema.js';
import { tensorboardDir } from './tensorboard_log.js';

/** Throws a usage error naming `--tensorboard` and the `wandb sync` command when `--use_wandb` is on. */
export function rejectWandb(opt: Options, checkpointDir: string): void {
  if (!optBool(opt, 'use_wandb')) return;
  const sync = ['wandb', 'sync', '--sync-tensorboard', '--project', optString(opt, 'wandb_project_name'), tensorboardDir(checkpointDir)]
    .map(shellWord)
    .join(' ');
  throw new OptionError(
    `--use_wandb: translate cannot log to Weights & Biases (only wandb's Python package writes W&B runs). ` +
      `Train with --tensorboard instead of --use_wandb, then upload the run's TensorBoard events with \`${sync}\`.`,
  );
}

/** `word` as one shell word (single-quoted when it has anything but letters, digits and `_-./:=`). */
function shellWord(word: string): string {
  return /^[\w\-./:=]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
