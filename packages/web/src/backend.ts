/** Picks the first TensorFlow.js backend that initialises: WebGPU, then WebGL, then wasm. */
import { tf } from '@translate/core/tf';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** The backends in the order they are tried. */
export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm'] as const;

/** One of {@link BACKEND_ORDER}. */
export type BackendName = (typeof BACKEND_ORDER)[number];

/** The wasm binaries by tfjs file name (`tfjs-backend-wasm.wasm`, `…-simd.wasm`, `…-threaded-simd.wasm`) → URL. */
export type WasmBinaries = Record<string, string>;

/** What {@link selectBackend} needs: the order to try and, for wasm, how to get its binaries. */
export interface BackendChoice {
  order: readonly BackendName[];
  /** Resolves the URLs of the wasm binaries (e.g. blob URLs of embedded copies); called only if wasm is tried. */
  wasmBinaries: () => Promise<WasmBinaries>;
}

/** Initialises the first backend of `order` that works and returns its name; throws naming why each failed. */
export async function selectBackend({ order, wasmBinaries }: BackendChoice): Promise<BackendName> {
  const failures: string[] = [];
  for (const name of order) {
    try {
      if (name === 'wasm') {
        // Threads need cross-origin isolation, which file:// and most static hosts lack.
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
        setWasmPaths(await wasmBinaries());
      }
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
      failures.push(`${name}: did not initialise`);
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(`No TensorFlow.js backend works in this browser (${failures.join('; ')}).`);
}

/** The backend order a `?backend=` value asks for: one name alone, or all of them when absent. */
export function backendOrder(requested: string | null): BackendName[] {
  if (requested === null || requested === '') return [...BACKEND_ORDER];
  const name = BACKEND_ORDER.find((b) => b === requested);
  if (!name) throw new Error(`?backend=${requested} is unknown; use ${BACKEND_ORDER.join(', ')}.`);
  return [name];
}
