/**
 * tfjs kernels that run oneDNN (the `@translate/native-kernels` addon) in place on the wasm heap:
 * `Conv2D`, `FusedConv2D` (bias; linear, relu or leaky-relu), `Conv2DBackpropInput` (also
 * conv2dTranspose), `Conv2DBackpropFilter` and `BatchMatMul`. The addon reads the inputs through
 * views of the heap and writes the output the wasm backend allocated, so nothing is copied.
 * Cases the addon does not cover (NCHW data, other activations, broadcast biases, non-float32, empty
 * tensors) run the kernel that was registered before (`fallback`).
 */
import type { NativeKernels } from '@translate/native-kernels';
import { tf } from '../../tf.js';
import { convGeometry, type ConvKernelAttrs } from './util.js';
import { f32, heapOf, withFallback } from './wasm_heap.js';
import { frozenWeightsKey } from '../frozen_weights.js';

/** The 15-int geometry the addon takes (see `ConvGeometryArray`). */
function geometryArray(inShape: readonly number[], filterShape: readonly number[], a: ConvKernelAttrs): Int32Array {
  const g = convGeometry(inShape, filterShape, a.strides, a.pad, a.dilations, a.dimRoundingMode);
  return Int32Array.from([g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.fh, g.fw, g.sh, g.sw, g.dh, g.dw, g.top, g.left]);
}

const allFloat = (...ts: Array<tf.TensorInfo | undefined>) => ts.every((t) => t === undefined || t.dtype === 'float32');
const nonEmpty = (...shapes: Array<readonly number[]>) => shapes.every((s) => s.every((d) => d > 0));
const nhwc = (a: ConvKernelAttrs) => a.dataFormat === undefined || a.dataFormat === 'NHWC';

/** addon activation codes, for the FusedConv2D activations oneDNN runs as a post-op. */
const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, leakyrelu: 2 };

/**
 * The oneDNN kernel configs for the wasm backend `backendName`; `previous(name)` gives the kernel
 * each replaces (used for the cases oneDNN does not take).
 */
