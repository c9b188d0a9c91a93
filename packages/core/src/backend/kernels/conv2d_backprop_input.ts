/**
 * `Conv2DBackpropInput` (the input gradient of conv2d, and the forward pass of conv2dTranspose) built
 * from forward convolutions. wasm's own is correct but 4–10× slower than the forward conv (measured).
 *
 * dx[n,h,w,c] = Σ_{i,j,o} dy[n, (h + top − i·dh)/sh, (w + left − j·dw)/sw, o] · W[i,j,c,o] over the
 * taps where both divisions are exact and in range.
 *
 * Stride 1: one conv2d of dy with the flipped, in/out-swapped filter. Stride s > 1 (sub-pixel
 * decomposition): the rows h ≡ r (mod s) only see the taps i with (r + top − i·dh) ≡ 0 (mod s); for
 * each phase (r_h, r_w) that is a stride-1 conv of dy with a sub-filter, after which the s_h·s_w phase
 * outputs are interleaved with stack + reshape. Same multiply count as the forward conv.
 */
import { tf } from '../../tf.js';
import { FUSED, hasFusedKernel } from '../fused.js';
import { inputGradGeometry, winogradTakes, type WinogradGradAttrs } from './winograd_wasm.js';
import {
  asTensor,
  convGeometry,
  nhwcShape,
  padOrCrop,
  toNchw,
  toNhwc,
  type ExplicitPadding,
  type ConvKernelAttrs,
  type ConvPadding,
  type DimRoundingMode,
} from './util.js';

