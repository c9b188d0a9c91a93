/**
 * Checkpoints: `checkpoints/<name>/<label>_net_<Net>.safetensors` (reference key names, PyTorch
 * layout) plus `<label>_optim_<Opt>.safetensors` (Adam moments) and a JSON manifest
 * `<label>_checkpoint.json` with the options, progress, schedulers and RNG state, all committed
 * as one group. Reference `.pth` files (`latest_net_G_A.pth`) load too.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TranslateError, StateDictError } from '../errors.js';
import { readSafetensors, writeSafetensors } from '../interop/safetensors.js';
import { readPth } from '../interop/pth.js';
import type { RawStateDict } from '../interop/raw_tensor.js';
import type { BaseModel } from '../model/base_model.js';
import type { Options } from '../options/schema.js';
import { commitFiles, recoverCommits } from './atomic_files.js';

/** Where a training run stands. */
export interface TrainingProgress {
  /** Epoch being trained (1-based, as the reference counts). */
  epoch: number;
  /** Images of this epoch already trained on. */
  epochIter: number;
  /** Images trained on since the run began. */
  totalIters: number;
}

/** The JSON manifest written with every checkpoint. */
export interface CheckpointManifest {
  format: 'translate-checkpoint';
  version: 1;
  label: string;
  model: string;
  savedAt: string;
  options: Options;
  networks: Record<string, { file: string; sha256: string; parameters: number }>;
  progress?: TrainingProgress;
  optimizers?: Record<string, { file: string; step: number; lr: number }>;
  /** Opaque per-component state (schedulers, image pools, RNG), restored by the engine. */
  state?: Record<string, unknown>;
}

/** The options that define the networks' shapes: a checkpoint fixes them. */
export const ARCHITECTURE_OPTIONS = ['netG', 'netD', 'ngf', 'ndf', 'norm', 'no_dropout', 'input_nc', 'output_nc', 'n_layers_D'] as const;

const manifestName = (label: string) => `${label}_checkpoint.json`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Everything `saveCheckpoint` writes besides the networks. */
export interface CheckpointExtras {
  progress?: TrainingProgress;
  state?: Record<string, unknown>;
  /** Additional tensors (e.g. image-pool contents) stored as `<label>_<key>.safetensors`. */
  tensors?: Record<string, RawStateDict>;
}

/** Writes one complete checkpoint atomically; a crash mid-write leaves the previous one loadable. */
export function saveCheckpoint(dir: string, label: string, model: BaseModel, extras: CheckpointExtras = {}): CheckpointManifest {
  const files = new Map<string, Uint8Array | string>();
  const manifest: CheckpointManifest = {
    format: 'translate-checkpoint',
    version: 1,
    label,
    model: String(model.opt.model),
    savedAt: new Date().toISOString(),
    options: model.opt,
    networks: {},
    ...(extras.progress ? { progress: extras.progress } : {}),
    ...(extras.state ? { state: extras.state } : {}),
  };
  for (const [name, net] of model.networks) {
    const file = `${label}_net_${name}.safetensors`;
    const bytes = writeSafetensors(net.stateDict(), { format: 'pt' });
    files.set(file, bytes);
    manifest.networks[name] = { file, sha256: sha256(bytes), parameters: net.numParameters() };
  }
  if (model.isTrain) {
    manifest.optimizers = {};
    for (const [name, { optimizer }] of model.optimizers) {
      const file = `${label}_optim_${name}.safetensors`;
      const state = optimizer.stateDict();
      files.set(file, writeSafetensors(state.tensors));
      manifest.optimizers[name] = { file, step: state.step, lr: state.lr };
    }
  }
  for (const [key, tensors] of Object.entries(extras.tensors ?? {})) files.set(`${label}_${key}.safetensors`, writeSafetensors(tensors));
  files.set(manifestName(label), `${JSON.stringify(manifest, null, 1)}\n`);
  commitFiles(dir, label, files);
  return manifest;
}

