/**
 * `Sum` and `Mean` for the wasm backend over a contiguous run of axes that leaves the innermost axis
 * (the channels of NHWC: instance-norm statistics, bias and broadcast gradients) as one XNNPACK
 * average pool over the run. Stock wasm transposes the reduced axes innermost first: 13–19× slower
 * on activations (a [1, 64, 64, 256] mean over H, W: 1.83 → 0.14 ms).
 */
import { tf } from '../../tf.js';
import { asTensor } from './util.js';
import { withFallback } from './wasm_heap.js';

/** [outer, mid, inner] when `axes` of `shape` are one contiguous run; else undefined. */
export function contiguousReduction(shape: readonly number[], axes: readonly number[]): [number, number, number] | undefined {
  if (axes.length === 0) return undefined;
  const sorted = [...new Set(axes.map((a) => (a < 0 ? a + shape.length : a)))].sort((a, b) => a - b);
  if (sorted.some((a, i) => a !== sorted[0]! + i || a >= shape.length)) return undefined;
  const prod = (xs: readonly number[]) => xs.reduce((p, d) => p * d, 1);
  const first = sorted[0]!;
  const last = sorted.at(-1)!;
  return [prod(shape.slice(0, first)), prod(shape.slice(first, last + 1)), prod(shape.slice(last + 1))];
}

/** What a `Sum`/`Mean` call reduces: its axes (non-negative) and its output shape. */
export function reductionOf(x: tf.TensorInfo, attrs: unknown): { axes: number[]; outShape: number[] } {
  const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + x.shape.length : a));
  const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  return { axes, outShape };
}

/**
 * A `Sum` or `Mean` kernel config on wasm backend `backendName` that pools float32 reductions over a
 * contiguous run of axes with something after it, and runs `stock()` (the kernel it replaced) for
 * every other case.
 */
export function poolReductionKernel(
  kernelName: 'Sum' | 'Mean',
  backendName: string,
  stock: () => tf.KernelConfig | undefined,
): tf.KernelConfig {
  return withFallback(kernelName, backendName, stock, (args) => {
    const x = args.inputs['x']!;
    const { axes, outShape } = reductionOf(x, args.attrs);
    const split = x.dtype === 'float32' ? contiguousReduction(x.shape, axes) : undefined;
    if (!split || split[0] === 0 || split[1] <= 1 || split[2] <= 1) return undefined;
    const [outer, mid, inner] = split;
    return tf.tidy(() => {
      const mean = tf.avgPool(tf.reshape(asTensor(x), [outer, mid, 1, inner]) as tf.Tensor4D, [mid, 1], [mid, 1], 'valid');
      return tf.reshape(kernelName === 'Sum' ? tf.mul(mean, mid) : mean, outShape);
    });
  });
}
