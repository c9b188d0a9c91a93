/**
 * Winograd F(4×4, 3×3) convolutions for the pure wasm backend: 3×3 stride-1 convolutions with enough
 * channels (the residual blocks of ResNet generators, SPADE and SRGAN blocks) take 4× fewer
 * multiplications than XNNPACK's direct kernels, at 128-bit SIMD speed on all of the backend's
 * threads (see winograd_runtime.ts). Forward (`Conv2D`, `FusedConv2D` with bias and linear/ReLU),
 * input gradient (`TranslateWinogradInputGrad`, used by our `Conv2DBackpropInput` kernel: the forward
 * of dy with the filter flipped and in/out-swapped inside its transform) and filter gradient
 * (`TranslateWinogradFilterGrad`, used by conv2dBackpropFilter's 'winograd' route).
 * `TRANSLATE_WINOGRAD=0` turns them off (as it does oneDNN's Winograd in the native path).
 *
 * Also on the module's products: the direct route, for large filters on small outputs (U-Net's and
 * GauGAN's inner layers, the sub-filters of strided transposed convs), where XNNPACK's packing of
 * every new filter costs 10–200× the convolution; the columns of x times the filter, summed in the
 * same order as XNNPACK (equal results).
 */
import { tf } from '../../tf.js';
import { FUSED } from '../fused.js';
import { convGeometry, type ConvGeometry, type ConvKernelAttrs } from './util.js';
import { f32, withFallback, type KernelArgs, type WasmHeapBackend } from './wasm_heap.js';
import { winogradRuntime, winogradSupported, type EmscriptenWasm, type WinogradRuntime } from './winograd_runtime.js';

/** Fewest input and output channels Winograd takes (below, the filter transform costs more than it saves). */
const MIN_CHANNELS = 32;
/** Fewest 4×4 output tiles (over the batch) it takes. */
const MIN_TILES = 16;
/** Largest transformed filter, in floats (36·c·k; 64 MiB). */
const MAX_FILTER = 1 << 24;
/** Scratch (transformed input and output of one band of tile rows), in floats (32 MiB). */
const MAX_SCRATCH = 1 << 23;
/** Floats between the 36 transformed planes: at power-of-two strides they would share cache sets. */
const PLANE_PAD = 16;
/**
 * The direct route: filters from this many floats (XNNPACK packs a new filter for 10–200 ms, e.g.
 * 199 ms for [4, 4, 512, 1024], where the conv itself takes 1 ms) ...
 */
const DIRECT_MIN_FILTER = 1 << 20;
/** ... on outputs whose columns matrix (positions × fh·fw·c) stays within this many floats (2 MiB) ... */
const DIRECT_MAX_COLUMNS = 1 << 19;
/** ... for the first uses of a filter tensor; from this use on XNNPACK's operator, packed once, is cached. */
const DIRECT_MAX_USES = 4;

/** Whether the environment turns Winograd convolutions off (`TRANSLATE_WINOGRAD=0`). */
export function winogradDisabled(): boolean {
  return ['0', 'off', 'false'].includes((process.env['TRANSLATE_WINOGRAD'] ?? '').toLowerCase());
}

/** Whether a convolution of geometry `g` runs as Winograd on pure wasm. */
export function winogradTakes(g: ConvGeometry): boolean {
  const tiles = g.batch * Math.ceil(g.outH / 4) * Math.ceil(g.outW / 4);
  return (
    g.fh === 3 &&
    g.fw === 3 &&
    g.sh === 1 &&
    g.sw === 1 &&
    g.dh === 1 &&
    g.dw === 1 &&
    g.inC % 8 === 0 &&
    g.outC % 8 === 0 &&
    g.inC >= MIN_CHANNELS &&
    g.outC >= MIN_CHANNELS &&
    tiles >= MIN_TILES &&
    36 * g.inC * g.outC <= MAX_FILTER &&
    !winogradDisabled() &&
    winogradSupported()
  );
}

type Backend = WasmHeapBackend & { wasm: EmscriptenWasm; disposeData(dataId: object): boolean };

