/**
 * The pure-wasm Winograd F(4×4, 3×3) kernels (forward with bias/ReLU, input gradient, filter
 * gradient) against the float64 JS reference of conv2d and its adjoints and the cpu backend, and
 * against XNNPACK's direct kernels (TRANSLATE_WINOGRAD=0) on shapes split into several bands of tile
 * rows; the direct route for large filters on small outputs against the same references.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { tf } from '../../src/tf.js';
import { initBackend } from '../../src/backend/index.js';
import { conv2dBackpropFilter } from '../../src/backend/kernels/conv2d_backprop_filter.js';
import { convGeometry } from '../../src/backend/kernels/util.js';
import { directTakes, winogradTakes } from '../../src/backend/kernels/winograd_wasm.js';
import {
  relaxedSimdSupported,
  WinogradRuntime,
  winogradRuntime,
  type EmscriptenWasm,
  type WinogradFunction,
} from '../../src/backend/kernels/winograd_runtime.js';
import { convFilterGradRef, convInputGradRef, convRef, geom, rand, relErr, type Dense, type RefPad } from './reference.js';

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  pad: RefPad;
}

const CASES: Case[] = [
  { x: [2, 13, 11, 32], f: [3, 3, 32, 40], pad: 'same' }, // batch, partial tiles, odd width
  { x: [1, 18, 18, 64], f: [3, 3, 64, 32], pad: 'valid' }, // a reflection-padded residual conv: 4x4 tiles exactly
  {
    x: [1, 20, 17, 48],
    f: [3, 3, 48, 64],
    pad: [
      [2, 1],
      [0, 2],
    ],
  }, // explicit, asymmetric
  { x: [1, 19, 21, 32], f: [3, 3, 32, 32], pad: 1 },
];

const TOL = 1e-4;
const quiet = { log: () => {} };

const tensor = (d: Dense) => tf.tensor(Float32Array.from(d.data), d.shape as [number, number, number, number]) as tf.Tensor4D;
const tfPad = (pad: RefPad) => (typeof pad === 'object' ? ([[0, 0], pad[0], pad[1], [0, 0]] as tf.backend_util.ExplicitPadding) : pad);

/** y, relu(y + bias), dx and dW of conv(x, w) on the active backend (dx, dW: of Σ y·dy). */
function convOutputs(x: Dense, w: Dense, dy: Dense, bias: Dense, s: [number, number], pad: RefPad, d: [number, number]): Float32Array[] {
  const outs = tf.tidy(() => {
    const [xt, wt, dyt] = [tensor(x), tensor(w), tensor(dy)];
    const y = tf.conv2d(xt, wt, s, tfPad(pad), 'NHWC', d);
    const b = tf.tensor1d(Float32Array.from(bias.data));
    const fused = tf.fused.conv2d({ x: xt, filter: wt, strides: s, pad: tfPad(pad), dilations: d, bias: b, activation: 'relu' });
    const [dx, dw] = tf.grads((a: tf.Tensor, f: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, s, tfPad(pad), 'NHWC', d), dyt)),
    )([xt, wt]);
    return [y, fused, dx!, dw!];
  });
  const data = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outs);
  return data;
}

/**
 * Runs y, relu(y + bias), dx and dW of one conv on pure wasm (inputs from `seed`) and checks them
 * against the float64 reference and the cpu backend, and that no tensor or scratch buffer leaked.
 * Returns which module functions ran.
 */
async function checkCase(xShape: Case['x'], fShape: Case['f'], s: [number, number], pad: RefPad, d: [number, number], seed: number) {
  const g = geom(xShape, fShape, s, pad, d);
  const x = rand(xShape, seed);
  const w = rand(fShape, seed + 1);
  const dy = rand([g.n, g.h.out, g.w.out, g.co], seed + 2);
  const bias = rand([fShape[3]], seed + 3);
  const yRef = convRef(x, w, g);
  const refs = [
    yRef.data,
    yRef.data.map((v, i) => Math.max(0, v + bias.data[i % fShape[3]]!)),
    convInputGradRef(dy, w, g).data,
    convFilterGradRef(x, dy, g).data,
  ];
  const before = tf.memory().numTensors;
  const dataIds = tf.backend().numDataIds();
  let got: Float32Array[] = [];
  const calls = winogradCalls(() => {
    got = convOutputs(x, w, dy, bias, s, pad, d);
  });
  expect(tf.memory().numTensors).toBe(before);
  expect(tf.backend().numDataIds()).toBe(dataIds); // scratch buffers freed
  refs.forEach((ref, i) => expect(relErr(got[i]!, ref)).toBeLessThan(TOL));
  await initBackend('cpu', quiet);
  const cpu = convOutputs(x, w, dy, bias, s, pad, d);
  await initBackend('wasm', { ...quiet, nativeKernels: false });
  cpu.forEach((expected, i) => expect(relErr(got[i]!, expected)).toBeLessThan(TOL));
  return calls;
}

