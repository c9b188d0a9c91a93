/** The wasm backend's binaries, shipped as script assets and handed to tfjs as blob URLs. */
import type { WasmBinaries } from '../backend.js';
import { loadScriptAsset } from './script_assets.js';

/** The script holding the SIMD binary, and the one holding the plain binary for browsers without SIMD. */
export const WASM_SCRIPTS = { simd: 'tfjs-backend-wasm-simd.js', plain: 'tfjs-backend-wasm.js' } as const;

async function simdSupported(): Promise<boolean> {
  // The smallest module using a v128 op (the check tfjs itself makes).
  const probe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);
  return WebAssembly.validate(probe);
}

/** Blob URLs of the one binary this browser runs, under all three tfjs file names (threads are off). */
export async function wasmBinaries(): Promise<WasmBinaries> {
  const script = (await simdSupported()) ? WASM_SCRIPTS.simd : WASM_SCRIPTS.plain;
  const bytes = await loadScriptAsset(script);
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/wasm' }));
  return { 'tfjs-backend-wasm.wasm': url, 'tfjs-backend-wasm-simd.wasm': url, 'tfjs-backend-wasm-threaded-simd.wasm': url };
}
