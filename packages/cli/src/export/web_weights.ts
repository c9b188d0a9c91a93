/** The exported generators' weights as content-hashed `<script>` shards of at most 4 MB each. */
import { createHash } from 'node:crypto';
import { rawTensorBytes, toFloat32, type RawStateDict } from '@translate/core';
import { ASSET_GLOBAL, halfBytes, type ShardEntry, type TensorEntry } from '@translate/web/export';

/** Largest shard payload in bytes (before base64). */
export const SHARD_BYTES = 4 * 1024 * 1024;

/** One shard file: its manifest entry and the script text. */
export interface ShardFile extends ShardEntry {
  text: string;
}

/** All networks' tensors laid end to end (float32 as float16 when asked), their entries per network, and the shards. */
export function packWeights(states: readonly RawStateDict[], float16: boolean): { tensors: TensorEntry[][]; shards: ShardFile[] } {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const tensors = states.map((state) =>
    [...state].map(([key, raw]): TensorEntry => {
      const half = float16 && raw.dtype === 'F32';
      const bytes = half ? halfBytes(toFloat32(raw, key)) : rawTensorBytes(raw, key);
      if (!half && raw.dtype !== 'F32' && raw.dtype !== 'I64')
        throw new Error(`--format web stores F32 and I64 tensors; ${key} is ${raw.dtype}.`);
      chunks.push(bytes);
      const entry: TensorEntry = {
        key,
        dtype: half ? 'F16' : (raw.dtype as 'F32' | 'I64'),
        shape: [...raw.shape],
        offset,
        bytes: bytes.length,
      };
      offset += bytes.length;
      return entry;
    }),
  );
  return { tensors, shards: shardsOf(Buffer.concat(chunks)) };
}

function shardsOf(all: Buffer): ShardFile[] {
  const shards: ShardFile[] = [];
  for (let at = 0; at < all.length; at += SHARD_BYTES) {
    const part = all.subarray(at, at + SHARD_BYTES);
    const file = `weights-${createHash('sha256').update(part).digest('hex').slice(0, 16)}.js`;
    shards.push({ file, bytes: part.length, text: `${ASSET_GLOBAL}(${JSON.stringify(file)},"${part.toString('base64')}");\n` });
  }
  return shards;
}
