/**
 * Backend selection: the optional native TensorFlow backends (GPU, then CPU), then WebAssembly, then
 * tfjs' plain JavaScript cpu backend. Selecting one also loads tfjs' stock gradients (the tfjs-core
 * Node build has none) and installs our kernel fixes for it.
 */
import { tf } from '../tf.js';
import { BackendUnavailableError } from './errors.js';
import { installKernelFixes, silenceCpuBanner, type KernelFix } from './install.js';
import { firstLine, loadNative, loadedNative, NATIVE_PACKAGES, preflightNative, type Probe } from './native.js';
import { ensureStockGradients } from './stock_gradients.js';
import { installReleasingBackprop } from './releasing_backprop.js';
import { loadWasm, takeWasmNotice, WASM_PACKAGE, wasmDetails } from './wasm.js';
import { installNativeKernels, nativeKernelsDisabled, probeNativeKernels, uninstallNativeKernels } from './onednn.js';

/** Our backend names, fastest first. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** What `initBackend` accepts: a backend name, or 'auto' for the fastest that loads. */
export type BackendRequest = 'auto' | BackendName;

/** All backend names, fastest first (the order 'auto' tries). */
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** The npm package providing each backend. */
export const BACKEND_PACKAGES: Record<BackendName, string> = {
  ...NATIVE_PACKAGES,
  wasm: WASM_PACKAGE,
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** The tfjs backend name behind each of ours. */
const TF_NAMES: Record<BackendName, string> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

/** The backend `initBackend` selected. */
export interface BackendInfo {
  /** Our name of the backend. */
  name: BackendName;
  /** The tfjs backend name now active (`tf.getBackend()`). */
  tfBackend: string;
  /** The npm package providing it. */
  packageName: string;
  /** tfjs-core version. */
  tfjsVersion: string;
  /** One line of details (SIMD and threads for wasm, GPU use for tensorflow-gpu). */
  detail: string;
  /** Faster backends that 'auto' skipped, with the reason. */
  skipped: Array<{ name: BackendName; reason: string }>;
  /** Kernel and gradient fixes installed for it. */
  fixes: KernelFix[];
  /** The kernels served by the native oneDNN addon (wasm only; empty without it). */
  nativeKernels: readonly string[];
}

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Receives the one-line backend report and notices (default: console.log). */
  log?: (msg: string) => void;
  /**
   * Threads of the wasm backend (1 turns threads off). Default: `$TRANSLATE_WASM_THREADS`, else the
   * number of cores; fixed once the backend holds tensors.
   */
  wasmThreads?: number;
  /**
   * Whether the wasm backend uses the oneDNN convolution/matmul kernels of
   * `@translate/native-kernels` when that addon was built. Default: true unless
   * `TRANSLATE_NATIVE_KERNELS=0`.
   */
  nativeKernels?: boolean;
}

/** Whether one backend can be used here (see {@link describeBackends}). */
export interface BackendStatus {
  name: BackendName;
  available: boolean;
  /** Why not (or a note when available). */
  reason?: string;
  /** The npm package providing it. */
  packageName: string;
  /** What to do to make it available (when it is not and something can be done). */
  hint?: string;
}

let current: BackendInfo | undefined;

/** The backend selected by the last successful {@link initBackend}, if any. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}

async function load(name: BackendName, wasmThreads?: number): Promise<Probe> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return loadNative(name);
    case 'wasm':
      return loadWasm(wasmThreads);
    case 'cpu':
      return tf.findBackendFactory('cpu') != null
        ? { ok: true }
        : { ok: false, reason: `${BACKEND_PACKAGES.cpu} did not register the 'cpu' backend` };
  }
}

async function detailOf(name: BackendName): Promise<string> {
  if (name === 'wasm') {
    const d = await wasmDetails();
    return `${d.simd ? 'SIMD' : 'no SIMD'}, ${d.threads} thread${d.threads === 1 ? '' : 's'}`;
  }
  if (name === 'tensorflow-gpu' || name === 'tensorflow') {
    const b = tf.engine().registry['tensorflow'] as unknown as { isUsingGpuDevice?: boolean } | undefined;
    if (b?.isUsingGpuDevice === true) return 'GPU device in use';
    if (name === 'tensorflow-gpu') return 'no GPU device visible: TensorFlow runs on the CPU';
    return 'TensorFlow C library on the CPU';
  }
  return 'plain JavaScript';
}

/** Short reason for the one-line 'auto' log. */
function brief(reason: string): string {
  if (/is not installed/.test(reason)) return 'not installed';
  if (/native addon/.test(reason)) return 'native addon missing';
  return reason.length > 80 ? `${reason.slice(0, 77)}...` : reason;
}