/** Scratch buffers of one call, freed together. */
class Scratch {
  private readonly held: tf.TensorInfo[] = [];
  constructor(private readonly b: Backend) {}
  /** A float buffer of `n` floats; its byte offset in the heap. */
  floats(n: number): number {
    const t = this.b.makeOutput([n], 'float32');
    this.held.push(t);
    return f32(this.b, t).byteOffset;
  }
  free(): void {
    for (const t of this.held) this.b.disposeData(t.dataId);
  }
}

const ptr = (b: Backend, t: tf.TensorInfo) => f32(b, t).byteOffset;

/** The runtime on backend `b`'s memory (the routes to these kernels check that the module compiles here). */
function runtimeOf(b: Backend): WinogradRuntime {
  const rt = winogradRuntime(b.wasm);
  if (!rt) throw new Error("winograd: the module cannot run on this wasm backend's memory");
  return rt;
}

/**
 * What one Winograd call works with: the runtime, the output tiling, and scratch (36 planes each)
 * for the transformed filter (c·k) and one band of transformed input (tiles·c) and output (tiles·k).
 */
function workspace(rt: WinogradRuntime, b: Backend, g: ConvGeometry) {
  const th = Math.ceil(g.outH / 4);
  const tw = Math.ceil(g.outW / 4);
  const rows = g.batch * th;
  const band = Math.max(1, Math.min(rows, Math.floor(MAX_SCRATCH / (36 * tw * (g.inC + g.outC)))));
  const scratch = new Scratch(b);
  const filterPlane = g.inC * g.outC + PLANE_PAD;
  const inPlane = band * tw * g.inC + PLANE_PAD;
  const outPlane = band * tw * g.outC + PLANE_PAD;
  return {
    rt,
    th,
    tw,
    scratch,
    filterPlane,
    inPlane,
    outPlane,
    filter: scratch.floats(36 * filterPlane),
    input: scratch.floats(36 * inPlane),
    output: scratch.floats(36 * outPlane),
    /** Runs `f` on each band of tile rows [r0, r1) (over image and tile row) with its tile count. */
    bands(f: (r0: number, r1: number, tiles: number) => void): void {
      for (let r0 = 0; r0 < rows; r0 += band) f(r0, Math.min(rows, r0 + band), (Math.min(rows, r0 + band) - r0) * tw);
    },
  };
}

/**
 * y = conv(x, filter) (+ bias, ReLU) for NHWC x and HWIO filter; `g` must satisfy {@link winogradTakes}.
 * With `flipped`, the conv's filter is `filter` [3, 3, g.outC, g.inC] flipped and in/out-swapped
 * (the input gradient of a conv with that filter).
 */
function forward(
  rt: WinogradRuntime,
  b: Backend,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  relu: boolean,
  g: ConvGeometry,
  flipped = false,
): tf.TensorInfo {
  const { inC: c, outC: k } = g;
  const out = b.makeOutput([g.batch, g.outH, g.outW, k], 'float32');
  const w = workspace(rt, b, g);
  try {
    const [px, pf, py] = [ptr(b, x), ptr(b, filter), ptr(b, out)];
    const pb = bias ? ptr(b, bias) : 0;
    if (flipped) w.rt.run('wino_filter_flipped', [pf, k, c, w.filter, w.filterPlane], k, 8);
    else w.rt.run('wino_filter', [pf, c, k, w.filter, w.filterPlane], c);
    w.bands((r0, r1, tiles) => {
      w.rt.run('wino_input', [px, g.inH, g.inW, c, g.top, g.left, w.th, w.tw, r0, r1, w.input, w.inPlane], c, 4);
      w.rt.run('wino_gemm', [w.input, w.inPlane, c, 1, w.filter, w.filterPlane, c, 8, w.output, w.outPlane, k, tiles, k, c, 0], 36);
      w.rt.run('wino_output', [w.output, w.outPlane, g.outH, g.outW, k, w.th, w.tw, r0, r1, pb, relu ? 1 : 0, py], k, 4);
    });
  } finally {
    w.scratch.free();
  }
  return out;
}

