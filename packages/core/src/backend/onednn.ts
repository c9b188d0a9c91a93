/**
 * The optional native CPU path (`@translate/native-kernels`): oneDNN convolutions and matmuls, and
 * fused memory-bound kernels (instance norm, mirror-pad gradient, Adam, contiguous sums/means),
 * registered as kernels of the wasm backend and working in place on its heap. Everything else stays
 * on wasm. Used by `initBackend('wasm' | 'auto')` when the addon was built at install time;
 * `TRANSLATE_NATIVE_KERNELS=0` (or `useNative: false`) keeps the pure wasm kernels.
 */
import { tf } from '../tf.js';
import { firstLine } from './native.js';
import { FUSED_GRADIENTS } from './fused.js';
import { NATIVE_FUSED_KERNEL_NAMES, nativeFusedKernels } from './kernels/native_fused_kernels.js';
import { ONEDNN_KERNEL_NAMES, onednnKernels } from './kernels/onednn_kernels.js';

/** Every kernel the addon serves. */
const NATIVE_KERNEL_NAMES: readonly string[] = [...ONEDNN_KERNEL_NAMES, ...NATIVE_FUSED_KERNEL_NAMES];

/** Whether the native kernels can be used, and why not. */
export interface NativeKernelsStatus {
  available: boolean;
  /** "oneDNN 2.6.3" when available; else why not. */
  detail: string;
  /** How to enable them (when unavailable). */
  hint?: string;
}

/** npm package of the addon. */
export const NATIVE_KERNELS_PACKAGE = '@translate/native-kernels';

type Addon = import('@translate/native-kernels').NativeKernels;

let addon: Addon | undefined;
let status: NativeKernelsStatus | undefined;
/** Our kernel configs, per backend. */
const configs = new Map<string, tf.KernelConfig[]>();
/** The kernels ours replaced, per backend (restored by {@link uninstallNativeKernels}). */
const replaced = new Map<string, Map<string, tf.KernelConfig | undefined>>();

/** Whether the environment turns the native kernels off (`TRANSLATE_NATIVE_KERNELS=0`). */
export function nativeKernelsDisabled(): boolean {
  return ['0', 'off', 'false'].includes((process.env['TRANSLATE_NATIVE_KERNELS'] ?? '').toLowerCase());
}

/** Loads the addon once; reports whether it is usable (never throws). */
export async function probeNativeKernels(): Promise<NativeKernelsStatus> {
  if (status) return status;
  try {
    const mod = await import('@translate/native-kernels');
    const probe = mod.loadAddon();
    if (probe.ok) {
      addon = probe.kernels;
      status = { available: true, detail: probe.version };
    } else {
      status = { available: false, detail: probe.reason, hint: probe.hint };
    }
  } catch (err) {
    status = { available: false, detail: `${NATIVE_KERNELS_PACKAGE} is not installed (${firstLine(err)})` };
  }
  return status;
}

/**
 * Registers the addon's kernels on the wasm backend `backendName` (after our kernel fixes, whose
 * kernels become the fallback for cases the addon does not take). Idempotent. Returns the kernel
 * names now served by the addon (empty when it is unavailable).
 */
export async function installNativeKernels(backendName = 'wasm'): Promise<readonly string[]> {
  const s = await probeNativeKernels();
  if (!s.available || !addon) return [];
  if (replaced.has(backendName)) return NATIVE_KERNEL_NAMES;
  const previous = new Map<string, tf.KernelConfig | undefined>();
  for (const name of NATIVE_KERNEL_NAMES) previous.set(name, tf.getKernel(name, backendName));
  // Created once per backend, so re-installing registers the same objects.
  let kernels = configs.get(backendName);
  if (!kernels) {
    const lookup = (name: string) => previous.get(name);
    kernels = [...onednnKernels(addon, backendName, lookup), ...nativeFusedKernels(addon, backendName, lookup)];
    configs.set(backendName, kernels);
  }
  for (const config of kernels) {
    if (previous.get(config.kernelName)) tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel(config);
  }
  for (const gradient of FUSED_GRADIENTS) if (tf.getGradient(gradient.kernelName) !== gradient) tf.registerGradient(gradient);
  replaced.set(backendName, previous);
  return NATIVE_KERNEL_NAMES;
}

/** Puts back the kernels {@link installNativeKernels} replaced on `backendName` (for comparisons). */
export function uninstallNativeKernels(backendName = 'wasm'): void {
  const previous = replaced.get(backendName);
  if (!previous) return;
  for (const [name, config] of previous) {
    tf.unregisterKernel(name, backendName);
    if (config) tf.registerKernel(config);
  }
  replaced.delete(backendName);
}

/** Whether the addon's kernels are registered on `backendName` now. */
export function nativeKernelsInstalled(backendName = 'wasm'): boolean {
  return replaced.has(backendName);
}
