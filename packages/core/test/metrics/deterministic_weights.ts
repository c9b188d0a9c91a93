/**
 * The deterministic weights of the metric fixtures, the same formula as
 * fixtures/make_eval_fixtures.py (`deterministic_values`): for a state-dict key, seed = Σ (j+1)·code(key[j])
 * mod 1000 and b_i = sin(seed + 0.37 i + 0.001 i²) over the tensor's torch-layout elements; then
 * `lin*` keys (1 + b)/fan_in, running_var 1 + 0.5b, running_mean 0.02b, ≥2-D weights 2b/√fan_in,
 * other 1-D weights 1 + 0.1b, biases 0.02b. `num_batches_tracked` is kept.
 */
import type { Module } from '../../src/nn/module.js';
import type { RawStateDict } from '../../src/interop/raw_tensor.js';

/** The formula's values for one key and torch shape, rounded to float32. */
export function deterministicValues(key: string, shape: readonly number[]): Float32Array {
  let seed = 0;
  for (let j = 0; j < key.length; j++) seed += (j + 1) * key.charCodeAt(j);
  seed %= 1000;
  const n = shape.reduce((a, b) => a * b, 1);
  const fanIn = shape.length >= 2 ? shape.slice(1).reduce((a, b) => a * b, 1) : 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const b = Math.sin(seed + 0.37 * i + 0.001 * i * i);
    if (key.startsWith('lin')) out[i] = (1 + b) / fanIn;
    else if (key.endsWith('running_var')) out[i] = 1 + 0.5 * b;
    else if (key.endsWith('running_mean')) out[i] = 0.02 * b;
    else if (shape.length >= 2) out[i] = (2 / Math.sqrt(fanIn)) * b;
    else if (key.endsWith('weight')) out[i] = 1 + 0.1 * b;
    else out[i] = 0.02 * b;
  }
  return out;
}

/** The module's state dict with every float tensor replaced by the formula (keys and shapes as the module's). */
export function deterministicState(module: Module<any, any>): RawStateDict {
  const state: RawStateDict = new Map();
  for (const [key, t] of module.stateDict()) {
    state.set(key, t.dtype === 'F32' ? { dtype: 'F32', shape: t.shape, data: deterministicValues(key, t.shape) } : t);
  }
  return state;
}
