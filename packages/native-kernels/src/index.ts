/**
 * Loader of the optional oneDNN kernels addon. The addon works in place on Float32Arrays (NHWC
 * activations, HWIO filters, row-major matrices) and knows nothing of tfjs: `@translate/core`
 * registers it as kernels of its wasm backend.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Convolution geometry, 15 int32s: batch, inH, inW, inC, outH, outW, outC, filterH, filterW,
 * strideH, strideW, dilationH, dilationW (1 = none), padTop, padLeft.
 */
export type ConvGeometryArray = Int32Array;

/** The addon's functions. Outputs are written into the arrays passed; nothing is allocated for JS. */
export interface NativeKernels {
  /**
   * y = act(conv2d(x, filter) + bias); activation 0 linear, 1 relu, 2 leaky relu with slope `alpha`.
   * `weightsKey` > 0 declares `filter` unchanging under that key (inference): the addon keeps it in
   * the kernel's own layout (Winograd-transformed) and skips that conversion on later calls; 0 for
   * weights that may change.
   */
  conv2dForward(
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array | null,
    y: Float32Array,
    geometry: ConvGeometryArray,
    activation: number,
    alpha: number,
    weightsKey: number,
  ): void;
  /** dx = the input gradient of conv2d (also the forward pass of conv2dTranspose). */
  conv2dBackwardInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: ConvGeometryArray): void;
  /** dw = the filter gradient of conv2d, HWIO. */
  conv2dBackwardFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: ConvGeometryArray): void;
  /**
   * Batched row-major c = op(a)·op(b); geometry [batch, m, n, k, transposeA, transposeB,
   * batchStrideA, batchStrideB] (a stride of 0 broadcasts that operand).
   */
  matmul(a: Float32Array, b: Float32Array, c: Float32Array, geometry: Int32Array): void;
  /** out[o, j] = Σ_m x[o, m, j] over a [outer, mid, inner] view (the mean when `mean`). */
  reduce(x: Float32Array, out: Float32Array, outer: number, mid: number, inner: number, mean: boolean): void;
  /**
   * y = (x − mean)·rstd per sample and channel of an NHWC tensor, then max(0, ·) when `relu`; also
   * writes mean and rstd ([n, c]).
   */
  instanceNorm(
    x: Float32Array,
    y: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    n: number,
    hw: number,
    c: number,
    eps: number,
    relu: boolean,
  ): void;
  /**
   * dx = rstd·(g − mean(g) − x̂·mean(g·x̂)), the instance-norm input gradient, with g = dy, or, given
   * the output `y` of a fused ReLU, dy masked to y > 0.
   */
  instanceNormGrad(
    x: Float32Array,
    dy: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    dx: Float32Array,
    n: number,
    hw: number,
    c: number,
    y: Float32Array | null,
  ): void;
  /** Folds an NHWC mirror pad's gradient; geometry [n, h, w, c, top, bottom, left, right, reflect ? 1 : 0]. */
  mirrorPadGrad(dy: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  /**
   * One torch.optim.Adam update into new arrays; hyper = [β1, 1 − β1, β2, 1 − β2, eps, weight decay,
   * sqrt(bias correction 2), step size] as float32.
   */
  adam(
    param: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    outParam: Float32Array,
    outM: Float32Array,
    outV: Float32Array,
    hyper: Float32Array,
  ): void;
  /**
   * The oneDNN implementation a conv runs with ("jit_wino_4x3:avx512_core" for Winograd,
   * "brgconv:avx512_core", ...): kind 0 forward, 1 backward-input, 2 backward-filter, 3 forward
   * with unchanging weights.
   */
  implementation(kind: 0 | 1 | 2 | 3, geometry: ConvGeometryArray): string;
  /** "oneDNN x.y.z". */
  version(): string;
}

/** The addon, or why it cannot be used and how to fix that. */
export type AddonProbe = { ok: true; kernels: NativeKernels; version: string } | { ok: false; reason: string; hint: string };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const REBUILD = 'pnpm --filter @translate/native-kernels run rebuild';

let cached: AddonProbe | undefined;

/** Loads the addon built at install time (once per process). Never throws. */
export function loadAddon(): AddonProbe {
  cached ??= probe();
  return cached;
}

function probe(): AddonProbe {
  const file = join(root, 'build', 'Release', 'native_kernels.node');
  if (!existsSync(file)) {
    const status = readStatus();
    return {
      ok: false,
      reason: status?.reason ? `not built: ${status.reason}` : 'not built',
      hint: status?.hint ?? `run: ${REBUILD}`,
    };
  }
  // OpenMP threads that spin between kernels steal the cores the wasm threads need for the ops in
  // between: let them sleep (libgomp reads this when the addon loads it). A user's setting wins.
  process.env['OMP_WAIT_POLICY'] ??= 'PASSIVE';
  try {
    const kernels = createRequire(import.meta.url)(file) as NativeKernels;
    return { ok: true, kernels, version: kernels.version() };
  } catch (err) {
    const first = String((err as Error).message ?? err).split('\n')[0];
    return { ok: false, reason: `the addon does not load: ${first}`, hint: `reinstall oneDNN's runtime or run: ${REBUILD}` };
  }
}

function readStatus(): { reason?: string; hint?: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(root, 'build', 'status.json'), 'utf8')) as { reason?: string; hint?: string };
  } catch {
    return undefined;
  }
}