/** dW [3, 3, c, k] of conv(x, W) from x (NHWC) and dy; `g` must satisfy {@link winogradTakes}. */
function filterGradient(rt: WinogradRuntime, b: Backend, x: tf.TensorInfo, dy: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo {
  const { inC: c, outC: k } = g;
  const out = b.makeOutput([3, 3, c, k], 'float32');
  const w = workspace(rt, b, g);
  try {
    const [px, pdy, pw] = [ptr(b, x), ptr(b, dy), ptr(b, out)];
    w.bands((r0, r1, tiles) => {
      w.rt.run('wino_input', [px, g.inH, g.inW, c, g.top, g.left, w.th, w.tw, r0, r1, w.input, w.inPlane], c, 4);
      w.rt.run('wino_output_grad', [pdy, g.outH, g.outW, k, w.th, w.tw, r0, r1, w.output, w.outPlane], k, 8);
      // dV_p += U_pᵀ dM_p: U_p read transposed (row = channel at stride 1, inner = tile at stride c).
      w.rt.run(
        'wino_gemm',
        [w.input, w.inPlane, 1, c, w.output, w.outPlane, tiles, 8, w.filter, w.filterPlane, k, c, k, tiles, r0 > 0 ? 1 : 0],
        36,
      );
    });
    w.rt.run('wino_filter_grad', [w.filter, w.filterPlane, c, k, pw], c);
  } finally {
    w.scratch.free();
  }
  return out;
}

/**
 * Whether a convolution of geometry `g` takes the direct route (columns times filter on our
 * products): a large filter on a small output, where XNNPACK's packing of a new filter dominates.
 */
export function directTakes(g: ConvGeometry): boolean {
  const inner = g.fh * g.fw * g.inC;
  return (
    g.inC % 4 === 0 &&
    g.outC % 8 === 0 &&
    inner * g.outC >= DIRECT_MIN_FILTER &&
    g.batch * g.outH * g.outW * inner <= DIRECT_MAX_COLUMNS &&
    winogradSupported()
  );
}

/** Uses of each filter tensor (by data id) by the direct route's kernels. */
const filterUses = new WeakMap<object, number>();

/** Counts a use of `filter`; whether it is among its first DIRECT_MAX_USES. */
function freshFilter(filter: tf.TensorInfo): boolean {
  const uses = (filterUses.get(filter.dataId) ?? 0) + 1;
  filterUses.set(filter.dataId, uses);
  return uses <= DIRECT_MAX_USES;
}

/** y = conv(x, filter) (+ bias, ReLU) as the columns of x times the filter read as [fh·fw·c, k]; `g` must satisfy {@link directTakes}. */
function direct(
  rt: WinogradRuntime,
  b: Backend,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  relu: boolean,
  g: ConvGeometry,
): tf.TensorInfo {
  const rows = g.batch * g.outH * g.outW;
  const inner = g.fh * g.fw * g.inC;
  const k = g.outC;
  const out = b.makeOutput([g.batch, g.outH, g.outW, k], 'float32');
  const scratch = new Scratch(b);
  try {
    const columns = scratch.floats(rows * inner);
    const py = ptr(b, out);
    rt.run(
      'conv_columns',
      [ptr(b, x), g.inH, g.inW, g.inC, g.fh, g.fw, g.sh, g.sw, g.dh, g.dw, g.top, g.left, g.outH, g.outW, columns],
      rows,
    );
    // One product per 8 output channels (the "positions"), each reading the filter's rows k apart.
    rt.run('wino_gemm', [columns, 0, inner, 1, ptr(b, filter), 8, 1, k, py, 8, k, rows, 8, inner, 0], k / 8);
    if (bias || relu) rt.run('bias_act', [py, k, bias ? ptr(b, bias) : 0, relu ? 1 : 0], rows);
  } finally {
    scratch.free();
  }
  return out;
}

/** y of a forward conv call by Winograd or the direct route where one takes it, else undefined. */
function convolve(args: KernelArgs, bias: tf.TensorInfo | undefined, relu: boolean): tf.TensorInfo | undefined {
  const b = args.backend as unknown as Backend;
  const g = forwardGeometry(args);
  if (!g || (bias && bias.shape[0] !== g.outC)) return undefined;
  const x = args.inputs['x']!;
  const filter = args.inputs['filter']!;
  const winograd = winogradTakes(g);
  if (!winograd && !(directTakes(g) && freshFilter(filter))) return undefined;
  const rt = winogradRuntime(b.wasm);
  if (!rt) return undefined;
  return winograd ? forward(rt, b, x, filter, bias, relu, g) : direct(rt, b, x, filter, bias, relu, g);
}

/** Attributes of `Conv2D` and `FusedConv2D` (the latter's activation included). */
type ConvAttrs = ConvKernelAttrs & { activation?: string };

/** The geometry of a float32 NHWC forward conv call, else undefined. */
function forwardGeometry(args: KernelArgs): ConvGeometry | undefined {
  const x = args.inputs['x']!;
  const filter = args.inputs['filter']!;
  const a = args.attrs as unknown as ConvAttrs;
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4) return undefined;
  if (a.dataFormat === 'NCHW') return undefined;
  return convGeometry(x.shape, filter.shape, a.strides, a.pad, a.dilations, a.dimRoundingMode);
}

