/**
 * torch.save's legacy format (the default of torch 0.4–1.5, still written with
 * `_use_new_zipfile_serialization=False`): five pickles in a row — the magic number
 * 0x1950a86a20f9469cfc6c, the protocol version 1001, a sys-info dict (byte order, type sizes),
 * the saved object (its storages as persistent ids), the sorted list of storage keys — then each
 * storage in that order as an int64 element count followed by its raw bytes.
 */
import { DTYPE_BYTES } from './dtype.js';
import { PyDict, PyList, PyPersistent, PyTuple, readPickleAt, type PyValue } from './pickle.js';
import { decodeStorageId, torchPersistentLoad, type Fail, type StorageId, type StorageLookup, type TorchStorage } from './torch_tensors.js';

const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

/** True when `bytes` starts with a pickled int (any protocol ≥ 2), as a legacy torch.save file's magic number is. */
export function looksLikeLegacyTorch(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 3 || bytes[0] !== 0x80) return false;
  // Protocol 4+ frames every pickle: PROTO, FRAME <u64 length>, then the int.
  const at = bytes[2] === 0x95 ? 11 : 2;
  return bytes[at] === 0x8a;
}

/** A legacy file's saved object and the storages its tensors read from. */
export interface LegacyTorchFile {
  root: PyValue;
  storageOf: StorageLookup;
}

/** Reads a legacy-format torch.save file; storages are views of `bytes` (no copy). */
export function readLegacyTorch(bytes: Uint8Array, fail: Fail, path: string): LegacyTorchFile {
  const options = { allowedGlobals: 'any' as const, path };
  const magic = readPickleAt(bytes, 0, options);
  if ((typeof magic.value !== 'number' && typeof magic.value !== 'bigint') || BigInt(magic.value) !== MAGIC_NUMBER)
    fail('not a PyTorch checkpoint (the legacy format starts with magic number 0x1950a86a20f9469cfc6c)');
  const protocol = readPickleAt(bytes, magic.end, options);
  if (protocol.value !== PROTOCOL_VERSION)
    fail(`legacy PyTorch checkpoint of unknown protocol version ${String(protocol.value)} (expected ${PROTOCOL_VERSION})`);
  const sysInfo = readPickleAt(bytes, protocol.end, options);
  if (sysInfo.value instanceof PyDict && sysInfo.value.get('little_endian') === false) fail('big-endian checkpoints are not supported');

  const ids = new Map<string, StorageId>();
  const object = readPickleAt(bytes, sysInfo.end, {
    ...options,
    persistentLoad: (pid) => {
      const value = torchPersistentLoad(pid);
      if (value instanceof PyPersistent && pid instanceof PyTuple && pid.items[0] === 'storage') {
        const id = decodeStorageId(value, '?', fail);
        const known = ids.get(id.key);
        if (known !== undefined && (known.dtype !== id.dtype || known.numel !== id.numel))
          fail(`storage ${id.key} is used with conflicting types or sizes`);
        ids.set(id.key, id);
      }
      return value;
    },
  });
  const keyList = readPickleAt(bytes, object.end, options);
  if (!(keyList.value instanceof PyList) || !keyList.value.items.every((k) => typeof k === 'string'))
    fail('the legacy checkpoint has no storage key list after the saved object');

  const data = new Map<string, Uint8Array>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = keyList.end;
  for (const key of (keyList.value as PyList).items as string[]) {
    const id = ids.get(key);
    if (id === undefined) fail(`storage ${key} is listed but no tensor uses it`);
    if (pos + 8 > bytes.byteLength) fail(`truncated: storage ${key} starts past the end of the file (${bytes.byteLength} bytes)`);
    const numel = Number(view.getBigInt64(pos, true));
    const size = numel * DTYPE_BYTES[id!.dtype];
    if (numel !== id!.numel) fail(`storage ${key} has ${numel} elements in the file, but its tensors expect ${id!.numel}`);
    if (pos + 8 + size > bytes.byteLength)
      fail(`truncated: storage ${key} needs ${size} bytes at byte ${pos + 8}, the file has ${bytes.byteLength - pos - 8}`);
    data.set(key, bytes.subarray(pos + 8, pos + 8 + size));
    pos += 8 + size;
  }

  const storageOf: StorageLookup = (id, name): TorchStorage => {
    const root = data.get(id.key);
    if (root === undefined) return fail(`storage ${id.key} of tensor '${name}' is missing from the file`);
    if (id.view === undefined) return { dtype: id.dtype, numel: id.numel, bytes: root };
    const item = DTYPE_BYTES[id.dtype];
    return { dtype: id.dtype, numel: id.view.numel, bytes: root.subarray(id.view.offset * item, (id.view.offset + id.view.numel) * item) };
  };
  return { root: object.value, storageOf };
}
