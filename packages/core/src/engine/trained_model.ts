/**
 * Opens a trained model for inference, as `translate test` and `translate export` do: the
 * checkpoint's stored architecture is applied (its manifest's options or, for bare weights such as
 * a downloaded `.pth`, what the weights themselves fix, logging each flag it overrides), the model
 * is built without its training parts and the checkpoint's networks are loaded.
 */
import { basename } from 'node:path';
import { getModel, type ModelPlugin } from '../model/plugin.js';
import type { BaseModel } from '../model/base_model.js';
import { optBool, optString, type Options } from '../options/schema.js';
import { ARCHITECTURE_OPTIONS, checkpointLabel, loadCheckpoint, readManifest } from './checkpoint.js';
import { experimentFolder } from './experiment_folder.js';
import { architectureOfWeights } from './weights_architecture.js';
import { printNetworks } from './print_networks.js';

/** A model built for testing with its checkpoint loaded; the caller disposes `model`. */
export interface TrainedModel {
  plugin: ModelPlugin;
  /** The options with the checkpoint's architecture applied. */
  options: Options;
  model: BaseModel;
  /** The checkpoint folder (`<checkpoints_dir>/<name>`). */
  dir: string;
  /** The checkpoint's label (`latest`, `200`, `iter_5000`). */
  label: string;
}

/** Builds `--model`'s networks for testing and loads the checkpoint named by `--name`/`--epoch`/`--load_iter`. */
export async function openTrainedModel(options: Options, log: (line: string) => void): Promise<TrainedModel> {
  const dir = experimentFolder(options);
  const label = checkpointLabel(options);
  const plugin = getModel(optString(options, 'model'));
  const opt = withCheckpointArchitecture(options, [...ARCHITECTURE_OPTIONS, ...(plugin.architectureOptions ?? [])], dir, label, log);
  const model = plugin.create(opt, { isTrain: false });
  try {
    await model.setup();
    printNetworks(model.networks, optBool(opt, 'verbose'), log);
    loadCheckpoint(dir, label, model, { withOptimizers: false });
    if (optBool(opt, 'eval')) model.eval();
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { plugin, options: opt, model, dir, label };
}

function withCheckpointArchitecture(
  opt: Options,
  keys: readonly string[],
  dir: string,
  label: string,
  log: (line: string) => void,
): Options {
  const manifest = readManifest(dir, label);
  const weights = manifest ? null : architectureOfWeights(dir, label, keys);
  const stored = manifest?.options ?? weights?.options;
  if (!stored) return opt;
  const source = manifest ? 'the checkpoint' : `the weights in ${weights!.files.map((f) => basename(f)).join(', ')}`;
  const out: Options = { ...opt };
  for (const key of keys) {
    if (!(key in stored)) continue;
    if (key in opt && opt[key] !== stored[key]) log(`Using --${key} ${String(stored[key])} from ${source} (not ${String(opt[key])}).`);
    out[key] = stored[key]!;
  }
  return out;
}
