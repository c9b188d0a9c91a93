/**
 * The one place where PyTorch tensor layouts convert to and from translate's (TF.js) layouts.
 * Pure functions on typed arrays, no tfjs. No spatial flip is ever applied: PyTorch and TF.js both
 * compute cross-correlation, and conv-transpose kernels map over by the same transpose.
 */
import { numelOf, toFloat32 } from './dtype.js';
import { CheckpointFormatError } from './errors.js';
import type { RawTensor } from './raw_tensor.js';

/**
 * How a tensor is laid out, PyTorch ↔ ours:
 * - 'conv': Conv2d weight, torch OIHW `[out, in, kH, kW]` ↔ tfjs conv2d filter `[kH, kW, in, out]`.
 * - 'convTranspose': ConvTranspose2d weight, torch `[in, out, kH, kW]` ↔ tfjs conv2dTranspose
 *   filter `[kH, kW, out, in]`.
 * - 'linear': Linear weight, torch `[out, in]` ↔ ours `[in, out]` (so y = x·W).
 * - 'activation': torch NCHW ↔ ours NHWC.
 * - 'plain': same layout (biases, norm parameters, running stats, scalars).
 */
export type ParamLayout = 'conv' | 'convTranspose' | 'linear' | 'activation' | 'plain';

/** Axis permutation from the torch layout to ours (`ours.shape[i] = torch.shape[perm[i]]`). */
const TO_OURS: Readonly<Record<ParamLayout, readonly number[] | null>> = {
  conv: [2, 3, 1, 0],
  convTranspose: [2, 3, 1, 0],
  linear: [1, 0],
  activation: [0, 2, 3, 1],
  plain: null,
};

/** Axis permutation from our layout back to torch's (the inverse of TO_OURS). */
const TO_TORCH: Readonly<Record<ParamLayout, readonly number[] | null>> = {
  conv: [3, 2, 0, 1],
  convTranspose: [3, 2, 0, 1],
  linear: [1, 0],
  activation: [0, 3, 1, 2],
  plain: null,
};

/**
 * Transposes a row-major array: the result has shape `perm.map(p => shape[p])` and
 * `out[i_0, …, i_k] = data[j]` where `j` has index `i_a` on axis `perm[a]`.
 */
export function permute(data: Float32Array, shape: readonly number[], perm: readonly number[]): { shape: number[]; data: Float32Array } {
  const rank = shape.length;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new RangeError(`permute: [${perm.join(', ')}] is not a permutation of ${rank} axes`);
  }
  const n = numelOf(shape);
  if (data.length !== n) throw new RangeError(`permute: ${data.length} values for shape [${shape.join(', ')}]`);
  const srcStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    srcStrides[i] = s;
    s *= shape[i]!;
  }
  const outShape = perm.map((p) => shape[p]!);
  const step = perm.map((p) => srcStrides[p]!);
  const out = new Float32Array(n);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < n; i++) {
    out[i] = data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      src += step[d]!;
      if (++idx[d]! < outShape[d]!) break;
      src -= step[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
  return { shape: outShape, data: out };
}

/** The PyTorch shape of a tensor whose shape in our layout is `ourShape` (e.g. HWIO → OIHW for 'conv'). */
export function torchShapeFor(ourShape: readonly number[], layout: ParamLayout): number[] {
  const perm = TO_TORCH[layout];
  if (perm === null) return [...ourShape];
  if (ourShape.length !== perm.length) {
    throw new RangeError(`torchShapeFor: a '${layout}' tensor must have ${perm.length} dimensions, got shape [${ourShape.join(', ')}]`);
  }
  return perm.map((p) => ourShape[p]!);
}

/** Our shape of a tensor whose PyTorch shape is `torchShape` (e.g. OIHW → HWIO for 'conv'). */
export function ourShapeFor(torchShape: readonly number[], layout: ParamLayout): number[] {
  const perm = TO_OURS[layout];
  if (perm === null) return [...torchShape];
  if (torchShape.length !== perm.length) {
    throw new RangeError(`ourShapeFor: a '${layout}' tensor must have ${perm.length} dimensions, got shape [${torchShape.join(', ')}]`);
  }
  return perm.map((p) => torchShape[p]!);
}

/**
 * Converts a checkpoint tensor (PyTorch layout, any numeric dtype) to our layout as float32.
 * Throws CheckpointFormatError when the rank does not fit the layout (4 for conv/convTranspose/
 * activation, 2 for linear).
 */
export function fromTorchLayout(raw: RawTensor, layout: ParamLayout): { shape: number[]; data: Float32Array } {
  const data = toFloat32(raw);
  const perm = TO_OURS[layout];
  if (perm === null) return { shape: [...raw.shape], data };
  if (raw.shape.length !== perm.length) {
    throw new CheckpointFormatError(`a '${layout}' tensor must have ${perm.length} dimensions, got shape [${raw.shape.join(', ')}]`);
  }
  return permute(data, raw.shape, perm);
}

/**
 * Converts a float32 array in our layout back to a PyTorch-layout F32 RawTensor (the inverse of
 * {@link fromTorchLayout}). Throws RangeError when shape and data or layout do not agree.
 */
export function toTorchLayout(shape: number[], data: Float32Array, layout: ParamLayout): RawTensor {
  if (data.length !== numelOf(shape)) throw new RangeError(`toTorchLayout: ${data.length} values for shape [${shape.join(', ')}]`);
  const perm = TO_TORCH[layout];
  if (perm === null) return { dtype: 'F32', shape: [...shape], data: data.slice() };
  if (shape.length !== perm.length) {
    throw new RangeError(`toTorchLayout: a '${layout}' tensor must have ${perm.length} dimensions, got shape [${shape.join(', ')}]`);
  }
  const t = permute(data, shape, perm);
  return { dtype: 'F32', shape: t.shape, data: t.data };
}