/** The manifest of checkpoint `label`, or null for a folder of bare network files (e.g. reference `.pth`). */
export function readManifest(dir: string, label: string): CheckpointManifest | null {
  recoverCommits(dir);
  const path = join(dir, manifestName(label));
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CheckpointManifest;
  } catch (cause) {
    throw new TranslateError(`Checkpoint manifest ${path} is not valid JSON (${String(cause)}). Delete it to load the network files alone.`, { cause });
  }
}

/** Reads the extra tensors `key` saved with checkpoint `label`, or null when absent. */
export function readCheckpointTensors(dir: string, label: string, key: string): RawStateDict | null {
  const path = join(dir, `${label}_${key}.safetensors`);
  return existsSync(path) ? readSafetensors(new Uint8Array(readFileSync(path))).tensors : null;
}

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /** Also restore the Adam moments. */
  withOptimizers: boolean;
  /** The plugin's own architecture options (`ModelPlugin.architectureOptions`), checked with ours. */
  architectureOptions?: readonly string[];
}

/**
 * Loads the weights of every network of `model` from checkpoint `label` (safetensors preferred,
 * reference `.pth` accepted) and, with `withOptimizers`, the Adam moments. Returns the manifest (null
 * for bare network files). Missing files and architecture mismatches (of {@link ARCHITECTURE_OPTIONS}
 * and the plugin's own) are clear errors.
 */
export function loadCheckpoint(dir: string, label: string, model: BaseModel, options: LoadCheckpointOptions): CheckpointManifest | null {
  const manifest = readManifest(dir, label);
  if (manifest) checkArchitecture(manifest, model.opt, dir, [...ARCHITECTURE_OPTIONS, ...(options.architectureOptions ?? [])]);
  for (const [name, net] of model.networks) {
    const { state, path } = readNetworkFile(dir, label, name);
    if (manifest?.networks[name] && path.endsWith('.safetensors')) {
      const digest = sha256(new Uint8Array(readFileSync(path)));
      if (digest !== manifest.networks[name]!.sha256) {
        throw new TranslateError(`${path} does not match its manifest (sha256 differs): the checkpoint was modified or partly copied.`);
      }
    }
    net.loadStateDict(state, { source: path });
  }
  if (options.withOptimizers && manifest?.optimizers) {
    for (const [name, { optimizer }] of model.optimizers) {
      const saved = manifest.optimizers[name];
      if (!saved) continue;
      const tensors = readSafetensors(new Uint8Array(readFileSync(join(dir, saved.file)))).tensors;
      optimizer.loadStateDict({ step: saved.step, lr: saved.lr, tensors });
    }
  }
  return manifest;
}

function readNetworkFile(dir: string, label: string, name: string): { state: RawStateDict; path: string } {
  for (const ext of ['safetensors', 'pth']) {
    const path = join(dir, `${label}_net_${name}.${ext}`);
    if (!existsSync(path)) continue;
    const bytes = new Uint8Array(readFileSync(path));
    return { state: ext === 'pth' ? readPth(bytes, path).tensors : readSafetensors(bytes).tensors, path };
  }
  const present = existsSync(dir) ? readdirSync(dir).filter((f) => /_net_/.test(f)) : [];
  throw new TranslateError(
    `No weights for network ${name} at checkpoint '${label}' in ${dir}: expected ${label}_net_${name}.safetensors or ${label}_net_${name}.pth. ` +
      (present.length > 0 ? `Found: ${present.join(', ')}. Use --epoch to pick another label, or --model_suffix for a single generator.` : 'The folder has no network files; check --checkpoints_dir and --name.'),
  );
}

/** A checkpoint of another architecture is refused with the options that differ. */
function checkArchitecture(manifest: CheckpointManifest, opt: Options, dir: string, keys: readonly string[]): void {
  const differences = keys.filter((k) => k in manifest.options && k in opt && manifest.options[k] !== opt[k]).map(
    (k) => `--${k}: checkpoint ${String(manifest.options[k])}, requested ${String(opt[k])}`,
  );
  if (differences.length > 0) {
    throw new StateDictError(`The checkpoint in ${dir} has another architecture (${differences.join('; ')}). Drop those flags or use a matching checkpoint.`);
  }
}
