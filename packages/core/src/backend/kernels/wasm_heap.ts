/**
 * What the native-addon kernels share: access to the wasm backend's heap (outputs it allocates,
 * Float32Array views of tensors, handed to the addon without copies) and the fallback to the kernel
 * registered before for cases the addon does not take.
 */
import type { tf } from '../../tf.js';

/** The parts of tfjs' `BackendWasm` the native kernels use. */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
}

/** A kernel function's arguments. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The wasm backend behind a kernel call. */
export const heapOf = (args: KernelArgs): WasmHeapBackend => args.backend as unknown as WasmHeapBackend;

/** A float32 tensor's data as a view of the wasm heap (take it after the call's last `makeOutput`). */
export const f32 = (b: WasmHeapBackend, t: tf.TensorInfo): Float32Array => b.typedArrayFromHeap(t) as Float32Array;

/**
 * A kernel config on `backendName` that runs `run`, or `fallback()` (the kernel registered before,
 * looked up when needed) when `run` returns undefined for a case it does not take.
 */
export function withFallback(
  kernelName: string,
  backendName: string,
  fallback: () => tf.KernelConfig | undefined,
  run: (args: KernelArgs) => tf.TensorInfo | undefined,
): tf.KernelConfig {
  return {
    kernelName,
    backendName,
    // The fallback binds its wasm functions when a backend instance starts; it still must.
    setupFunc: (backend) => fallback()?.setupFunc?.(backend),
    kernelFunc: (args) => {
      const out = run(args);
      if (out !== undefined) return out;
      const stock = fallback();
      if (!stock) throw new Error(`${kernelName}: no kernel for this case on '${backendName}'`);
      return stock.kernelFunc(args);
    },
  };
}
