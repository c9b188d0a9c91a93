/**
 * Registers our kernel replacements and gradient fixes. Kernels are per tfjs backend; gradients are
 * global (one registry for all backends). Idempotent: re-running re-asserts ours (e.g. after a native
 * package import re-registered tfjs' stock ones) and never warns.
 */
import { tf } from '../tf.js';
import { conv2dBackpropFilterKernel } from './kernels/conv2d_backprop_filter.js';
import { conv2dBackpropInputKernel } from './kernels/conv2d_backprop_input.js';
import { maxPoolGradKernel } from './kernels/max_pool_grad.js';
import { sliceWasmKernel } from './kernels/slice_wasm.js';
import { identityWasmKernel } from './kernels/identity_wasm.js';
import { poolReductionKernel } from './kernels/reduce_wasm.js';
import { windowsWasmKernel } from './kernels/windows_wasm.js';
import { conv2DWasmKernel, fusedConv2DWasmKernel, winogradFilterGradKernel, winogradInputGradKernel } from './kernels/winograd_wasm.js';
import { conv2dGradConfig } from './gradients/conv2d_grad.js';
import { mirrorPadGradConfig } from './gradients/mirror_pad_grad.js';

/** One fix: what it replaces, where, and why. */
export interface KernelFix {
  /** tfjs kernel (or, for gradients, forward kernel) name. */
  kernel: string;
  /** tfjs backend name, or '*' for a gradient (global). */
  backend: string;
  kind: 'kernel' | 'gradient';
  why: string;
}

/** Makes a fix's kernel config for a backend; `stock()` is the kernel it replaced there (if any). */
type MakeKernel = (backend: string, stock: () => tf.KernelConfig | undefined) => tf.KernelConfig;

const WASM_CONV_WHY =
  'Winograd F(4x4,3x3) for 3x3 stride-1 convs with 32+ channels (4x fewer multiplications than XNNPACK direct); ' +
  "large filters on small outputs without XNNPACK's per-filter packing (10-200x the conv)";

const KERNEL_FIXES: Array<{ backend: string; make: MakeKernel; why: string }> = [
  { backend: 'wasm', make: conv2dBackpropFilterKernel, why: 'missing on wasm (no conv gradients)' },
  { backend: 'wasm', make: conv2dBackpropInputKernel, why: 'stock is 4-10x slower than the forward conv' },
  { backend: 'wasm', make: maxPoolGradKernel, why: "stock gives wrong values (2x2 stride 2; also 3x3 stride 2 'same')" },
  { backend: 'wasm', make: sliceWasmKernel, why: 'stock copies the whole input out of the wasm heap on every call' },
  { backend: 'wasm', make: identityWasmKernel, why: 'stock copies the data (doubling what gradients save)' },
  {
    backend: 'wasm',
    make: (b, stock) => poolReductionKernel('Mean', b, stock),
    why: 'stock transposes the reduced axes innermost first (13-19x slower over H, W)',
  },
  {
    backend: 'wasm',
    make: (b, stock) => poolReductionKernel('Sum', b, stock),
    why: 'stock transposes the reduced axes innermost first (13-19x slower over H, W)',
  },
  {
    backend: 'wasm',
    make: windowsWasmKernel,
    why: 'our filter-gradient columns in one pass over the heap (ops: a slice per tap, then a stack)',
  },
  { backend: 'wasm', make: conv2DWasmKernel, why: WASM_CONV_WHY },
  { backend: 'wasm', make: fusedConv2DWasmKernel, why: WASM_CONV_WHY },
  {
    backend: 'wasm',
    make: winogradInputGradKernel,
    why: 'the Winograd input gradient of 3x3 stride-1 convs, flipping the filter in its transform (Conv2DBackpropInput route)',
  },
  {
    backend: 'wasm',
    make: winogradFilterGradKernel,
    why: 'the Winograd filter gradient of 3x3 stride-1 convs (conv2dBackpropFilter route)',
  },
  { backend: 'cpu', make: conv2dBackpropFilterKernel, why: 'stock is extremely slow' },
];

const GRADIENT_FIXES: Array<{ config: tf.GradConfig; why: string }> = [
  { config: mirrorPadGradConfig, why: "stock 'reflect'/'symmetric' gradient drops the mirrored border" },
  { config: conv2dGradConfig, why: 'stock asserts dilation 1 and drops dimRoundingMode' },
];

/** Kernel configs we created, per backend and kernel, so identity tells ours from others. */
const ours = new Map<string, tf.KernelConfig>();
/** The kernels ours replaced, per backend and kernel (undefined when there was none). */
const stock = new Map<string, tf.KernelConfig | undefined>();

const key = (kernel: string, backend: string) => `${backend}/${kernel}`;

function ourKernel(make: MakeKernel, backend: string): tf.KernelConfig {
  const probe = make(backend, () => stock.get(key(probe.kernelName, backend)));
  const k = key(probe.kernelName, backend);
  let config = ours.get(k);
  if (!config) {
    config = probe;
    ours.set(k, config);
  }
  return config;
}

/** The fixes that apply to tfjs backend `backendName` (its kernels plus the global gradients). */
export function kernelFixesFor(backendName: string): KernelFix[] {
  const kernels = KERNEL_FIXES.filter((f) => f.backend === backendName).map((f) => ({
    kernel: f.make(backendName, () => undefined).kernelName,
    backend: backendName,
    kind: 'kernel' as const,
    why: f.why,
  }));
  const gradients = GRADIENT_FIXES.map((g) => ({
    kernel: g.config.kernelName,
    backend: '*',
    kind: 'gradient' as const,
    why: g.why,
  }));
  return [...kernels, ...gradients];
}

/**
 * Installs the fixes for tfjs backend `backendName` ('wasm', 'cpu', 'tensorflow', ...) and the global
 * gradient fixes. Call after tfjs' stock gradients are loaded (see `ensureStockGradients`), since the
 * last registration wins. Returns the fixes now active for that backend.
 */
export function installKernelFixes(backendName: string): KernelFix[] {
  for (const fix of KERNEL_FIXES) {
    if (fix.backend !== backendName) continue;
    const config = ourKernel(fix.make, backendName);
    const current = tf.getKernel(config.kernelName, backendName);
    if (current === config) continue;
    const k = key(config.kernelName, backendName);
    if (!stock.has(k)) stock.set(k, current);
    if (current) tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel(config);
  }
  for (const { config } of GRADIENT_FIXES) {
    if (tf.getGradient(config.kernelName) === config) continue;
    // registerGradient overwrites silently (it warns only in DEBUG mode).
    tf.registerGradient(config);
  }
  return kernelFixesFor(backendName);
}

/**
 * The kernel our fix replaced on `backendName` (undefined if none was registered or ours is not
 * installed). For tests and benchmarks that compare against stock behaviour.
 */
export function stockKernel(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  return stock.get(key(kernelName, backendName));
}

/**
 * Stops tfjs' cpu backend from printing its "Hi, looks like you are running TensorFlow.js in
 * Node.js" banner (it prints on the first tensor it stores). Cheap: initialises the cpu backend
 * object if needed and clears its first-use flag.
 */
export function silenceCpuBanner(): void {
  if (tf.findBackendFactory('cpu') == null) return;
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu && 'firstUse' in cpu) cpu.firstUse = false;
}