/** Which Winograd functions ran (by name) while `f` ran. */
function winogradCalls(f: () => void): Map<WinogradFunction, number> {
  const calls = new Map<WinogradFunction, number>();
  const run = WinogradRuntime.prototype.run;
  const spy = vi.spyOn(WinogradRuntime.prototype, 'run').mockImplementation(function (this: WinogradRuntime, fn, args, total, align) {
    calls.set(fn, (calls.get(fn) ?? 0) + 1);
    run.call(this, fn, args, total, align);
  });
  try {
    f();
  } finally {
    spy.mockRestore();
  }
  return calls;
}

beforeAll(async () => {
  await initBackend('wasm', { ...quiet, nativeKernels: false });
});

afterEach(() => {
  delete process.env['TRANSLATE_WINOGRAD'];
});

afterAll(async () => {
  await initBackend('cpu', quiet);
});

describe('Winograd convolutions on pure wasm', () => {
  for (const c of CASES) {
    it(`equal the float64 reference and the cpu backend: x[${c.x}] ${c.f[2]}→${c.f[3]} ${JSON.stringify(c.pad)} (forward, bias + ReLU, both gradients)`, async () => {
      expect(winogradTakes(convGeometry(c.x, c.f, 1, tfPad(c.pad), 1))).toBe(true);
      const calls = await checkCase(c.x, c.f, [1, 1], c.pad, [1, 1], 1);
      expect(calls.get('wino_filter')).toBe(3); // y, fused, and the forward inside tf.grads
      expect(calls.get('wino_filter_flipped')).toBe(1); // the input gradient
      expect(calls.get('wino_filter_grad')).toBe(1); // the filter gradient
    });
  }

  it("run relaxed SIMD's fused multiply-adds on Node 20 and later (V8's flag set at run time)", () => {
    // The equality tests above then check the relaxed build; TRANSLATE_RELAXED_SIMD=0 checks the plain one.
    expect(relaxedSimdSupported()).toBe(true);
  });

  it('take only 3x3 stride-1 convs with 32+ channels in multiples of 8 and 16+ output tiles', () => {
    const takes = (x: number[], f: number[], s = 1, d = 1) => winogradTakes(convGeometry(x, f, s, 'same', d));
    expect(takes([1, 16, 16, 32], [3, 3, 32, 32])).toBe(true);
    expect(takes([1, 16, 16, 16], [3, 3, 16, 32])).toBe(false);
    expect(takes([1, 16, 16, 36], [3, 3, 36, 32])).toBe(false);
    expect(takes([1, 16, 16, 32], [3, 3, 32, 32], 2)).toBe(false);
    expect(takes([1, 16, 16, 32], [3, 3, 32, 32], 1, 2)).toBe(false);
    expect(takes([1, 16, 16, 32], [5, 5, 32, 32])).toBe(false);
    expect(takes([1, 12, 12, 32], [3, 3, 32, 32])).toBe(false); // 9 tiles
    expect(takes([2, 12, 12, 32], [3, 3, 32, 32])).toBe(true); // 18 tiles
    process.env['TRANSLATE_WINOGRAD'] = '0';
    expect(takes([1, 16, 16, 32], [3, 3, 32, 32])).toBe(false);
  });

  it('split large inputs into bands of tile rows and still equal XNNPACK direct convolutions', () => {
    // 4 × 31 × 31 tiles of 32 → 32 channels: two bands under the 32 MiB scratch cap.
    const x = tensor(rand([4, 122, 122, 32], 5));
    const w = tensor(rand([3, 3, 32, 32], 6));
    const dy = tensor(rand([4, 122, 122, 32], 7));
    const run = () =>
      tf.tidy(() => {
        const y = tf.conv2d(x, w, 1, 'same');
        const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, w, 1, 'same'), dy)))(x);
        const dw = conv2dBackpropFilter({
          x,
          dy,
          filterShape: [3, 3, 32, 32],
          strides: 1,
          pad: 'same',
          method: process.env['TRANSLATE_WINOGRAD'] ? 'columns' : 'auto',
        });
        return [y, dx, dw].map((t) => t.dataSync() as Float32Array);
      });
    let winograd: Float32Array[] = [];
    const calls = winogradCalls(() => {
      winograd = run();
    });
    // Two bands each: the forward twice (y, and inside tf.grad), the input gradient, the filter gradient.
    expect(calls.get('wino_input')).toBe(2 * 4);
    expect(calls.get('wino_filter_flipped')).toBe(1);
    expect(calls.get('wino_filter_grad')).toBe(1);
    process.env['TRANSLATE_WINOGRAD'] = '0';
    let direct: Float32Array[] = [];
    expect(winogradCalls(() => (direct = run())).size).toBe(0);
    winograd.forEach((v, i) => expect(relErr(v, direct[i]!)).toBeLessThan(TOL));
    tf.dispose([x, w, dy]);
  });

  it('report a trap on any thread as an error and keep working after it', () => {
    const backend = tf.backend() as unknown as {
      wasm: EmscriptenWasm & { wasmMemory?: { buffer: ArrayBufferLike } };
      makeOutput(s: number[], d: string): tf.TensorInfo;
      typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
      disposeData(id: object): void;
    };
    const rt = winogradRuntime(backend.wasm)!;
    const out = backend.makeOutput([36 * 8], 'float32');
    try {
      // C_p = A_p B_p for one row: A_p is read at p · apl floats, in range for the first half of
      // the 36 positions and past the end of the heap for the second (a worker's range when there
      // are two threads); B and C are in range. Only reads go out of range.
      const heapFloats = backend.wasm.wasmMemory!.buffer.byteLength / 4;
      const apl = Math.floor(heapFloats / 18) + 1;
      const c = backend.typedArrayFromHeap(out).byteOffset;
      expect(() => rt.run('wino_gemm', [0, apl, 1, 1, c, 8, 1, 8, c, 8, 8, 1, 8, 1, 0], 36)).toThrow(
        rt.threads > 1 ? /wino_gemm failed on a worker thread/ : /out of bounds/,
      );
    } finally {
      backend.disposeData(out.dataId);
    }
    const x = tensor(rand([1, 16, 16, 32], 8));
    const w = tensor(rand([3, 3, 32, 32], 9));
    const y = tf.conv2d(x, w, 1, 'same');
    const ref = convRef(rand([1, 16, 16, 32], 8), rand([3, 3, 32, 32], 9), geom([1, 16, 16, 32], [3, 3, 32, 32], [1, 1], 'same', [1, 1]));
    expect(relErr(y.dataSync(), ref.data)).toBeLessThan(TOL);
    tf.dispose([x, w, y]);
  });
});

