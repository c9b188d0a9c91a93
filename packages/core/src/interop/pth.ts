/**
 * PyTorch `.pth` checkpoints: reading both torch.save formats without running any pickled code,
 * and writing zip-format state dicts that torch.load reads — byte-identical to torch 1.13's
 * torch.save(state_dict) for the same tensors, `_metadata` and archive name.
 */
import { DTYPE_BYTES, numelOf, rawTensorBytes } from './dtype.js';
import { CheckpointFormatError } from './errors.js';
import { findStateDict, type PickledModule } from './find_state_dict.js';
import { PyCall, PyDict, PyGlobal, PyPersistent, PyStr, PyTuple, readPickle, writePickle } from './pickle.js';
import type { PyValue } from './pickle.js';
import type { RawDType, RawStateDict } from './raw_tensor.js';
import { looksLikeLegacyTorch, readLegacyTorch } from './torch_legacy.js';
import {
  STORAGE_DTYPE,
  contiguousStrides,
  materializeTensor,
  torchPersistentLoad,
  type Fail,
  type StorageLookup,
} from './torch_tensors.js';
import { readZipEntries, writeTorchZip } from './torch_zip.js';
import type { TorchZipRecord } from './torch_zip.js';

/** One value in a module's `_metadata` entry (in practice the int `version`). */
export type TorchMetadataValue = number | string | boolean | null;

/**
 * A state dict's `_metadata` attribute: module prefix (`''` for the root, `'model.1'`, …) → that
 * module's local metadata (e.g. `{ version: 1 }`), in file order. torch uses it on load_state_dict
 * for version-dependent key migrations (e.g. BatchNorm's `num_batches_tracked`).
 */
export type TorchModuleMetadata = Map<string, Record<string, TorchMetadataValue>>;

/** The two serializations of torch.save: the zip archive (torch ≥ 1.6) and the legacy pickle stream (torch 0.4–1.5). */
export type TorchFormat = 'zip' | 'legacy';

/** What {@link readPth} found in a checkpoint. */
export interface PthCheckpoint {
  /** The state dict, in file order; every tensor owns a contiguous copy of its data. */
  tensors: RawStateDict;
  /** The file's serialization. */
  format: TorchFormat;
  /** The archive folder inside the zip (torch.save uses the file's base name, or 'archive'); '' for legacy files. */
  archiveName: string;
  /** The state dict's `_metadata`, when it had one (entries with non-scalar values are dropped). */
  moduleMetadata: TorchModuleMetadata | undefined;
  /** When the state dict was found inside a wrapper dict, the wrapper's key (e.g. 'state_dict'). */
  stateDictKey: string | undefined;
  /** How the weights were stored, in words: `state dict`, `'params_ema' entry of a dict (also holds 'params')`, `pickled module models.networks.ResnetGenerator`, … */
  container: string;
  /** When a whole nn.Module was pickled: its class and its submodules' classes. */
  module: PickledModule | undefined;
}

/** Options of {@link readPth}. */
export interface ReadPthOptions {
  /** The wrapper entry to read (e.g. 'netD' of `{'netG': …, 'netD': …}`); default: found as {@link findStateDict} says. */
  key?: string;
}

/** Options of {@link writePth}; a {@link PthCheckpoint} can be passed as is. */
export interface WritePthOptions {
  /** Archive folder name; default 'archive' (what torch.save writes to a file object). */
  archiveName?: string;
  /** `_metadata` to attach to the state dict (omitted when undefined). */
  moduleMetadata?: TorchModuleMetadata | undefined;
}

const STORAGE_TYPE: Readonly<Record<RawDType, string>> = Object.fromEntries(
  Object.entries(STORAGE_DTYPE).map(([k, v]) => [v, k]),
) as Record<RawDType, string>;

const SAVE_STATE_DICT = "in Python, load it and save its weights with torch.save(model.state_dict(), 'weights.pth')";

