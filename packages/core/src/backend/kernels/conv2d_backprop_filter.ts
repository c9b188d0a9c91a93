/**
 * `Conv2DBackpropFilter` (the filter gradient of conv2d) built from forward ops. wasm has none (so no
 * conv on wasm had gradients) and cpu's is extremely slow.
 *
 * Forward: y[n,p,q,o] = Σ_{i,j,c} xpad[n, p·sh + i·dh, q·sw + j·dw, c] · w[i,j,c,o], so
 * dW[i,j,c,o] = Σ_{n,p,q} xpad[n, p·sh + i·dh, q·sw + j·dw, c] · dy[n,p,q,o].
 *
 * - 'conv' route (the dilated-conv identity): that sum is a conv2d of xᵀ[c,h,w,n] with the "filter"
 *   dyᵀ[p,q,n,o] at stride = forward dilation and dilation = forward stride, giving [c,i,j,o];
 *   then one transpose. tfjs' conv2d takes strides > 1 or dilations > 1, not both.
 * - 'taps' route: one matmul per filter tap, dW[i,j] = X_ijᵀ · dy with X_ij the strided window of
 *   xpad that tap (i,j) reads. Any stride/dilation combination.
 * - 'columns' route: the windows of every tap, taken from xpad transposed to channels-first and split
 *   into stride phases (so each window is a plain slice), stacked into one [fh·fw·c, n·p·q] matrix;
 *   one matmul with dy [n·p·q, o] gives dW in HWIO order. Any stride/dilation combination; on wasm
 *   ~2× faster than the 'conv' route for wide stride-1 layers (XNNPACK's conv is slow with one input
 *   channel), slower for few output channels or strides > 1.
 * - 'winograd' route (pure wasm, 3×3 stride 1, 32+ channels): the backend's Winograd F(4×4, 3×3)
 *   filter-gradient kernel, 4× fewer multiplications (see winograd_wasm.ts).
 */
import { tf } from '../../tf.js';
import { FUSED, hasFusedKernel } from '../fused.js';
import type { WindowsAttrs } from './windows_wasm.js';
import { winogradTakes, type WinogradGradAttrs } from './winograd_wasm.js';
import {
  asTensor,
  convGeometry,
  padOrCrop,
  toNhwc,
  type ConvGeometry,
  type ConvKernelAttrs,
  type ConvPadding,
  type DimRoundingMode,
} from './util.js';

/** Which formulation computes the filter gradient; 'auto' picks per shape. */
export type BackpropFilterMethod = 'auto' | 'conv' | 'taps' | 'columns' | 'winograd';

/** Arguments of {@link conv2dBackpropFilter}. */
export interface Conv2DBackpropFilterArgs {
  /** Forward input, NHWC (or NCHW with `dataFormat: 'NCHW'`). */
  x: tf.Tensor4D;
  /** Gradient of the forward output, same layout as `x`. */
  dy: tf.Tensor4D;
  /** Filter shape [fh, fw, inChannels, outChannels]. */
  filterShape: readonly [number, number, number, number];
  strides: number | readonly [number, number];
  pad: ConvPadding;
  dilations?: number | readonly [number, number];
  dimRoundingMode?: DimRoundingMode;
  dataFormat?: 'NHWC' | 'NCHW';
  method?: BackpropFilterMethod;
}

/**
 * The gradient of conv2d with respect to its filter, from forward tfjs ops (works on any backend).
 * Supports any strides, dilations, 'same'/'valid'/numeric/explicit padding, batch and layout.
 */
export function conv2dBackpropFilter(args: Conv2DBackpropFilterArgs): tf.Tensor4D {
  return tf.tidy(() => {
    const nchw = args.dataFormat === 'NCHW';
    const x = nchw ? toNhwc(args.x) : args.x;
    const dy = nchw ? toNhwc(args.dy) : args.dy;
    const g = convGeometry(x.shape, args.filterShape, args.strides, args.pad, args.dilations, args.dimRoundingMode);
    if (dy.shape[1] !== g.outH || dy.shape[2] !== g.outW || dy.shape[3] !== g.outC || dy.shape[0] !== g.batch) {
      throw new Error(
        `conv2dBackpropFilter: dy shape [${dy.shape}] does not match the conv output ` + `[${g.batch},${g.outH},${g.outW},${g.outC}]`,
      );
    }
    const method = resolveMethod(args.method ?? 'auto', g);
    if (method === 'winograd') return viaWinograd(x, dy, g);
    if (method === 'columns') return viaColumns(x, dy, g);
    return method === 'conv' ? viaConv(x, dy, g) : viaTaps(x, dy, g);
  });
}

