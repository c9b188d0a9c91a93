/**
 * Memory-bound kernels from the native addon, in place on the wasm heap: `Sum` and `Mean` over a
 * contiguous run of axes (e.g. a bias gradient, or per-channel statistics), and our fused kernels
 * (instance norm, alone or with a ReLU, and its gradient, the mirror-pad gradient, the Adam update; see `fused.ts`), each
 * one pass or two over memory where the op-level versions take five to twelve.
 */
import type { NativeKernels } from '@translate/native-kernels';
import { tf } from '../../tf.js';
import { FUSED } from '../fused.js';
import { contiguousReduction, reductionOf } from './reduce_wasm.js';
import { f32, heapOf, withFallback } from './wasm_heap.js';

/** `Sum`/`Mean` for float32 over contiguous axes; `fallback` for the rest. */
function reduction(
  native: NativeKernels,
  backendName: string,
  kernelName: string,
  mean: boolean,
  fallback: () => tf.KernelConfig | undefined,
): tf.KernelConfig {
  return withFallback(kernelName, backendName, fallback, (args) => {
    const x = args.inputs['x']!;
    const { axes, outShape } = reductionOf(x, args.attrs);
    const split = x.dtype === 'float32' ? contiguousReduction(x.shape, axes) : undefined;
    if (!split || split[1] === 0 || split[0] * split[2] === 0) return undefined;
    const b = heapOf(args);
    const out = b.makeOutput(outShape, 'float32');
    native.reduce(f32(b, x), f32(b, out), split[0], split[1], split[2], mean);
    return out;
  });
}

/**
 * The addon's memory-bound kernels for the wasm backend `backendName`; `previous(name)` gives the
 * kernel `Sum`/`Mean` replace (used for the cases they do not take).
 */
export function nativeFusedKernels(
  native: NativeKernels,
  backendName: string,
  previous: (kernelName: string) => tf.KernelConfig | undefined,
): tf.KernelConfig[] {
  const normalization = (kernelName: string, relu: boolean): tf.KernelConfig => ({
    kernelName,
    backendName,
    kernelFunc: (args) => {
      const x = args.inputs['x']!;
      const { eps } = args.attrs as unknown as { eps: number };
      const [n, h, w, c] = x.shape as [number, number, number, number];
      const b = heapOf(args);
      const y = b.makeOutput([...x.shape], 'float32');
      const mean = b.makeOutput([n, 1, 1, c], 'float32');
      const rstd = b.makeOutput([n, 1, 1, c], 'float32');
      native.instanceNorm(f32(b, x), f32(b, y), f32(b, mean), f32(b, rstd), n, h * w, c, eps, relu);
      return [y, mean, rstd];
    },
  });
  const normalizationGrad = (kernelName: string): tf.KernelConfig => ({
    kernelName,
    backendName,
    kernelFunc: (args) => {
      const { x, dy, mean, rstd, y } = args.inputs as Record<string, tf.TensorInfo | undefined>;
      const [n, h, w, c] = x!.shape as [number, number, number, number];
      const b = heapOf(args);
      const dx = b.makeOutput([...x!.shape], 'float32');
      native.instanceNormGrad(f32(b, x!), f32(b, dy!), f32(b, mean!), f32(b, rstd!), f32(b, dx), n, h * w, c, y ? f32(b, y) : null);
      return dx;
    },
  });
  const mirrorPadGrad: tf.KernelConfig = {
    kernelName: FUSED.mirrorPadGrad,
    backendName,
    kernelFunc: (args) => {
      const dy = args.inputs['dy']!;
      const { paddings, mode } = args.attrs as unknown as { paddings: Array<[number, number]>; mode: string };
      const [[top, bottom], [left, right]] = [paddings[1]!, paddings[2]!];
      const [n, ph, pw, c] = dy.shape as [number, number, number, number];
      const h = ph - top - bottom;
      const w = pw - left - right;
      const b = heapOf(args);
      const dx = b.makeOutput([n, h, w, c], 'float32');
      native.mirrorPadGrad(f32(b, dy), f32(b, dx), Int32Array.from([n, h, w, c, top, bottom, left, right, mode === 'reflect' ? 1 : 0]));
      return dx;
    },
  };
  const adam: tf.KernelConfig = {
    kernelName: FUSED.adam,
    backendName,
    kernelFunc: (args) => {
      const { param, grad, m, v } = args.inputs as Record<string, tf.TensorInfo>;
      const { hyper } = args.attrs as unknown as { hyper: number[] };
      const b = heapOf(args);
      const outs = [param!, m!, v!].map((t) => b.makeOutput([...t.shape], 'float32'));
      native.adam(
        f32(b, param!),
        f32(b, grad!),
        f32(b, m!),
        f32(b, v!),
        f32(b, outs[0]!),
        f32(b, outs[1]!),
        f32(b, outs[2]!),
        Float32Array.from(hyper),
      );
      return outs;
    },
  };
  return [
    reduction(native, backendName, tf.Sum, false, () => previous(tf.Sum)),
    reduction(native, backendName, tf.Mean, true, () => previous(tf.Mean)),
    normalization(FUSED.instanceNorm, false),
    normalization(FUSED.instanceNormRelu, true),
    normalizationGrad(FUSED.instanceNormGrad),
    normalizationGrad(FUSED.instanceNormReluGrad),
    mirrorPadGrad,
    adam,
  ];
}

/** The kernels {@link nativeFusedKernels} registers (replacing the first two; `FUSED.windows` is pure wasm's). */
export const NATIVE_FUSED_KERNEL_NAMES: readonly string[] = [
  tf.Sum,
  tf.Mean,
  FUSED.instanceNorm,
  FUSED.instanceNormRelu,
  FUSED.instanceNormGrad,
  FUSED.instanceNormReluGrad,
  FUSED.mirrorPadGrad,
  FUSED.adam,
];
