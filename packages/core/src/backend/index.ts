/**
 * Tensor runtime (layer 1): picks the tfjs backend and fills the gaps and bugs of tfjs 4.22 so that
 * every model trains on every backend.
 *
 * - `initBackend(name)` selects tensorflow-gpu / tensorflow / wasm / cpu ('auto': the fastest that
 *   loads), loads tfjs' stock gradients (the tfjs-core Node build registers none) and installs:
 *   - kernels: `Conv2DBackpropFilter` (wasm: missing; cpu: ~50× slower than ours),
 *     `Conv2DBackpropInput` (wasm: stock is 4–10× slower; ours is a sub-pixel decomposition into
 *     forward convs), `MaxPoolGrad` (wasm: stock gives wrong values for 2×2/2 and 3×3/2 'same'),
 *     `Slice` (wasm: stock copies the whole input out of the heap; ours copies the slice from heap views);
 *   - gradients (all backends): `MirrorPad` (stock drops the mirrored border), `Conv2D` (adds
 *     dilations > 1).
 * - with `@translate/native-kernels` built (oneDNN), the wasm backend's convolutions, matmuls,
 *   contiguous sums/means and our fused kernels (instance norm [+ ReLU], mirror-pad gradient, Adam;
 *   see `fused.ts`) run natively, in place on the wasm heap (`nativeKernels` option,
 *   `TRANSLATE_NATIVE_KERNELS=0` turns it off).
 * - the backward pass frees each gradient and saved activation as soon as it is used
 *   (`releasing_backprop.ts`); wasm's `Identity` shares storage instead of copying.
 * - wasm runs multithreaded in Node (one thread per core, at most 8; `wasmThreads` option or
 *   `TRANSLATE_WASM_THREADS`, 1 = off), which stock tfjs cannot do there (see `wasm_threads.ts`).
 * - `describeBackends()` reports what can load here (for `translate doctor`).
 *
 * Known tfjs pitfalls this layer does NOT fix, for callers to respect:
 * - `tf.batchNorm` with a null/undefined scale or offset crashes while gradients are recorded
 *   (`reading 'dataId'`, cpu and wasm): always pass explicit tensors (ones / zeros).
 * - `tf.batchNorm`'s gradient also breaks when mean/variance carry a batch axis (e.g. instance norm
 *   with moments of shape [n,1,1,c]): write instance norm from sub/mul/rsqrt (or a custom gradient).
 * - `depthToSpace` has no gradient anywhere: build pixel shuffle from reshape → transpose → reshape.
 * - `gather` has no gradient on wasm (`UnsortedSegmentSum` is missing there): avoid it in training.
 * - Depthwise conv has no gradients on wasm (`DepthwiseConv2dNativeBackprop*` are missing).
 * - Chained tensor methods (`x.reshape(...)`) are not registered by tfjs-core: use `tf.reshape(x)`.
 */
export {
  initBackend,
  describeBackends,
  currentBackend,
  BACKEND_NAMES,
  BACKEND_PACKAGES,
  type BackendName,
  type BackendRequest,
  type BackendInfo,
  type BackendStatus,
  type InitBackendOptions,
} from './init.js';
export { BackendUnavailableError } from './errors.js';
export { installKernelFixes, kernelFixesFor, silenceCpuBanner, type KernelFix } from './install.js';
export {
  probeNativeKernels,
  installNativeKernels,
  uninstallNativeKernels,
  nativeKernelsInstalled,
  nativeKernelsDisabled,
  NATIVE_KERNELS_PACKAGE,
  type NativeKernelsStatus,
} from './onednn.js';
export { winogradDisabled } from './kernels/winograd_wasm.js';
export { relaxedSimdSupported, relaxedSimdWanted } from './kernels/winograd_runtime.js';
export { installReleasingBackprop } from './releasing_backprop.js';
export { withFrozenWeights } from './frozen_weights.js';
export { ensureStockGradients, hasStockGradients } from './stock_gradients.js';
export {
  conv2dBackpropFilter,
  type Conv2DBackpropFilterArgs,
  type BackpropFilterMethod,
} from './kernels/conv2d_backprop_filter.js';
export { conv2dBackpropInput, type Conv2DBackpropInputArgs } from './kernels/conv2d_backprop_input.js';
export { maxPoolGrad, type MaxPoolGradArgs } from './kernels/max_pool_grad.js';

export { foldMirrorPad } from './gradients/mirror_pad_grad.js';