/** What kind of file `bytes` is, from its first bytes. */
function sniff(bytes: Uint8Array): 'zip' | 'legacy' | 'tar' | 'safetensors' | 'unknown' {
  if (bytes.byteLength >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'zip';
  if (looksLikeLegacyTorch(bytes)) return 'legacy';
  if (bytes.byteLength >= 262 && new TextDecoder().decode(bytes.subarray(257, 262)) === 'ustar') return 'tar';
  if (
    bytes.byteLength >= 10 &&
    bytes[8] === 0x7b &&
    new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true) < BigInt(bytes.byteLength)
  )
    return 'safetensors';
  return 'unknown';
}

/** A zip checkpoint's saved object and storages; TorchScript archives are refused. */
function readZipCheckpoint(bytes: Uint8Array, fail: Fail, where: string): { root: PyValue; storageOf: StorageLookup; archiveName: string } {
  const entries = readZipEntries(bytes, where);
  const first = entries.keys().next().value;
  const slash = first === undefined ? -1 : first.indexOf('/');
  if (first === undefined || slash <= 0) fail('zip archive has no <archive>/data.pkl (not a torch.save checkpoint)');
  const archiveName = first!.slice(0, slash);
  if (entries.has(`${archiveName}/constants.pkl`) || [...entries.keys()].some((k) => k.startsWith(`${archiveName}/code/`))) {
    fail(
      `a TorchScript archive (torch.jit.save), which holds compiled code rather than a state dict; in Python: m = torch.jit.load(path); torch.save(m.state_dict(), 'weights.pth')`,
    );
  }
  const pkl = entries.get(`${archiveName}/data.pkl`);
  if (pkl === undefined) fail(`zip archive has no ${archiveName}/data.pkl (not a torch.save checkpoint)`);
  const byteorder = entries.get(`${archiveName}/byteorder`);
  if (byteorder !== undefined && new TextDecoder().decode(byteorder).trim() !== 'little') fail('big-endian checkpoints are not supported');
  const root = readPickle(pkl!, { allowedGlobals: 'any', path: where, persistentLoad: torchPersistentLoad });
  const storageOf: StorageLookup = (id, name) => {
    const data = entries.get(`${archiveName}/data/${id.key}`);
    if (data === undefined) return fail(`storage ${archiveName}/data/${id.key} of tensor '${name}' is missing from the archive`);
    if (data.byteLength < id.numel * DTYPE_BYTES[id.dtype]) {
      fail(
        `storage ${archiveName}/data/${id.key} has ${data.byteLength} bytes, expected ${id.numel * DTYPE_BYTES[id.dtype]} (${id.numel} × ${id.dtype})`,
      );
    }
    return { dtype: id.dtype, numel: id.numel, bytes: data };
  };
  return { root, storageOf, archiveName };
}

/**
 * Reads a PyTorch checkpoint in either torch.save format (zip, or the legacy stream of torch
 * 0.4–1.5) without running any pickled code: every global is an inert name. The weights are found
 * as {@link findStateDict} describes (bare, wrapped, DataParallel-prefixed or a pickled reference
 * network); tensor views are copied into contiguous row-major tensors, so tensors that shared a
 * storage no longer do. Storages are read in place from `bytes` (stored zip entries and legacy data
 * are not copied before the per-tensor copy). Anything else — TorchScript archives, the tar format of
 * the first torch releases, other files, corrupt data — throws CheckpointFormatError naming `path`.
 */
export function readPth(bytes: Uint8Array, path?: string, options: ReadPthOptions = {}): PthCheckpoint {
  const where = path ?? '(in-memory bytes)';
  const fail: Fail = (problem: string): never => {
    throw new CheckpointFormatError(problem, where);
  };
  const kind = sniff(bytes);
  if (kind === 'tar')
    fail(
      `a checkpoint in the tar format of the first torch releases (2016–2017), which translate does not read; ${SAVE_STATE_DICT} using torch ≤ 1.x`,
    );
  if (kind === 'safetensors') fail('a safetensors file, not a PyTorch pickle: name it *.safetensors');
  if (kind === 'unknown') fail('not a PyTorch checkpoint (neither the zip format of torch ≥ 1.6 nor the legacy format of torch 0.4–1.5)');
  const format: TorchFormat = kind === 'zip' ? 'zip' : 'legacy';
  const file = kind === 'zip' ? readZipCheckpoint(bytes, fail, where) : { ...readLegacyTorch(bytes, fail, where), archiveName: '' };
  const found = findStateDict(file.root, fail, options.key);
  const tensors: RawStateDict = new Map();
  for (const [key, value] of found.entries) tensors.set(key, materializeTensor(value, file.storageOf, key, fail));
  return {
    tensors,
    format,
    archiveName: file.archiveName,
    moduleMetadata: found.dict === undefined ? undefined : readModuleMetadata(found.dict),
    stateDictKey: found.key,
    container: found.container,
    module: found.module,
  };
}