/** The input rows/cols each output position reads, after top/left padding: pads or crops the far end. */
function padInput(x: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const needH = (g.fh - 1) * g.dh + (g.outH - 1) * g.sh + 1;
  const needW = (g.fw - 1) * g.dw + (g.outW - 1) * g.sw + 1;
  let xp = padOrCrop(x, 1, g.top, needH - g.top - g.inH);
  xp = padOrCrop(xp, 2, g.left, needW - g.left - g.inW);
  return xp;
}

/** Output channels from which the 'columns' route beats the 'conv' route (wasm). */
const COLUMNS_MIN_OUT_CHANNELS = 16;
/** The largest columns matrix (floats; 128 MiB) 'auto' builds: a wide filter on a large input would fill the wasm heap. */
const COLUMNS_MAX_ELEMENTS = 1 << 25;

/** The route `method` names, or for 'auto' the fastest measured for geometry `g` on the active backend. */
export function resolveMethod(method: BackpropFilterMethod, g: ConvGeometry): Exclude<BackpropFilterMethod, 'auto'> {
  const stridesOne = g.sh === 1 && g.sw === 1;
  const dilationsOne = g.dh === 1 && g.dw === 1;
  if (method === 'conv' && !stridesOne && !dilationsOne) {
    throw new Error('conv2dBackpropFilter: the conv route needs strides or dilations all 1');
  }
  if (method === 'winograd' && !(hasFusedKernel(FUSED.winogradFilterGrad) && winogradTakes(g))) {
    throw new Error(
      'conv2dBackpropFilter: the winograd route needs the wasm backend and a 3x3 stride-1 conv with 32+ channels in multiples of 8',
    );
  }
  if (method !== 'auto') return method;
  if (hasFusedKernel(FUSED.winogradFilterGrad) && winogradTakes(g)) return 'winograd';
  // Measured on wasm: with the backend's one-pass windows kernel, 'columns' took 0.25–0.8× the time
  // of 'conv' from 16 output channels up at strides 1 and 2 (CycleGAN/PatchGAN layers at 128–256²)
  // and 2.2× for 3 output channels; built from ops (stride phases, slices, a stack) only at stride 1
  // was it faster. Per-tap matmuls were the slowest everywhere (tfjs' wasm matMul with a transposed
  // operand is ~15× slower than without).
  const windows = hasFusedKernel(FUSED.windows);
  const columnsSize = g.fh * g.fw * g.inC * g.batch * g.outH * g.outW;
  if ((windows || (stridesOne && dilationsOne)) && g.outC >= COLUMNS_MIN_OUT_CHANNELS && columnsSize <= COLUMNS_MAX_ELEMENTS)
    return 'columns';
  return !stridesOne && !dilationsOne ? 'taps' : 'conv';
}

function viaConv(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const xp = padInput(x, g); // [n, needH, needW, c]
  const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D; // [c, needH, needW, n]
  const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [p, q, n, o]
  const z = tf.conv2d(xt, dyt, [g.dh, g.dw], 'valid', 'NHWC', [g.sh, g.sw]); // [c, fh, fw, o]
  return tf.transpose(z, [1, 2, 0, 3]) as tf.Tensor4D;
}

function viaTaps(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const xp = padInput(x, g);
  const m = g.batch * g.outH * g.outW;
  const dy2 = tf.reshape(dy, [m, g.outC]) as tf.Tensor2D;
  const taps: tf.Tensor2D[] = [];
  for (let i = 0; i < g.fh; i++) {
    for (let j = 0; j < g.fw; j++) {
      const h0 = i * g.dh;
      const w0 = j * g.dw;
      const win =
        g.sh === 1 && g.sw === 1
          ? tf.slice(xp, [0, h0, w0, 0], [g.batch, g.outH, g.outW, g.inC])
          : tf.stridedSlice(
              xp,
              [0, h0, w0, 0],
              [g.batch, h0 + (g.outH - 1) * g.sh + 1, w0 + (g.outW - 1) * g.sw + 1, g.inC],
              [1, g.sh, g.sw, 1],
            );
      taps.push(tf.matMul(tf.reshape(win, [m, g.inC]) as tf.Tensor2D, dy2, true, false));
    }
  }
  return tf.reshape(tf.stack(taps), [g.fh, g.fw, g.inC, g.outC]) as tf.Tensor4D;
}

