/**
 * Checkpoints: `checkpoints/<name>/<label>_net_<Net>.safetensors` (reference key names, PyTorch
 * layout; `.pth` with `--save_format pth`) plus `<label>_optim_<Opt>.safetensors` (Adam moments)
 * and a JSON manifest `<label>_checkpoint.json` with the options, progress, schedulers, RNG state
 * and every other file's sha256, all committed as one group (the manifest made visible last). Reference `.pth` files (`latest_net_G_A.pth`) load too.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OptionError, TranslateError, StateDictError } from '../errors.js';
import { readSafetensors, writeSafetensors } from '../interop/safetensors.js';
import { writePth } from '../interop/pth.js';
import type { RawStateDict } from '../interop/raw_tensor.js';
import type { BaseModel } from '../model/base_model.js';
import { identifyNetwork } from '../networks/identify.js';
import type { Module } from '../nn/module.js';
import { optNumber, optString, type Options } from '../options/schema.js';
import { commitFiles, recoverCommits } from './atomic_files.js';
import { parseWeightsFile, readWeightsFile, type WeightsFile } from './weights_file.js';

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
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  label: string;
  model: string;
  savedAt: string;
  options: Options;
  networks: Record<string, { file: string; sha256: string; parameters: number }>;
  progress?: TrainingProgress;
  optimizers?: Record<string, { file: string; sha256: string; step: number; lr: number }>;
  /** Extra tensor files (`CheckpointExtras.tensors`) by key. */
  tensors?: Record<string, { file: string; sha256: string }>;
  /** Opaque per-component state (schedulers, image pools, RNG), restored by the engine. */
  state?: Record<string, unknown>;
}

/** The `format` of every checkpoint manifest. */
const MANIFEST_FORMAT = 'translate-checkpoint';
/** The manifest layout this translate writes and reads; a change of layout raises it. */
const MANIFEST_VERSION = 1;

/** The options that define the networks' shapes: a checkpoint fixes them. */
export const ARCHITECTURE_OPTIONS = ['netG', 'netD', 'ngf', 'ndf', 'norm', 'no_dropout', 'input_nc', 'output_nc', 'n_layers_D'] as const;

/** Formats of a checkpoint's network files (`--save_format`): safetensors, or the zip `.pth` that torch.load reads. */
export const NETWORK_FILE_FORMATS = ['safetensors', 'pth'] as const;

/** One of {@link NETWORK_FILE_FORMATS}. */
export type NetworkFileFormat = (typeof NETWORK_FILE_FORMATS)[number];

const manifestName = (label: string) => `${label}_checkpoint.json`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The checkpoint label the reference loads: `iter_<load_iter>` or `--epoch`. */
export function checkpointLabel(opt: Options): string {
  const loadIter = optNumber(opt, 'load_iter');
  return loadIter > 0 ? `iter_${loadIter}` : optString(opt, 'epoch');
}

/** Everything `saveCheckpoint` writes besides the networks. */
export interface CheckpointExtras {
  progress?: TrainingProgress;
  state?: Record<string, unknown>;
  /** Additional tensors (e.g. image-pool contents) stored as `<label>_<key>.safetensors`. */
  tensors?: Record<string, RawStateDict>;
}

/**
 * Writes one complete checkpoint atomically; a crash mid-write leaves the previous one loadable.
 * The network files are in the format of the model's `save_format` option (default safetensors).
 */
export function saveCheckpoint(dir: string, label: string, model: BaseModel, extras: CheckpointExtras = {}): CheckpointManifest {
  const format = networkFileFormat(model.opt);
  const files = new Map<string, Uint8Array | string>();
  const manifest: CheckpointManifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    label,
    model: String(model.opt.model),
    savedAt: new Date().toISOString(),
    options: model.opt,
    networks: {},
    ...(extras.progress ? { progress: extras.progress } : {}),
    ...(extras.state ? { state: extras.state } : {}),
  };
  for (const [name, net] of model.networks) {
    const stem = `${label}_net_${name}`;
    // torch.save(state_dict, path) names the archive after the file, as the reference's save_networks does.
    const bytes = format === 'pth' ? writePth(net.stateDict(), { archiveName: stem }) : writeSafetensors(net.stateDict(), { format: 'pt' });
    const file = `${stem}.${format}`;
    files.set(file, bytes);
    manifest.networks[name] = { file, sha256: sha256(bytes), parameters: net.numParameters() };
  }
  if (model.isTrain) {
    manifest.optimizers = {};
    for (const [name, { optimizer }] of model.optimizers) {
      const file = `${label}_optim_${name}.safetensors`;
      const state = optimizer.stateDict();
      const bytes = writeSafetensors(state.tensors);
      files.set(file, bytes);
      manifest.optimizers[name] = { file, sha256: sha256(bytes), step: state.step, lr: state.lr };
    }
  }
  const extraTensors = Object.entries(extras.tensors ?? {});
  if (extraTensors.length > 0) manifest.tensors = {};
  for (const [key, tensors] of extraTensors) {
    const file = `${label}_${key}.safetensors`;
    const bytes = writeSafetensors(tensors);
    files.set(file, bytes);
    manifest.tensors![key] = { file, sha256: sha256(bytes) };
  }
  files.set(manifestName(label), `${JSON.stringify(manifest, null, 1)}\n`);
  commitFiles(dir, label, files, manifestName(label));
  return manifest;
}