/** Arguments of {@link conv2dBackpropInput}. */
export interface Conv2DBackpropInputArgs {
  /** Shape of the forward input (NHWC, or NCHW with `dataFormat: 'NCHW'`). */
  inputShape: readonly [number, number, number, number];
  /** Gradient of the forward output, same layout as the input. */
  dy: tf.Tensor4D;
  /** Forward filter [fh, fw, inChannels, outChannels]. */
  filter: tf.Tensor4D;
  strides: number | readonly [number, number];
  pad: ConvPadding;
  dilations?: number | readonly [number, number];
  dimRoundingMode?: DimRoundingMode;
  dataFormat?: 'NHWC' | 'NCHW';
  /**
   * Build the flipped sub-filters with tf ops (true, default: the result stays differentiable in
   * `filter`) or in JS from the filter's values (false: faster on wasm, whose Reverse/Slice copy the
   * whole tensor; what the registered kernel uses, since kernels are never taped).
   */
  differentiable?: boolean;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Taps of one phase along one dimension: which filter indices, and the dy offset they start at. */
interface PhaseTaps {
  /** Filter indices, descending (so that dy offsets ascend). */
  taps: number[];
  /** dy offset of the first tap in `taps` (the smallest offset). */
  offset: number;
  /** Distance in dy between consecutive taps (the sub-conv's dilation). */
  step: number;
}

function phaseTaps(r: number, pad: number, f: number, s: number, d: number): PhaseTaps {
  const taps: number[] = [];
  for (let i = f - 1; i >= 0; i--) if ((((r + pad - i * d) % s) + s) % s === 0) taps.push(i);
  const offset = taps.length > 0 ? (r + pad - taps[0]! * d) / s : 0;
  return { taps, offset, step: d / gcd(s, d) };
}

/** Gathers filter taps along `axis` (indices form an arithmetic sequence) using slice/reshape only. */
function takeTaps(w: tf.Tensor4D, axis: number, taps: number[]): tf.Tensor4D {
  const n = w.shape[axis]!;
  if (taps.length === n && taps.every((t, k) => t === n - 1 - k)) return tf.reverse(w, axis);
  const parts = taps.map((t) => {
    const begin = [0, 0, 0, 0];
    const size = w.shape.slice();
    begin[axis] = t;
    size[axis] = 1;
    return tf.slice(w, begin, size);
  });
  return tf.concat(parts, axis) as tf.Tensor4D;
}

/** The in/out-swapped sub-filter [taps_h, taps_w, o, c] of `w` [fh, fw, c, o], built in JS. */
function subFilterJs(w: Float32Array, shape: readonly number[], th: number[], tw: number[]): tf.Tensor4D {
  const [, fw, c, o] = shape as [number, number, number, number];
  const out = new Float32Array(th.length * tw.length * o * c);
  let k = 0;
  for (const i of th) {
    for (const j of tw) {
      const base = (i * fw + j) * c * o;
      for (let oo = 0; oo < o; oo++) {
        for (let cc = 0; cc < c; cc++) out[k++] = w[base + cc * o + oo]!;
      }
    }
  }
  return tf.tensor4d(out, [th.length, tw.length, o, c]);
}

/**
 * The gradient of conv2d with respect to its input (= conv2dTranspose), from forward tfjs ops (works
 * on any backend). Any strides, dilations, padding, batch and layout.
 */
export function conv2dBackpropInput(args: Conv2DBackpropInputArgs): tf.Tensor4D {
  return tf.tidy(() => {
    const nchw = args.dataFormat === 'NCHW';
    const inShape = nchw ? nhwcShape(args.inputShape) : ([...args.inputShape] as [number, number, number, number]);
    const dy = nchw ? toNhwc(args.dy) : args.dy;
    const w = args.filter;
    const g = convGeometry(inShape, w.shape, args.strides, args.pad, args.dilations, args.dimRoundingMode);
    if (dy.shape[1] !== g.outH || dy.shape[2] !== g.outW || dy.shape[3] !== g.outC || dy.shape[0] !== g.batch) {
      throw new Error(
        `conv2dBackpropInput: dy shape [${dy.shape}] does not match the conv output ` + `[${g.batch},${g.outH},${g.outW},${g.outC}]`,
      );
    }
    const differentiable = args.differentiable ?? true;
    const wt = differentiable ? (tf.transpose(w, [0, 1, 3, 2]) as tf.Tensor4D) : undefined; // [fh, fw, o, c]
    const wData = differentiable ? undefined : (w.dataSync() as Float32Array);
    const qh = Math.ceil(g.inH / g.sh);
    const qw = Math.ceil(g.inW / g.sw);
    const rows: tf.Tensor4D[] = [];
    for (let rh = 0; rh < g.sh; rh++) {
      const th = phaseTaps(rh, g.top, g.fh, g.sh, g.dh);
      const cols: tf.Tensor4D[] = [];
      for (let rw = 0; rw < g.sw; rw++) {
        const tw = phaseTaps(rw, g.left, g.fw, g.sw, g.dw);
        if (th.taps.length === 0 || tw.taps.length === 0) {
          cols.push(tf.zeros([g.batch, qh, qw, g.inC]));
          continue;
        }
        const sub = wt ? takeTaps(takeTaps(wt, 0, th.taps), 1, tw.taps) : subFilterJs(wData!, w.shape, th.taps, tw.taps);
        // Output q reads dy rows q + offset + k·step, k < taps: pad (or crop) dy to match. Padding is
        // left to the conv itself (a separate pad copies dy); only cropping is done beforehand.
        const lastH = qh - 1 + th.offset + (th.taps.length - 1) * th.step;
        const lastW = qw - 1 + tw.offset + (tw.taps.length - 1) * tw.step;
        const [top, bottom, left, right] = [-th.offset, lastH - (g.outH - 1), -tw.offset, lastW - (g.outW - 1)];
        let d = padOrCrop(dy, 1, Math.min(top, 0), Math.min(bottom, 0));
        d = padOrCrop(d, 2, Math.min(left, 0), Math.min(right, 0));
        const zeros: ExplicitPadding = [
          [0, 0],
          [Math.max(top, 0), Math.max(bottom, 0)],
          [Math.max(left, 0), Math.max(right, 0)],
          [0, 0],
        ];
        cols.push(tf.conv2d(d, sub, 1, zeros, 'NHWC', [th.step, tw.step]));
      }
      rows.push(g.sw === 1 ? cols[0]! : (tf.stack(cols, 3) as unknown as tf.Tensor4D));
    }
    let dx: tf.Tensor4D;
    if (g.sh === 1 && g.sw === 1) {
      dx = rows[0]!;
    } else {
      const stacked = g.sh === 1 ? rows[0]! : tf.stack(rows, 2); // [n, qh, sh, qw, sw, c]
      dx = tf.reshape(stacked, [g.batch, qh * g.sh, qw * g.sw, g.inC]) as tf.Tensor4D;
      if (qh * g.sh !== g.inH || qw * g.sw !== g.inW) {
        dx = tf.slice(dx, [0, 0, 0, 0], [g.batch, g.inH, g.inW, g.inC]);
      }
    }
    return nchw ? toNchw(dx) : dx;
  });
}

/** Kernel attributes tfjs passes to `Conv2DBackpropInput` (plus our optional `dilations`). */
type BackpropInputAttrs = ConvKernelAttrs & { inputShape: [number, number, number, number] };

/** dx by the backend's Winograd input-gradient kernel when it has one that takes this conv; else undefined. */
function winogradInputGrad(inputs: tf.NamedTensorInfoMap, a: BackpropInputAttrs): tf.TensorInfo | undefined {
  const dy = inputs['dy']!;
  const filter = inputs['filter']!;
  if (a.dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
  if (!hasFusedKernel(FUSED.winogradInputGrad)) return undefined;
  const geometry = convGeometry(a.inputShape, filter.shape, a.strides, a.pad, a.dilations, a.dimRoundingMode);
  if (!winogradTakes(inputGradGeometry(geometry))) return undefined;
  const attrs: WinogradGradAttrs = { geometry };
  return tf.tidy(
    () => tf.engine().runKernel(FUSED.winogradInputGrad, { dy: asTensor(dy), filter: asTensor(filter) }, attrs as never) as tf.Tensor,
  );
}

/**
 * A `Conv2DBackpropInput` kernel config for `backendName` running {@link conv2dBackpropInput}.
 * Besides tfjs' attributes it honours an optional `dilations` attribute (default 1).
 */
export function conv2dBackpropInputKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropInput,
    backendName,
    kernelFunc: ({ inputs, attrs }) => {
      const a = attrs as unknown as BackpropInputAttrs;
      const winograd = winogradInputGrad(inputs, a);
      if (winograd) return winograd;
      return tf.tidy(() =>
        conv2dBackpropInput({
          inputShape: a.inputShape,
          dy: asTensor<tf.Tensor4D>(inputs['dy']!),
          filter: asTensor<tf.Tensor4D>(inputs['filter']!),
          differentiable: false,
          strides: a.strides,
          pad: a.pad,
          ...(a.dilations !== undefined ? { dilations: a.dilations } : {}),
          ...(a.dimRoundingMode !== undefined ? { dimRoundingMode: a.dimRoundingMode } : {}),
          ...(a.dataFormat !== undefined ? { dataFormat: a.dataFormat } : {}),
        }),
      );
    },
  };
}
