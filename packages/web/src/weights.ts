/** Turning the export's weight bytes back into state dicts. */
import { rawTensorFromBytes, toFloat32, type RawStateDict } from '@translate/core/interop';
import type { NetworkEntry } from './manifest.js';

/** Decodes base64 (as the shard scripts carry it) to bytes. */
export function base64ToBytes(base64: string): Uint8Array {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** The shards' bytes end to end, in manifest order. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A network's state dict (float16 entries widened to float32) from the concatenated shard bytes. */
export function stateDictOf(network: NetworkEntry, bytes: Uint8Array): RawStateDict {
  const state: RawStateDict = new Map();
  for (const t of network.tensors) {
    const raw = rawTensorFromBytes(t.dtype, t.shape, bytes.subarray(t.offset, t.offset + t.bytes));
    state.set(t.key, t.dtype === 'F16' ? { dtype: 'F32', shape: t.shape, data: toFloat32(raw, t.key) } : raw);
  }
  return state;
}