function readModuleMetadata(stateDict: PyDict): TorchModuleMetadata | undefined {
  const md = stateDict.attrs?.get('_metadata');
  if (!(md instanceof PyDict)) return undefined;
  const out: TorchModuleMetadata = new Map();
  for (const [prefix, local] of md.entries) {
    if (typeof prefix !== 'string' || !(local instanceof PyDict)) continue;
    const rec: Record<string, TorchMetadataValue> = {};
    for (const [k, v] of local.entries) {
      if (typeof k !== 'string') continue;
      if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') rec[k] = v;
    }
    out.set(prefix, rec);
  }
  return out;
}

/**
 * Serialises a state dict the way torch 1.13's `torch.save(state_dict, f)` does: an OrderedDict of
 * `_rebuild_tensor_v2` tensors (each its own contiguous storage, key = its index, location 'cpu',
 * requires_grad False) with `_metadata` set when given, pickled with protocol 2 into
 * `<archiveName>/data.pkl`, storages in `<archiveName>/data/<key>` (sorted by key), and
 * `<archiveName>/version` = "3\n". With the `tensors`, `moduleMetadata` and `archiveName` that
 * {@link readPth} returned for a torch 1.13 file of contiguous, unshared tensors, the output is that
 * file byte for byte.
 */
export function writePth(tensors: RawStateDict, opts: WritePthOptions = {}): Uint8Array {
  const archiveName = opts.archiveName ?? 'archive';
  if (archiveName === '' || /[/\\]/.test(archiveName)) {
    throw new CheckpointFormatError(`invalid archive name '${archiveName}' (must be non-empty, without slashes)`);
  }
  const STORAGE = new PyStr('storage');
  const CPU = new PyStr('cpu');
  const rebuild = new PyGlobal('torch._utils', '_rebuild_tensor_v2');
  const root = new PyDict(true);
  const storages: TorchZipRecord[] = [];
  let index = 0;
  for (const [name, t] of tensors) {
    const data = rawTensorBytes(t, name);
    const key = String(index++);
    const pid = new PyTuple([STORAGE, new PyGlobal('torch', STORAGE_TYPE[t.dtype]), key, CPU, numelOf(t.shape)]);
    const args = [new PyPersistent(pid), 0, new PyTuple([...t.shape]), new PyTuple(contiguousStrides(t.shape)), false, new PyDict(true)];
    root.set(name, new PyCall(rebuild, new PyTuple(args)));
    storages.push({ name: `data/${key}`, data });
  }
  if (opts.moduleMetadata !== undefined) {
    const interned = new Map<string, PyStr>();
    const intern = (s: string): PyStr => {
      let p = interned.get(s);
      if (p === undefined) {
        p = new PyStr(s);
        interned.set(s, p);
      }
      return p;
    };
    const md = new PyDict(true);
    for (const [prefix, local] of opts.moduleMetadata) {
      md.set(
        prefix,
        new PyDict(
          false,
          Object.entries(local).map(([k, v]): [PyValue, PyValue] => [intern(k), v]),
        ),
      );
    }
    root.attrs = new PyDict(false, [['_metadata', md]]);
  }
  // Python's sorted() on the keys; they are decimal strings, so code-unit order is the same.
  storages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const records: TorchZipRecord[] = [
    { name: 'data.pkl', data: writePickle(root) },
    ...storages,
    { name: 'version', data: new TextEncoder().encode('3\n') },
  ];
  return writeTorchZip(archiveName, records);
}