/**
 * Selects the tfjs backend. 'auto' tries tensorflow-gpu, tensorflow, wasm, cpu in that order. Logs
 * one line naming the choice with its details (e.g. `backend: wasm (SIMD, 2 threads)`) and, for
 * 'auto', why faster ones were skipped; before it, a `notice:` line when the wasm threads could not
 * be used as asked. A named backend that cannot load throws {@link BackendUnavailableError} (naming
 * the package to install and the reason). Then loads tfjs' stock gradients if missing, installs our
 * kernel fixes for the backend (idempotent) and silences the cpu backend's Node banner.
 */
export async function initBackend(name: BackendRequest = 'auto', opts: InitBackendOptions = {}): Promise<BackendInfo> {
  const log = opts.log ?? ((m: string) => console.log(m));
  if (name !== 'auto' && !BACKEND_NAMES.includes(name)) {
    throw new BackendUnavailableError(
      String(name),
      'a known backend',
      `unknown backend (known: auto, ${BACKEND_NAMES.join(', ')})`,
      'Pick one of those',
    );
  }
  silenceCpuBanner();
  const candidates = name === 'auto' ? BACKEND_NAMES : [name];
  const skipped: Array<{ name: BackendName; reason: string }> = [];
  let chosen: BackendName | undefined;
  for (const candidate of candidates) {
    const probe = await load(candidate, opts.wasmThreads);
    if (probe.ok && (await tf.setBackend(TF_NAMES[candidate]))) {
      chosen = candidate;
      break;
    }
    const reason = probe.ok ? `tf.setBackend('${TF_NAMES[candidate]}') failed` : (probe.reason ?? 'failed to load');
    if (name !== 'auto') {
      throw new BackendUnavailableError(candidate, BACKEND_PACKAGES[candidate], reason, probe.hint);
    }
    skipped.push({ name: candidate, reason });
  }
  if (chosen === undefined) {
    throw new BackendUnavailableError('auto', BACKEND_PACKAGES.cpu, skipped.map((s) => `${s.name}: ${s.reason}`).join('; '));
  }
  await tf.ready();
  try {
    await ensureStockGradients();
  } catch (err) {
    log(`warning: ${firstLine(err)}; training (gradients) will not work, inference will`);
  }
  // Our fixes first: the oneDNN kernels take them as the fallback for cases oneDNN does not cover.
  uninstallNativeKernels();
  const fixes = installKernelFixes(TF_NAMES[chosen]);
  installReleasingBackprop();
  silenceCpuBanner();
  const wantNative = chosen === 'wasm' && (opts.nativeKernels ?? !nativeKernelsDisabled());
  const nativeKernels = wantNative ? await installNativeKernels() : [];
  let detail = await detailOf(chosen);
  if (nativeKernels.length > 0) detail += `, ${(await probeNativeKernels()).detail} kernels (conv, matmul) + fused norm/pad/Adam`;
  const info: BackendInfo = {
    name: chosen,
    tfBackend: tf.getBackend(),
    packageName: BACKEND_PACKAGES[chosen],
    tfjsVersion: tf.version_core,
    detail,
    skipped,
    fixes,
    nativeKernels,
  };
  current = info;
  const notice = chosen === 'wasm' ? takeWasmNotice() : undefined;
  if (notice !== undefined) log(`notice: ${notice}`);
  if (wantNative && nativeKernels.length === 0) {
    const s = await probeNativeKernels();
    log(`notice: native kernels unavailable (${s.detail}); using the wasm kernels${s.hint ? `. To enable: ${s.hint}` : ''}`);
  }
  const why = skipped.length > 0 ? `; skipped ${skipped.map((s) => `${s.name} (${brief(s.reason)})`).join(', ')}` : '';
  log(`backend: ${chosen} (${info.detail})${why}`);
  return info;
}

/**
 * Reports which backends can be used here, fastest first, without changing the selected one. The
 * native ones are checked for their package and native addon without importing them (importing is
 * irreversible); a library problem behind a present addon (e.g. CUDA) shows only on `initBackend`.
 * The wasm backend is initialised to be sure it loads.
 */
export async function describeBackends(): Promise<BackendStatus[]> {
  const out: BackendStatus[] = [];
  const native = loadedNative();
  for (const name of BACKEND_NAMES) {
    const packageName = BACKEND_PACKAGES[name];
    let probe: Probe;
    if (name === 'tensorflow-gpu' || name === 'tensorflow') {
      if (native === name) probe = { ok: true, reason: 'loaded' };
      else if (native !== undefined) probe = { ok: false, reason: `${NATIVE_PACKAGES[native]} is loaded in this process instead` };
      else {
        const pre = preflightNative(name);
        probe = pre.ok ? { ok: true, reason: 'package and native addon present (not loaded yet)' } : pre;
      }
    } else {
      try {
        probe = await load(name);
      } catch (err) {
        probe = { ok: false, reason: firstLine(err) };
      }
    }
    out.push({
      name,
      available: probe.ok,
      ...(probe.reason !== undefined ? { reason: probe.reason } : {}),
      packageName,
      ...(!probe.ok && probe.hint ? { hint: probe.hint } : {}),
    });
  }
  return out;
}