/** The manifest of checkpoint `label`, or null for a folder of bare network files (e.g. reference `.pth`). */
export function readManifest(dir: string, label: string): CheckpointManifest | null {
  recoverCommits(dir);
  const path = join(dir, manifestName(label));
  if (!existsSync(path)) return null;
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new TranslateError(
      `Checkpoint manifest ${path} is not valid JSON (${String(cause)}). Delete it to load the network files alone.`,
      { cause },
    );
  }
  return checkedManifest(manifest, path);
}

/** `manifest` if it is a manifest of the layout this translate reads; else an error saying what it is and what to do. */
function checkedManifest(manifest: unknown, path: string): CheckpointManifest {
  const record = typeof manifest === 'object' && manifest !== null && !Array.isArray(manifest) ? (manifest as Record<string, unknown>) : {};
  const alone = 'or delete it to load the network files alone (without the training state)';
  if (record.format !== MANIFEST_FORMAT || typeof record.networks !== 'object' || record.networks === null) {
    throw new TranslateError(
      `${path} is not a translate checkpoint manifest (no "format": "${MANIFEST_FORMAT}" with its "networks"). Move it away, ${alone}.`,
    );
  }
  if (record.version !== MANIFEST_VERSION) {
    const newer = typeof record.version === 'number' && record.version > MANIFEST_VERSION;
    throw new TranslateError(
      `${path} has manifest version ${JSON.stringify(record.version)}; this translate reads version ${MANIFEST_VERSION}. ${newer ? 'A newer translate wrote it: upgrade translate (translate --version shows yours)' : 'It is damaged or hand-edited: restore it from the run that wrote it'}, ${alone}.`,
    );
  }
  return manifest as CheckpointManifest;
}

/** Reads the extra tensors `key` saved with checkpoint `label` (sha256 checked when its manifest lists them), or null when absent. */
export function readCheckpointTensors(dir: string, label: string, key: string): RawStateDict | null {
  const saved = readManifest(dir, label)?.tensors?.[key];
  if (saved) return readListedTensors(dir, label, saved, `extra state ${key}`);
  const path = join(dir, `${label}_${key}.safetensors`);
  return existsSync(path) ? readSafetensors(new Uint8Array(readFileSync(path)), path).tensors : null;
}

/** The tensors of a safetensors file that manifest `label` lists (for `what`); errors name the file. */
function readListedTensors(dir: string, label: string, saved: { file: string; sha256?: string }, what: string): RawStateDict {
  return readSafetensors(readListedFile(dir, label, saved, what), join(dir, saved.file)).tensors;
}

/**
 * The bytes of a file that manifest `label` lists (for `what`), after checking its sha256: a
 * missing or different file means the group is partial (copied or deleted in part), a clear error.
 */
function readListedFile(dir: string, label: string, saved: { file: string; sha256?: string }, what: string): Uint8Array {
  const path = join(dir, saved.file);
  if (!existsSync(path)) {
    throw new TranslateError(
      `${path} is missing, though ${manifestName(label)} lists it for ${what}: the checkpoint was partly copied or deleted.`,
    );
  }
  const bytes = new Uint8Array(readFileSync(path));
  if (saved.sha256 !== undefined && sha256(bytes) !== saved.sha256) {
    throw new TranslateError(`${path} does not match its manifest (sha256 differs): the checkpoint was modified or partly copied.`);
  }
  return bytes;
}

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /** Also restore the Adam moments. */
  withOptimizers: boolean;
  /** The plugin's own architecture options (`ModelPlugin.architectureOptions`), checked with ours. */
  architectureOptions?: readonly string[];
}

/**
 * Loads the weights of every network of `model` from checkpoint `label` (the files its manifest
 * names; without a manifest, safetensors preferred, reference `.pth` accepted) and, with
 * `withOptimizers`, the Adam moments. Returns the manifest (null for bare network files). Missing
 * files, files that differ from their manifest's sha256 and architecture mismatches (of
 * {@link ARCHITECTURE_OPTIONS} and the plugin's own) are clear errors.
 */
