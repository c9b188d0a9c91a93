import { DTYPE_BYTES, isRawDType, numelOf, rawTensorBytes, rawTensorFromBytes } from './dtype.js';
import { CheckpointFormatError } from './errors.js';
import type { RawDType, RawStateDict } from './raw_tensor.js';

/** The contents of a safetensors file: tensors in file order, and the `__metadata__` strings. */
export interface SafetensorsContents {
  tensors: RawStateDict;
  metadata: Record<string, string>;
}

/** Header lengths above this are rejected before allocating anything (the reference limit is 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

/**
 * Parses a safetensors file: u64 little-endian header length N, N bytes of JSON header, then the
 * data. Every tensor is copied out; F32 comes back as Float32Array, I64 as BigInt64Array, every
 * other dtype (F64, F16, BF16, I32, I16, I8, U8, BOOL) as its raw little-endian bytes (Uint8Array;
 * use `toFloat32` to decode F16/BF16). Tensors come in the order their data appears in the file
 * (for files written by writeSafetensors or the reference fixture script: the header order; this
 * also sidesteps JSON.parse moving integer-like names first). Offsets must lie inside
 * the data section, match the shape and dtype, and not overlap; gaps are tolerated.
 * Throws CheckpointFormatError (mentioning `path` when given) for anything malformed.
 */
export function readSafetensors(bytes: Uint8Array, path?: string): SafetensorsContents {
  const fail = (problem: string): never => {
    throw new CheckpointFormatError(`invalid safetensors file: ${problem}`, path);
  };
  if (bytes.byteLength < 8) fail(`truncated: ${bytes.byteLength} bytes, the 8-byte header length is missing`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(bytes.byteLength - 8)) {
    fail(`header length ${n64} exceeds the file size (${bytes.byteLength} bytes); the file is truncated or not safetensors`);
  }
  const n = Number(n64);
  if (n > MAX_HEADER_BYTES) fail(`header length ${n} is larger than ${MAX_HEADER_BYTES}`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + n;
  const dataLen = bytes.byteLength - dataStart;

  const metadata: Record<string, string> = {};
  const entries: Array<{ name: string; dtype: RawDType; shape: number[]; begin: number; end: number }> = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__ value for '${k}' is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    if (typeof info !== 'object' || info === null) fail(`entry '${name}' is not an object`);
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    if (!isRawDType(dtype)) fail(`tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataLen) {
      fail(`tensor '${name}' data_offsets [${begin}, ${end}] are outside the data section (${dataLen} bytes)`);
    }
    const expected = numelOf(shape as number[]) * DTYPE_BYTES[dtype as RawDType];
    if (end - begin !== expected) {
      fail(`tensor '${name}' (${dtype} [${(shape as number[]).join(', ')}]) needs ${expected} bytes, data_offsets give ${end - begin}`);
    }
    entries.push({ name, dtype: dtype as RawDType, shape: shape as number[], begin, end });
  }

  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1]!;
    const cur = byOffset[i]!;
    if (cur.begin < prev.end) fail(`tensors '${prev.name}' and '${cur.name}' have overlapping data_offsets`);
  }

  const tensors: RawStateDict = new Map();
  for (const e of byOffset) {
    tensors.set(e.name, rawTensorFromBytes(e.dtype, e.shape, bytes.subarray(dataStart + e.begin, dataStart + e.end)));
  }
  return { tensors, metadata };
}

/**
 * Serialises tensors to the standard safetensors layout: compact JSON header with the tensors in map
 * order and `__metadata__` last (left out when empty), padded with spaces to a multiple of 8 bytes,
 * then the tensors' little-endian data back to back in the same order. Reading a file written this
 * way (e.g. the reference fixtures) and writing it again gives the same bytes.
 */
export function writeSafetensors(tensors: RawStateDict, metadata: Record<string, string> = {}): Uint8Array {
  const parts: string[] = [];
  const datas: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__') throw new CheckpointFormatError("a tensor cannot be named '__metadata__'");
    const data = rawTensorBytes(t, name);
    parts.push(
      `${JSON.stringify(name)}:{"dtype":${JSON.stringify(t.dtype)},"shape":[${t.shape.join(',')}],` +
        `"data_offsets":[${offset},${offset + data.byteLength}]}`,
    );
    datas.push(data);
    offset += data.byteLength;
  }
  const metaKeys = Object.keys(metadata);
  if (metaKeys.length > 0) {
    for (const k of metaKeys) {
      if (typeof metadata[k] !== 'string') throw new CheckpointFormatError(`safetensors metadata value for '${k}' is not a string`);
    }
    parts.push(`"__metadata__":{${metaKeys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLen = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + headerLen);
  let pos = 8 + headerLen;
  for (const d of datas) {
    out.set(d, pos);
    pos += d.byteLength;
  }
  return out;
}
