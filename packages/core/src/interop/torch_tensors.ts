/**
 * Tensors as torch.save pickles them, in either serialization: a call of one of torch's rebuild
 * functions (`_rebuild_tensor_v2(storage, offset, size, stride, …)`, parameters wrapping one) whose
 * storage is a persistent id `('storage', <Type>Storage, key, location, numel[, view])`. This module
 * recognises those calls and copies each tensor's elements out of its storage into a contiguous
 * row-major {@link RawTensor}, so tensors that shared a storage or were views no longer do.
 */
import { DTYPE_BYTES, numelOf, rawTensorFromBytes } from './dtype.js';
import { PyCall, PyGlobal, PyPersistent, PyTuple, type PyValue } from './pickle.js';
import type { RawDType, RawTensor } from './raw_tensor.js';

/** The element type of each typed storage class (`torch.FloatStorage`, `torch.cuda.FloatStorage`, …). */
export const STORAGE_DTYPE: Readonly<Record<string, RawDType>> = {
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

/** One storage's elements: their type, count and little-endian bytes (at least numel × size). */
export interface TorchStorage {
  dtype: RawDType;
  numel: number;
  bytes: Uint8Array;
}

/** A storage persistent id, decoded. `view` is the legacy format's storage view (root key, offset, size). */
export interface StorageId {
  dtype: RawDType;
  key: string;
  numel: number;
  view: { key: string; offset: number; numel: number } | undefined;
}

/** Finds the storage of a decoded persistent id, or throws naming `tensorName`. */
export type StorageLookup = (id: StorageId, tensorName: string) => TorchStorage;

/** Reports a problem; never returns (throws CheckpointFormatError in the callers). */
export type Fail = (problem: string) => never;

const REBUILD_TENSOR = new Set(['torch._utils._rebuild_tensor', 'torch._utils._rebuild_tensor_v2']);
const WRAPPERS = new Set([
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch.nn.parameter.Parameter',
  'torch._tensor._rebuild_from_type_v2',
  'torch._tensor._rebuild_from_type',
]);

/**
 * The unpickler's persistent-id hook for torch files: a module-class id `('module', cls, file,
 * source)` stands for the class itself (as torch.load returns it); storage ids stay {@link PyPersistent}.
 */
export function torchPersistentLoad(pid: PyValue): PyValue {
  if (pid instanceof PyTuple && pid.items[0] === 'module' && pid.items[1] instanceof PyGlobal) return pid.items[1];
  return new PyPersistent(pid);
}

/** True for a pickled tensor or parameter (a call of one of torch's rebuild functions). */
export function isTensorNode(v: PyValue | undefined): v is PyCall {
  if (!(v instanceof PyCall)) return false;
  const qn = v.func.qualifiedName;
  if (REBUILD_TENSOR.has(qn)) return true;
  return WRAPPERS.has(qn) && isTensorNode(wrappedTensor(v));
}

/** The tensor a parameter or subclass wrapper holds (`_rebuild_from_type_v2(func, type, args, state)` calls func(*args)). */
function wrappedTensor(node: PyCall): PyValue | undefined {
  const args = node.args.items;
  if (node.func.name.startsWith('_rebuild_from_type')) {
    const [func, , inner] = args;
    return func instanceof PyGlobal && inner instanceof PyTuple ? new PyCall(func, inner) : undefined;
  }
  return args[0];
}

/** Decodes a storage persistent id of either format, or fails naming the tensor. */
export function decodeStorageId(node: PyValue | undefined, name: string, fail: Fail): StorageId {
  const pid = node instanceof PyPersistent ? node.pid : undefined;
  const [tag, type, key, , numel, view] = pid instanceof PyTuple ? pid.items : [];
  if (
    tag !== 'storage' ||
    !(type instanceof PyGlobal) ||
    typeof key !== 'string' ||
    typeof numel !== 'number' ||
    !Number.isSafeInteger(numel) ||
    numel < 0
  ) {
    return fail(`tensor '${name}' has a malformed storage reference`);
  }
  const dtype = STORAGE_DTYPE[type.name];
  if (dtype === undefined || !/^torch(\.cuda)?$/.test(type.module))
    return fail(`tensor '${name}' uses unsupported storage type ${type.qualifiedName}`);
  if (view === undefined || view === null) return { dtype, key, numel, view: undefined };
  const [viewKey, offset, viewNumel] = view instanceof PyTuple ? view.items : [];
  if (
    typeof viewKey !== 'string' ||
    typeof offset !== 'number' ||
    typeof viewNumel !== 'number' ||
    offset < 0 ||
    offset + viewNumel > numel
  ) {
    return fail(`tensor '${name}' has a malformed storage view`);
  }
  return { dtype, key, numel, view: { key: viewKey, offset, numel: viewNumel } };
}

/** Row-major strides of a contiguous tensor of `shape` (what torch.save writes for fresh tensors). */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i]!, 1);
  }
  return strides;
}

/**
 * Copies the tensor a rebuild call describes out of its storage (see {@link StorageLookup}):
 * a contiguous row-major RawTensor of the storage's dtype. Malformed sizes, strides or offsets,
 * and views that read past their storage, fail naming `name`.
 */
export function materializeTensor(node: PyCall, storageOf: StorageLookup, name: string, fail: Fail): RawTensor {
  if (WRAPPERS.has(node.func.qualifiedName)) {
    const inner = wrappedTensor(node);
    if (!isTensorNode(inner)) return fail(`parameter '${name}' does not wrap a tensor`);
    return materializeTensor(inner, storageOf, name, fail);
  }
  const args = node.args.items;
  const storage = storageOf(decodeStorageId(args[0], name, fail), name);
  const offset = args[1];
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0)
    return fail(`tensor '${name}' has an invalid storage offset`);
  const intTuple = (v: PyValue | undefined, what: string): number[] => {
    if (!(v instanceof PyTuple) || !v.items.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) {
      return fail(`tensor '${name}' has an invalid ${what}`);
    }
    return v.items as number[];
  };
  const size = intTuple(args[2], 'size');
  const stride = intTuple(args[3], 'stride');
  if (stride.length !== size.length) fail(`tensor '${name}' has ${size.length} sizes but ${stride.length} strides`);
  const n = numelOf(size);
  const item = DTYPE_BYTES[storage.dtype];
  if (n === 0) return rawTensorFromBytes(storage.dtype, size, new Uint8Array(0));
  let last = offset;
  for (let d = 0; d < size.length; d++) last += (size[d]! - 1) * stride[d]!;
  if (last >= storage.numel) {
    fail(
      `tensor '${name}' (offset ${offset}, size [${size.join(', ')}], stride [${stride.join(', ')}]) reads past its storage of ${storage.numel} elements`,
    );
  }
  const contiguous = contiguousStrides(size).every((s, d) => size[d] === 1 || s === stride[d]);
  if (contiguous) return rawTensorFromBytes(storage.dtype, size, storage.bytes.subarray(offset * item, (offset + n) * item));
  const out = new Uint8Array(n * item);
  const idx = new Array<number>(size.length).fill(0);
  let src = offset;
  for (let i = 0; i < n; i++) {
    out.set(storage.bytes.subarray(src * item, src * item + item), i * item);
    for (let d = size.length - 1; d >= 0; d--) {
      src += stride[d]!;
      if (++idx[d]! < size[d]!) break;
      src -= stride[d]! * size[d]!;
      idx[d] = 0;
    }
  }
  return rawTensorFromBytes(storage.dtype, size, out);
}