/** `Conv2D` on wasm: Winograd or the direct route where one takes the call, else the kernel it replaced. */
export function conv2DWasmKernel(backendName: string, stock: () => tf.KernelConfig | undefined): tf.KernelConfig {
  return withFallback(tf.Conv2D, backendName, stock, (args) => convolve(args, undefined, false));
}

/** `FusedConv2D` on wasm (bias; linear or ReLU): Winograd or the direct route where one takes the call, else the kernel it replaced. */
export function fusedConv2DWasmKernel(backendName: string, stock: () => tf.KernelConfig | undefined): tf.KernelConfig {
  return withFallback(tf.FusedConv2D, backendName, stock, (args) => {
    const activation = (args.attrs as unknown as ConvAttrs).activation ?? 'linear';
    const bias = args.inputs['bias'];
    if (activation !== 'linear' && activation !== 'relu') return undefined;
    if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1)) return undefined;
    return convolve(args, bias, activation === 'relu');
  });
}

/**
 * The geometry of the input gradient of a conv of geometry `g`, as a conv of dy: with the flipped,
 * in/out-swapped filter and padding 2 - top, 2 - left it gives dx.
 */
export function inputGradGeometry(g: ConvGeometry): ConvGeometry {
  return {
    ...g,
    inH: g.outH,
    inW: g.outW,
    inC: g.outC,
    outH: g.inH,
    outW: g.inW,
    outC: g.inC,
    top: g.fh - 1 - g.top,
    left: g.fw - 1 - g.left,
  };
}

/** Attributes of `TranslateWinogradInputGrad` and `TranslateWinogradFilterGrad`: the geometry of the forward conv. */
export interface WinogradGradAttrs {
  geometry: ConvGeometry;
}

/** `TranslateWinogradInputGrad` (dy, filter HWIO) → dx of a 3×3 stride-1 conv, on wasm. */
export function winogradInputGradKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: FUSED.winogradInputGrad,
    backendName,
    kernelFunc: (args) => {
      const g = inputGradGeometry((args.attrs as unknown as WinogradGradAttrs).geometry);
      if (!winogradTakes(g)) throw new Error(`${FUSED.winogradInputGrad}: Winograd does not take this geometry (${JSON.stringify(g)})`);
      const b = args.backend as unknown as Backend;
      return forward(runtimeOf(b), b, args.inputs['dy']!, args.inputs['filter']!, undefined, false, g, true);
    },
  };
}

/** `TranslateWinogradFilterGrad` (x NHWC, dy) → dW [3, 3, c, k] of a 3×3 stride-1 conv, on wasm. */
export function winogradFilterGradKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: FUSED.winogradFilterGrad,
    backendName,
    kernelFunc: (args) => {
      const g = (args.attrs as unknown as WinogradGradAttrs).geometry;
      if (!winogradTakes(g)) throw new Error(`${FUSED.winogradFilterGrad}: Winograd does not take this geometry (${JSON.stringify(g)})`);
      const b = args.backend as unknown as Backend;
      return filterGradient(runtimeOf(b), b, args.inputs['x']!, args.inputs['dy']!, g);
    },
  };
}