export function loadCheckpoint(dir: string, label: string, model: BaseModel, options: LoadCheckpointOptions): CheckpointManifest | null {
  const manifest = readManifest(dir, label);
  if (manifest) checkArchitecture(manifest, model.opt, dir, [...ARCHITECTURE_OPTIONS, ...(options.architectureOptions ?? [])]);
  for (const [name, net] of model.networks) {
    const file = readNetworkFile(dir, label, name, manifest?.networks[name]);
    loadWeights(net, file, manifest === null);
  }
  if (options.withOptimizers && manifest?.optimizers) {
    for (const [name, { optimizer }] of model.optimizers) {
      const saved = manifest.optimizers[name];
      if (!saved) continue;
      const tensors = readListedTensors(dir, label, saved, `optimizer ${name}`);
      optimizer.loadStateDict({ step: saved.step, lr: saved.lr, tensors });
    }
  }
  return manifest;
}

/**
 * Loads `file` into `net`. For bare weights (no manifest) that do not fit, the error also says which
 * network the weights are and the flags that build it.
 */
function loadWeights(net: Module<any, any>, file: WeightsFile, bare: boolean): void {
  try {
    net.loadStateDict(file.tensors, { source: file.path });
  } catch (error) {
    if (!bare || !(error instanceof StateDictError)) throw error;
    const { matches } = identifyNetwork(file.tensors, file.module);
    if (matches.length === 0) throw error;
    const fits = matches.map((m) => `${m.description}${m.flags ? ` (${m.flags})` : ''}`).join('; or ');
    throw new StateDictError(`${file.path} holds ${fits}, not the network these options build. Run with those flags.`, { cause: error });
  }
}

/** The `save_format` of `opt` (safetensors when it has none, e.g. a model built for testing). */
function networkFileFormat(opt: Options): NetworkFileFormat {
  const format = opt.save_format ?? 'safetensors';
  if (!(NETWORK_FILE_FORMATS as readonly unknown[]).includes(format)) {
    throw new OptionError(`--save_format '${String(format)}' is not a network file format; use ${NETWORK_FILE_FORMATS.join(' or ')}.`);
  }
  return format as NetworkFileFormat;
}

/**
 * The weights of network `name` at checkpoint `label` in `dir`: the file its manifest names (sha256
 * checked) or, without a manifest, `<label>_net_<name>.safetensors`, else `.pth`.
 */
export function readCheckpointWeights(dir: string, label: string, name: string): WeightsFile {
  return readNetworkFile(dir, label, name, readManifest(dir, label)?.networks[name]);
}

/**
 * The weights of network `name` at checkpoint `label`: the file its manifest entry `saved` names,
 * after checking its sha256; without a manifest (e.g. reference files),
 * `<label>_net_<name>.safetensors`, else `.pth`.
 */
function readNetworkFile(dir: string, label: string, name: string, saved?: { file: string; sha256: string }): WeightsFile {
  if (saved) return parseWeightsFile(readListedFile(dir, label, saved, `network ${name}`), join(dir, saved.file));
  const path = bareNetworkFile(dir, label, name);
  if (path !== null) return readWeightsFile(path);
  const present = existsSync(dir) ? readdirSync(dir).filter((f) => /_net_/.test(f)) : [];
  throw new TranslateError(
    `No weights for network ${name} at checkpoint '${label}' in ${dir}: expected ${label}_net_${name}.safetensors or ${label}_net_${name}.pth. ` +
      (present.length > 0
        ? `Found: ${present.join(', ')}. Use --epoch to pick another label, or --model_suffix for a single generator.`
        : 'The folder has no network files; check --checkpoints_dir and --name.'),
  );
}

/** `<label>_net_<name>.safetensors`, else `.pth`, in `dir`; null when neither exists. */
function bareNetworkFile(dir: string, label: string, name: string): string | null {
  for (const format of NETWORK_FILE_FORMATS) {
    const path = join(dir, `${label}_net_${name}.${format}`);
    if (existsSync(path)) return path;
  }
  return null;
}

/** Every network file of checkpoint `label` in a folder without a manifest, one per network name (safetensors preferred). */
export function bareNetworkFiles(dir: string, label: string): string[] {
  if (!existsSync(dir)) return [];
  const pattern = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_net_(.+)\\.(safetensors|pth)$`);
  const names = new Set(readdirSync(dir).flatMap((f) => pattern.exec(f)?.[1] ?? []));
  return [...names].sort().map((name) => bareNetworkFile(dir, label, name)!);
}

/** A checkpoint of another architecture is refused with the options that differ. */
function checkArchitecture(manifest: CheckpointManifest, opt: Options, dir: string, keys: readonly string[]): void {
  const differences = keys
    .filter((k) => k in manifest.options && k in opt && manifest.options[k] !== opt[k])
    .map((k) => `--${k}: checkpoint ${String(manifest.options[k])}, requested ${String(opt[k])}`);
  if (differences.length > 0) {
    throw new StateDictError(
      `The checkpoint in ${dir} has another architecture (${differences.join('; ')}). Drop those flags or use a matching checkpoint.`,
    );
  }
}