export function onednnKernels(
  native: NativeKernels,
  backendName: string,
  previous: (kernelName: string) => tf.KernelConfig | undefined,
): tf.KernelConfig[] {
  const conv = (name: string, fused: boolean) =>
    withFallback(
      name,
      backendName,
      () => previous(name),
      (args) => {
        const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
        const a = args.attrs as unknown as ConvKernelAttrs & { activation?: string; leakyreluAlpha?: number };
        const activation = ACTIVATIONS[fused ? (a.activation ?? 'linear') : 'linear'];
        const outC = filter!.shape[3]!;
        if (!nhwc(a) || activation === undefined || preluActivationWeights !== undefined) return undefined;
        if (bias !== undefined && (tf.util.sizeFromShape(bias.shape) !== outC || bias.shape.at(-1) !== outC)) return undefined;
        if (!allFloat(x, filter, bias) || !nonEmpty(x!.shape, filter!.shape)) return undefined;
        const geometry = geometryArray(x!.shape, filter!.shape, a);
        const b = heapOf(args);
        const out = b.makeOutput([geometry[0]!, geometry[4]!, geometry[5]!, outC], 'float32');
        const weightsKey = frozenWeightsKey(filter!.dataId);
        native.conv2dForward(
          f32(b, x!),
          f32(b, filter!),
          bias ? f32(b, bias) : null,
          f32(b, out),
          geometry,
          activation,
          a.leakyreluAlpha ?? 0.2,
          weightsKey,
        );
        return out;
      },
    );

  const backwardInput = withFallback(
    tf.Conv2DBackpropInput,
    backendName,
    () => previous(tf.Conv2DBackpropInput),
    (args) => {
      const { dy, filter } = args.inputs as Record<string, tf.TensorInfo>;
      const a = args.attrs as unknown as ConvKernelAttrs & { inputShape: number[] };
      if (!nhwc(a) || !allFloat(dy, filter) || !nonEmpty(a.inputShape, filter!.shape, dy!.shape)) return undefined;
      const geometry = geometryArray(a.inputShape, filter!.shape, { ...a, dilations: a.dilations ?? 1 });
      const b = heapOf(args);
      const out = b.makeOutput([...a.inputShape], 'float32');
      native.conv2dBackwardInput(f32(b, dy!), f32(b, filter!), f32(b, out), geometry);
      return out;
    },
  );

  const backwardFilter = withFallback(
    tf.Conv2DBackpropFilter,
    backendName,
    () => previous(tf.Conv2DBackpropFilter),
    (args) => {
      const { x, dy } = args.inputs as Record<string, tf.TensorInfo>;
      const a = args.attrs as unknown as ConvKernelAttrs & { filterShape: number[] };
      if (!nhwc(a) || !allFloat(x, dy) || !nonEmpty(x!.shape, dy!.shape, a.filterShape)) return undefined;
      const geometry = geometryArray(x!.shape, a.filterShape, { ...a, dilations: a.dilations ?? 1 });
      const b = heapOf(args);
      const out = b.makeOutput([...a.filterShape], 'float32');
      native.conv2dBackwardFilter(f32(b, x!), f32(b, dy!), f32(b, out), geometry);
      return out;
    },
  );

  const matmul = withFallback(
    tf.BatchMatMul,
    backendName,
    () => previous(tf.BatchMatMul),
    (args) => {
      const { a, b: bIn } = args.inputs as Record<string, tf.TensorInfo>;
      const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
      if (!allFloat(a, bIn) || a!.shape.length < 2 || bIn!.shape.length < 2) return undefined;
      const [ra, rb] = [a!.shape.length, bIn!.shape.length];
      const m = transposeA ? a!.shape[ra - 1]! : a!.shape[ra - 2]!;
      const k = transposeA ? a!.shape[ra - 2]! : a!.shape[ra - 1]!;
      const kb = transposeB ? bIn!.shape[rb - 1]! : bIn!.shape[rb - 2]!;
      const n = transposeB ? bIn!.shape[rb - 2]! : bIn!.shape[rb - 1]!;
      const outerA = a!.shape.slice(0, -2);
      const outerB = bIn!.shape.slice(0, -2);
      const batchA = tf.util.sizeFromShape(outerA);
      const batchB = tf.util.sizeFromShape(outerB);
      if (k !== kb || m * n * k === 0) return undefined;
      // Same outer shape, or one operand without batch (broadcast); other broadcasts: the fallback.
      let outer: number[];
      if (batchA === batchB && outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i])) outer = outerA;
      else if (batchB === 1)
        outer = outerA.length >= outerB.length ? outerA : [...outerB.slice(0, outerB.length - outerA.length), ...outerA];
      else if (batchA === 1)
        outer = outerB.length >= outerA.length ? outerB : [...outerA.slice(0, outerA.length - outerB.length), ...outerB];
      else return undefined;
      const batch = Math.max(batchA, batchB);
      const geometry = Int32Array.from([
        batch,
        m,
        n,
        k,
        transposeA ? 1 : 0,
        transposeB ? 1 : 0,
        batchA === 1 ? 0 : m * k,
        batchB === 1 ? 0 : k * n,
      ]);
      const be = heapOf(args);
      const out = be.makeOutput([...outer, m, n], 'float32');
      native.matmul(f32(be, a!), f32(be, bIn!), f32(be, out), geometry);
      return out;
    },
  );

  return [conv(tf.Conv2D, false), conv(tf.FusedConv2D, true), backwardInput, backwardFilter, matmul];
}

/** The tfjs kernels {@link onednnKernels} replaces. */
export const ONEDNN_KERNEL_NAMES: readonly string[] = [
  tf.Conv2D,
  tf.FusedConv2D,
  tf.Conv2DBackpropInput,
  tf.Conv2DBackpropFilter,
  tf.BatchMatMul,
];
