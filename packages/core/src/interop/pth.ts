/**
 * PyTorch `.pth` state-dict checkpoints (the zip format of torch ≥ 1.6): reading without running
 * any pickled code, and writing files that torch.load reads — byte-identical to torch 1.13's
 * torch.save(state_dict) for the same tensors, `_metadata` and archive name.
 */
import { DTYPE_BYTES, numelOf, rawTensorBytes, rawTensorFromBytes } from './dtype.js';
import { CheckpointFormatError } from './errors.js';
import { PyCall, PyDict, PyGlobal, PyPersistent, PyStr, PyTuple, readPickle, TORCH_ALLOWED_GLOBALS, writePickle } from './pickle.js';
import type { PyValue } from './pickle.js';
import type { RawDType, RawStateDict, RawTensor } from './raw_tensor.js';
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

/** What {@link readPth} found in a checkpoint. */
export interface PthCheckpoint {
  /** The state dict, in file order; every tensor owns a contiguous copy of its data. */
  tensors: RawStateDict;
  /** The archive folder inside the zip (torch.save uses the file's base name, or 'archive'). */
  archiveName: string;
  /** The state dict's `_metadata`, when it had one (entries with non-scalar values are dropped). */
  moduleMetadata: TorchModuleMetadata | undefined;
  /** When the state dict was found inside a wrapper dict, the wrapper's key (e.g. 'state_dict'). */
  stateDictKey: string | undefined;
}

/** Options of {@link writePth}; a {@link PthCheckpoint} can be passed as is. */
export interface WritePthOptions {
  /** Archive folder name; default 'archive' (what torch.save writes to a file object). */
  archiveName?: string;
  /** `_metadata` to attach to the state dict (omitted when undefined). */
  moduleMetadata?: TorchModuleMetadata | undefined;
}

const STORAGE_DTYPE: Readonly<Record<string, RawDType>> = {
  FloatStorage: 'F32',
  DoubleStorage: 'F64',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

const STORAGE_TYPE: Readonly<Record<RawDType, string>> = Object.fromEntries(
  Object.entries(STORAGE_DTYPE).map(([k, v]) => [v, k]),
) as Record<RawDType, string>;

const TENSOR_REBUILDERS = new Set([
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
]);

/** Keys under which training scripts commonly nest a state dict. */
const STATE_DICT_KEYS = ['state_dict', 'model_state_dict', 'model', 'params', 'params_ema', 'net', 'network', 'generator'];

function isTensorNode(v: PyValue | undefined): v is PyCall {
  return v instanceof PyCall && TENSOR_REBUILDERS.has(v.func.qualifiedName);
}

function isTensorDict(v: PyValue | undefined): boolean {
  return v instanceof PyDict && v.size > 0 && v.entries.every(([k, val]) => typeof k === 'string' && isTensorNode(val));
}

function describe(v: PyValue | undefined): string {
  if (v === null) return 'None';
  if (v === undefined) return 'nothing';
  if (typeof v !== 'object') return typeof v;
  if (v instanceof PyCall) return `${v.func.qualifiedName}(…)`;
  if (v instanceof PyDict) return v.ordered ? 'an OrderedDict' : 'a dict';
  return v.constructor.name.replace(/^Py/, 'a ').toLowerCase();
}

function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i]!, 1);
  }
  return strides;
}

interface Storage {
  dtype: RawDType;
  numel: number;
  bytes: Uint8Array;
}

/**
 * Reads a PyTorch zip checkpoint holding a state dict (or a dict that holds exactly one state dict
 * under a key such as 'state_dict', 'model' or 'params'). No pickled code runs: only the globals in
 * TORCH_ALLOWED_GLOBALS are accepted. Tensor views (storage offset, strides) are materialized
 * into contiguous row-major copies, so tensors that shared a storage no longer do. Errors —
 * legacy (torch < 1.6) files, corrupt zips, disallowed globals, missing or short storages,
 * non-tensor entries — throw CheckpointFormatError naming `path`.
 */
