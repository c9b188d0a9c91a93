/** Shared test helpers: fixture loading, layout conversion for comparisons, backend switching. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tf } from '../src/tf.js';
import { initBackend } from '../src/backend/init.js';
import { probeNativeKernels } from '../src/backend/onednn.js';
import { readSafetensors } from '../src/interop/safetensors.js';
import type { RawStateDict, RawTensor } from '../src/interop/raw_tensor.js';
import { fromTorchLayout } from '../src/interop/layout.js';
import { randomArray } from './reference_ops.js';

/** Absolute path of a file under test/fixtures. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** Reads a reference safetensors fixture. */
export function loadReference(name: string): RawStateDict {
  return readSafetensors(new Uint8Array(readFileSync(fixturePath(`reference/${name}`)))).tensors;
}

/** The state-dict part of a fixture: drops `input`/`output`, optionally keeps only `prefix.*` keys (stripped). */
export function weightsOf(state: RawStateDict, prefix?: string): RawStateDict {
  const out: RawStateDict = new Map();
  for (const [k, v] of state) {
    if (prefix === undefined) {
      if (!['input', 'output', 'real_A', 'real_B'].includes(k) && !/^[A-Z]+_?[A-Z]*\./.test(k)) out.set(k, v);
    } else if (k.startsWith(`${prefix}.`)) out.set(k.slice(prefix.length + 1), v);
  }
  return out;
}

/** An NCHW fixture tensor as an NHWC tf tensor. */
export function activation(raw: RawTensor): tf.Tensor4D {
  const { shape, data } = fromTorchLayout(raw, 'activation');
  return tf.tensor(data, shape as [number, number, number, number]) as tf.Tensor4D;
}

/** Largest absolute element difference. */
export function maxAbsDiff(a: tf.Tensor | Float32Array, b: tf.Tensor | Float32Array): number {
  const x = a instanceof Float32Array ? a : (a.dataSync() as Float32Array);
  const y = b instanceof Float32Array ? b : (b.dataSync() as Float32Array);
  if (x.length !== y.length) throw new Error(`size mismatch ${x.length} vs ${y.length}`);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

/** Whether the native kernels addon (`@translate/native-kernels`) was built on this machine. */
export const NATIVE_KERNELS = (await probeNativeKernels()).available;

/** A backend a test can run on: 'wasm' is pure wasm, 'wasm-native' wasm with the native kernels. */
export type TestBackend = 'cpu' | 'wasm' | 'wasm-native';

/**
 * The backends every numerical test runs on: cpu, pure wasm, and wasm with the native kernels
 * where the addon was built (so the reference fixtures also check the native path).
 */
export const BACKENDS: readonly TestBackend[] = NATIVE_KERNELS ? ['cpu', 'wasm', 'wasm-native'] : ['cpu', 'wasm'];

/** Switches the tfjs backend through `initBackend`, which also installs gradients and kernel fixes. */
export async function useBackend(name: TestBackend): Promise<void> {
  const nativeKernels = name === 'wasm-native';
  await initBackend(nativeKernels ? 'wasm' : name, { log: () => undefined, nativeKernels });
}

/**
 * Central finite difference of `loss` along a seeded random direction over all `variables` at once,
 * and the same derivative from the analytic gradients (`gradients[i]` belongs to `variables[i]`).
 * Restores nothing: the variables end perturbed.
 */
export function directionalDerivatives(
  variables: readonly tf.Variable[],
  gradients: readonly Float32Array[],
  loss: () => tf.Scalar,
  eps = 1e-2,
): { numeric: number; analytic: number } {
  const directions = variables.map((v, i) => Float32Array.from(randomArray(v.size, 100 + i)));
  const originals = variables.map((v) => v.dataSync().slice() as Float32Array);
  const lossAt = (sign: number) => {
    variables.forEach((v, i) =>
      tf.tidy(() =>
        v.assign(
          tf.tensor(
            originals[i]!.map((o, j) => o + sign * eps * directions[i]![j]!),
            v.shape,
          ),
        ),
      ),
    );
    const l = loss();
    const value = l.dataSync()[0]!;
    l.dispose();
    return value;
  };
  const numeric = (lossAt(1) - lossAt(-1)) / (2 * eps);
  const analytic = gradients.reduce((acc, g, i) => acc + g.reduce((s, x, j) => s + x * directions[i]![j]!, 0), 0);
  return { numeric, analytic };
}
