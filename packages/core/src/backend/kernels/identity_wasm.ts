/**
 * `Identity` for the wasm backend that shares the input's storage (reference-counted, as the cpu
 * backend does) instead of copying it. tfjs clones every tensor a gradient saves, so stock doubled
 * the memory of everything kept for the backward pass and spent a copy on each.
 */
import { tf } from '../../tf.js';

/** An `Identity` kernel config for the wasm backend `backendName`. */
export function identityWasmKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: tf.Identity,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs['x']!;
      (backend as unknown as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
    },
  };
}