export function readPth(bytes: Uint8Array, path?: string): PthCheckpoint {
  const where = path ?? '(in-memory bytes)';
  const fail = (problem: string): never => {
    throw new CheckpointFormatError(problem, where);
  };
  if (bytes.byteLength < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b || bytes[2] !== 0x03 || bytes[3] !== 0x04) {
    fail('not a PyTorch zip checkpoint (legacy torch<1.6 format is not supported)');
  }
  const entries = readZipEntries(bytes, where);
  const first = entries.keys().next().value;
  const slash = first === undefined ? -1 : first.indexOf('/');
  if (first === undefined || slash <= 0) fail('zip archive has no <archive>/data.pkl (not a torch.save checkpoint)');
  const archiveName = first!.slice(0, slash);
  const pkl = entries.get(`${archiveName}/data.pkl`);
  if (pkl === undefined) fail(`zip archive has no ${archiveName}/data.pkl (not a torch.save checkpoint)`);
  const byteorder = entries.get(`${archiveName}/byteorder`);
  if (byteorder !== undefined && new TextDecoder().decode(byteorder).trim() !== 'little') {
    fail('big-endian checkpoints are not supported');
  }

  const root = readPickle(pkl!, { allowedGlobals: TORCH_ALLOWED_GLOBALS, path: where });
  if (!(root instanceof PyDict)) return fail(`checkpoint holds ${describe(root)}, not a state dict`);
  let stateDict: PyDict = root;
  let stateDictKey: string | undefined;
  if (!(root.size === 0 || isTensorDict(root))) {
    const nested = STATE_DICT_KEYS.filter((k) => isTensorDict(root.get(k)));
    if (nested.length > 1) fail(`checkpoint holds several state dicts (${nested.map((k) => `'${k}'`).join(', ')}); extract one first`);
    if (nested.length === 1) {
      stateDictKey = nested[0]!;
      stateDict = root.get(stateDictKey) as PyDict;
    } else {
      const bad = root.entries.find(([, v]) => !isTensorNode(v));
      const keys = root.entries.map(([k]) => (typeof k === 'string' ? `'${k}'` : describe(k)));
      if (root.entries.some(([, v]) => isTensorNode(v)) && bad !== undefined) {
        fail(`state dict entry ${typeof bad[0] === 'string' ? `'${bad[0]}'` : describe(bad[0])} is ${describe(bad[1])}, not a tensor`);
      }
      fail(
        `checkpoint is not a state dict: top-level keys are [${keys.slice(0, 20).join(', ')}${keys.length > 20 ? ', …' : ''}]; ` +
          `expected a dict of tensors or a dict with one ${STATE_DICT_KEYS.map((k) => `'${k}'`).join('/')} entry holding one`,
      );
    }
  }

  const storages = new Map<string, Storage>();
  const storageOf = (node: PyValue | undefined, name: string): Storage => {
    const pid = node instanceof PyPersistent ? node.pid : undefined;
    const [tag, type, key, , numel] = pid instanceof PyTuple ? pid.items : [];
    if (tag !== 'storage' || !(type instanceof PyGlobal) || typeof key !== 'string' || typeof numel !== 'number' || numel < 0) {
      return fail(`tensor '${name}' has a malformed storage reference`);
    }
    const dtype = STORAGE_DTYPE[type.name];
    if (dtype === undefined) return fail(`tensor '${name}' uses unsupported storage type ${type.qualifiedName}`);
    const known = storages.get(key);
    if (known !== undefined) {
      if (known.dtype !== dtype || known.numel !== numel) fail(`storage ${key} is used with conflicting types or sizes`);
      return known;
    }
    const data = entries.get(`${archiveName}/data/${key}`);
    if (data === undefined) return fail(`storage ${archiveName}/data/${key} of tensor '${name}' is missing from the archive`);
    if (data.byteLength < numel * DTYPE_BYTES[dtype]) {
      fail(`storage ${archiveName}/data/${key} has ${data.byteLength} bytes, expected ${numel * DTYPE_BYTES[dtype]} (${numel} × ${dtype})`);
    }
    const s: Storage = { dtype, numel, bytes: data };
    storages.set(key, s);
    return s;
  };
  const intTuple = (v: PyValue | undefined, what: string, name: string): number[] => {
    if (!(v instanceof PyTuple) || !v.items.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) {
      return fail(`tensor '${name}' has an invalid ${what}`);
    }
    return v.items as number[];
  };
  const materialize = (node: PyCall, name: string): RawTensor => {
    const args = node.args.items;
    if (node.func.name.startsWith('_rebuild_parameter')) {
      const inner = args[0];
      if (!isTensorNode(inner)) return fail(`parameter '${name}' does not wrap a tensor`);
      return materialize(inner, name);
    }
    const storage = storageOf(args[0], name);
    const offset = args[1];
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) return fail(`tensor '${name}' has an invalid storage offset`);
    const size = intTuple(args[2], 'size', name);
    const stride = intTuple(args[3], 'stride', name);
    if (stride.length !== size.length) fail(`tensor '${name}' has ${size.length} sizes but ${stride.length} strides`);
    const n = numelOf(size);
    const item = DTYPE_BYTES[storage.dtype];
    if (n === 0) return rawTensorFromBytes(storage.dtype, size, new Uint8Array(0));
    let last = offset;
    for (let d = 0; d < size.length; d++) last += (size[d]! - 1) * stride[d]!;
    if (last >= storage.numel) {
      fail(`tensor '${name}' (offset ${offset}, size [${size.join(', ')}], stride [${stride.join(', ')}]) reads past its storage of ${storage.numel} elements`);
    }
    const contiguous = contiguousStrides(size).every((s, d) => size[d] === 1 || s === stride[d]);
    if (contiguous) return rawTensorFromBytes(storage.dtype, size, storage.bytes.subarray(offset * item, (offset + n) * item));
    const out = new Uint8Array(n * item);
    const idx = new Array<number>(size.length).fill(0);
    let src = offset;
    for (let i = 0; i < n; i++) {
      for (let b = 0; b < item; b++) out[i * item + b] = storage.bytes[src * item + b]!;
      for (let d = size.length - 1; d >= 0; d--) {
        src += stride[d]!;
        if (++idx[d]! < size[d]!) break;
        src -= stride[d]! * size[d]!;
        idx[d] = 0;
      }
    }
    return rawTensorFromBytes(storage.dtype, size, out);
  };

  const tensors: RawStateDict = new Map();
  for (const [key, value] of stateDict.entries) {
    tensors.set(key as string, materialize(value as PyCall, key as string));
  }
  return { tensors, archiveName, moduleMetadata: readModuleMetadata(stateDict), stateDictKey };
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
      if (p === undefined) interned.set(s, (p = new PyStr(s)));
      return p;
    };
    const md = new PyDict(true);
    for (const [prefix, local] of opts.moduleMetadata) {
      md.set(prefix, new PyDict(false, Object.entries(local).map(([k, v]): [PyValue, PyValue] => [intern(k), v])));
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