function viaColumns(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const xp = padInput(x, g); // [n, needH, needW, c]
  const m = g.batch * g.outH * g.outW;
  const columns = hasFusedKernel(FUSED.windows) ? windowsKernel(xp, g) : windowsFromOps(xp, g);
  const dW = tf.matMul(columns, tf.reshape(dy, [m, g.outC]) as tf.Tensor2D);
  return tf.reshape(dW, [g.fh, g.fw, g.inC, g.outC]) as tf.Tensor4D;
}

function viaWinograd(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const attrs: WinogradGradAttrs = { geometry: g };
  return tf.engine().runKernel(FUSED.winogradFilterGrad, { x, dy }, attrs as never) as tf.Tensor4D;
}

/** The [fh·fw·c, n·oh·ow] columns by the backend's `TranslateWindows` kernel. */
function windowsKernel(xp: tf.Tensor4D, g: ConvGeometry): tf.Tensor2D {
  const attrs: WindowsAttrs = { fh: g.fh, fw: g.fw, sh: g.sh, sw: g.sw, dh: g.dh, dw: g.dw, outH: g.outH, outW: g.outW };
  return tf.engine().runKernel(FUSED.windows, { x: tf.transpose(xp, [3, 0, 1, 2]) }, attrs as never) as tf.Tensor2D;
}

/** The same columns from slices of the input split into stride phases. */
function windowsFromOps(xp: tf.Tensor4D, g: ConvGeometry): tf.Tensor2D {
  // Pad (zeros, never read) to whole stride periods, then split rows and columns into stride phases:
  // tap (i,j) reads phase (i·dh mod sh, j·dw mod sw) from offset (⌊i·dh/sh⌋, ⌊j·dw/sw⌋), contiguously.
  const ph = Math.ceil(xp.shape[1] / g.sh);
  const pw = Math.ceil(xp.shape[2] / g.sw);
  const whole = padOrCrop(padOrCrop(xp, 1, 0, ph * g.sh - xp.shape[1]), 2, 0, pw * g.sw - xp.shape[2]);
  const phases = tf.transpose(tf.reshape(whole, [g.batch, ph, g.sh, pw, g.sw, g.inC]), [2, 4, 5, 0, 1, 3]); // [sh, sw, c, n, ph, pw]
  const windows: tf.Tensor[] = [];
  for (let i = 0; i < g.fh; i++) {
    for (let j = 0; j < g.fw; j++) {
      const a = i * g.dh;
      const b = j * g.dw;
      const begin = [a % g.sh, b % g.sw, 0, 0, Math.floor(a / g.sh), Math.floor(b / g.sw)];
      windows.push(tf.slice(phases, begin, [1, 1, g.inC, g.batch, g.outH, g.outW]));
    }
  }
  return tf.reshape(tf.stack(windows), [g.fh * g.fw * g.inC, g.batch * g.outH * g.outW]) as tf.Tensor2D;
}

/** Kernel attributes tfjs passes to `Conv2DBackpropFilter` (plus our optional `dilations`). */
type BackpropFilterAttrs = ConvKernelAttrs & { filterShape: [number, number, number, number] };

/**
 * A `Conv2DBackpropFilter` kernel config for `backendName` running {@link conv2dBackpropFilter}.
 * Besides tfjs' attributes it honours an optional `dilations` attribute (default 1).
 */
export function conv2dBackpropFilterKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropFilter,
    backendName,
    kernelFunc: ({ inputs, attrs }) => {
      const a = attrs as unknown as BackpropFilterAttrs;
      return tf.tidy(() =>
        conv2dBackpropFilter({
          x: asTensor<tf.Tensor4D>(inputs['x']!),
          dy: asTensor<tf.Tensor4D>(inputs['dy']!),
          filterShape: a.filterShape,
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
