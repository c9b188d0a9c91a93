import { CheckpointFormatError } from './errors.js';
import type { RawDType, RawTensor } from './raw_tensor.js';

/** Bytes per element of each checkpoint dtype. */
export const DTYPE_BYTES: Readonly<Record<RawDType, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** True when `s` is one of the dtype names of {@link RawDType}. */
export function isRawDType(s: unknown): s is RawDType {
  return typeof s === 'string' && Object.hasOwn(DTYPE_BYTES, s);
}

/** Number of elements of a tensor with this shape (1 for a scalar `[]`). */
export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function assertLittleEndianHost(): void {
  if (!LITTLE_ENDIAN_HOST) throw new CheckpointFormatError('checkpoint interop needs a little-endian host');
}

/**
 * Builds a RawTensor that owns a copy of `bytes` (little-endian element data), typed as
 * raw_tensor.ts prescribes: Float32Array for F32, BigInt64Array for I64, Uint8Array otherwise.
 */
export function rawTensorFromBytes(dtype: RawDType, shape: number[], bytes: Uint8Array): RawTensor {
  assertLittleEndianHost();
  const copy = bytes.slice();
  let data: RawTensor['data'];
  if (dtype === 'F32') data = new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  else if (dtype === 'I64') data = new BigInt64Array(copy.buffer, 0, copy.byteLength / 8);
  else data = copy;
  return { dtype, shape: [...shape], data };
}

/**
 * The little-endian bytes of a tensor's data (a view, no copy), after checking that the typed array
 * fits the dtype (F32: Float32Array, I64: BigInt64Array, I32: Int32Array; any dtype: Uint8Array of
 * raw bytes) and that its size is numel × element size. `name` is used in the error message.
 */
export function rawTensorBytes(t: RawTensor, name = '<tensor>'): Uint8Array {
  assertLittleEndianHost();
  if (!isRawDType(t.dtype)) throw new CheckpointFormatError(`tensor '${name}' has unknown dtype ${String(t.dtype)}`);
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new CheckpointFormatError(`tensor '${name}' has an invalid shape ${JSON.stringify(t.shape)}`);
  }
  const d = t.data;
  const okType =
    d instanceof Uint8Array ||
    (t.dtype === 'F32' && d instanceof Float32Array) ||
    (t.dtype === 'I64' && d instanceof BigInt64Array) ||
    (t.dtype === 'I32' && d instanceof Int32Array);
  if (!okType) {
    throw new CheckpointFormatError(`tensor '${name}' (${t.dtype}) has data of type ${d?.constructor?.name ?? typeof d}`);
  }
  const expected = numelOf(t.shape) * DTYPE_BYTES[t.dtype];
  if (d.byteLength !== expected) {
    throw new CheckpointFormatError(
      `tensor '${name}' (${t.dtype} [${t.shape.join(', ')}]) has ${d.byteLength} data bytes, expected ${expected}`,
    );
  }
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** Decodes one IEEE 754 half-precision value given as its 16 bits. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * The tensor's values as a new Float32Array (row-major, same order): F16 and BF16 are decoded,
 * F64 is rounded to float32, integers and BOOL are converted to their numeric values.
 */
export function toFloat32(t: RawTensor, name = '<tensor>'): Float32Array {
  const bytes = rawTensorBytes(t, name);
  const n = numelOf(t.shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  switch (t.dtype) {
    case 'F32':
      out.set(new Float32Array(bytes.slice().buffer));
      break;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      break;
    case 'BF16': {
      const u32 = new Uint32Array(n);
      for (let i = 0; i < n; i++) u32[i] = view.getUint16(i * 2, true) << 16;
      out.set(new Float32Array(u32.buffer));
      break;
    }
    case 'I64':
      for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(i * 8, true));
      break;
    case 'I32':
      for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
      break;
    case 'I16':
      for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true);
      break;
    case 'I8':
      for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      break;
    case 'U8':
    case 'BOOL':
      for (let i = 0; i < n; i++) out[i] = bytes[i]!;
      break;
  }
  return out;
}