/** Large filters on small outputs: the direct route (columns times filter). */
const DIRECT_CASES: Array<Case & { s: [number, number]; d?: [number, number] }> = [
  { x: [1, 6, 6, 256], f: [4, 4, 256, 256], s: [2, 2], pad: 'valid' }, // U-Net's innermost down-conv
  { x: [2, 5, 5, 512], f: [2, 2, 512, 512], s: [1, 1], pad: 'same' }, // a transposed conv's sub-filter
  {
    x: [1, 7, 9, 128],
    f: [4, 4, 128, 512],
    s: [2, 2],
    pad: [
      [1, 1],
      [1, 1],
    ],
  },
  { x: [1, 9, 9, 128], f: [3, 3, 128, 1024], s: [1, 1], pad: 'valid', d: [2, 2] },
];

describe('the direct route on pure wasm', () => {
  for (const c of DIRECT_CASES) {
    it(`equals the float64 reference and the cpu backend: x[${c.x}] f[${c.f}] s${c.s} ${JSON.stringify(c.pad)}${c.d ? ` d${c.d}` : ''} (with bias + ReLU, and gradients)`, async () => {
      const d = c.d ?? ([1, 1] as [number, number]);
      expect(directTakes(convGeometry(c.x, c.f, c.s, tfPad(c.pad), d))).toBe(true);
      const calls = await checkCase(c.x, c.f, c.s, c.pad, d, 11);
      expect(calls.get('conv_columns')).toBeGreaterThanOrEqual(3); // y, fused, the forward in tf.grads
      expect(calls.get('bias_act')).toBe(1);
    });
  }

  it('serves the first four uses of a filter tensor, then leaves it to XNNPACK (which then packs it once)', () => {
    const x = tensor(rand([1, 6, 6, 256], 15));
    const w = tensor(rand([4, 4, 256, 256], 16));
    const runs: number[] = [];
    for (let i = 0; i < 6; i++) {
      const calls = winogradCalls(() => tf.tidy(() => void tf.conv2d(x, w, 2, 'valid').dataSync()));
      runs.push(calls.get('conv_columns') ?? 0);
    }
    expect(runs).toEqual([1, 1, 1, 1, 0, 0]);
    tf.dispose([x, w]);
  });

  it('takes only large filters on small outputs', () => {
    const takes = (x: number[], f: number[], s = 1) => directTakes(convGeometry(x, f, s, 'same', 1));
    expect(takes([1, 4, 4, 512], [4, 4, 512, 512], 2)).toBe(true);
    expect(takes([1, 4, 4, 256], [4, 4, 256, 128], 2)).toBe(false); // 512 K floats of filter
    expect(takes([1, 64, 64, 256], [4, 4, 256, 512], 2)).toBe(false); // 1024 positions × 4096
    expect(takes([1, 4, 4, 510], [4, 4, 510, 512], 2)).toBe(false); // channels not a multiple of 4
  });
});
