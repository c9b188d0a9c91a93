/** What the page sets up once: the backend, the weights and the generators. */
import type { Module } from '@translate/core/nn';
import { selectBackend, type BackendName } from '../backend.js';
import { buildGenerator } from '../generators.js';
import { infer, networkCall } from '../inference.js';
import type { NetworkEntry, WebManifest } from '../manifest.js';
import type { FloatImage } from '../pixels.js';
import { concatBytes } from '../weights.js';
import { loadScriptAsset } from './script_assets.js';
import { wasmBinaries } from './wasm_assets.js';

/** A ready page: the backend that runs and one translate function per exported network. */
export interface Session {
  backend: BackendName;
  networks: NetworkEntry[];
  /** Runs network `name` on `input` (float HWC in the network's range); `tile` 0 forces one pass. */
  run(name: string, input: FloatImage, options: { tile?: number; onProgress?: (done: number, total: number) => void }): Promise<FloatImage>;
}

/** Loads the weight shards (reporting each), picks the backend and builds every generator. */
export async function openSession(manifest: WebManifest, order: readonly BackendName[], onStep: (line: string) => void): Promise<Session> {
  const parts: Uint8Array[] = [];
  for (const [i, shard] of manifest.shards.entries()) {
    onStep(`Loading weights ${i + 1}/${manifest.shards.length}…`);
    parts.push(await loadScriptAsset(shard.file));
  }
  const bytes = concatBytes(parts);
  onStep('Starting the backend…');
  const backend = await selectBackend({ order, wasmBinaries });
  const modules = new Map<string, { module: Module<any, any>; entry: NetworkEntry }>();
  for (const entry of manifest.networks) modules.set(entry.name, { module: buildGenerator(entry, bytes), entry });
  return {
    backend,
    networks: manifest.networks,
    run(name, input, options) {
      const found = modules.get(name);
      if (!found) throw new Error(`The export has no network ${name}.`);
      return infer(networkCall(found.module, found.entry.class), input, { preprocessing: found.entry.preprocessing, ...options });
    },
  };
}
