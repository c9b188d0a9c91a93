/**
 * Inference with weights that do not change. Inside `withFrozenWeights(fn)` (what a model's
 * `test()` runs in), the native convolutions keep each network weight in their own layout across
 * calls — oneDNN's Winograd kernels then skip transforming the filter on every image, and run
 * their inference variant. Only the data of registered variables (network parameters) is kept:
 * tfjs tensors are immutable, so one variable's data id always holds the same values (assigning a
 * variable gives it a new one). Filters computed during the pass (spectral norm's W/σ) are not kept.
 */
import { tf } from '../tf.js';

let frozen: WeakSet<object> | null = null;
const keys = new WeakMap<object, number>();
let nextKey = 1;

/** Runs `fn` with the current data of every variable declared unchanging (nested calls share it). */
export function withFrozenWeights<T>(fn: () => T): T {
  if (frozen) return fn();
  frozen = new WeakSet(Object.values(tf.engine().state.registeredVariables).map((v) => v.dataId));
  try {
    return fn();
  } finally {
    frozen = null;
  }
}

/**
 * A key (> 0) naming the values of tensor data `dataId` while `withFrozenWeights` runs and no
 * gradient is being recorded, if it is a variable's data; else 0 (the weights may change).
 */
export function frozenWeightsKey(dataId: object): number {
  if (!frozen?.has(dataId) || tf.engine().state.gradientDepth > 0) return 0;
  let key = keys.get(dataId);
  if (key === undefined) {
    key = nextKey++;
    keys.set(dataId, key);
  }
  return key;
}
