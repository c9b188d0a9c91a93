import { describe, it, expect } from 'vitest';
import {
  CheckpointFormatError,
  fromTorchLayout,
  ourShapeFor,
  permute,
  readPth,
  toTorchLayout,
  torchShapeFor,
} from '../../src/interop/index.js';
import type { ParamLayout, RawTensor } from '../../src/interop/index.js';
import { readFixture, thrown } from './helpers.js';

/** An F32 tensor whose value at each flat index is the index itself. */
function arange(shape: number[]): RawTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'F32', shape, data: Float32Array.from({ length: n }, (_, i) => i) };
}

describe('fromTorchLayout', () => {
  it("'conv': OIHW → HWIO, ours[h][w][i][o] = torch[o][i][h][w]", () => {
    const [O, I, H, W] = [2, 3, 2, 2];
    const r = fromTorchLayout(arange([O, I, H, W]), 'conv');
    expect(r.shape).toEqual([H, W, I, O]);
    // first cells by hand: (h0,w0,i0,o0)=torch(0,0,0,0)=0, (o1)=torch(1,0,0,0)=12, (i1,o0)=torch(0,1,0,0)=4, ...
    expect([...r.data.slice(0, 8)]).toEqual([0, 12, 4, 16, 8, 20, 1, 13]);
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++)
        for (let i = 0; i < I; i++)
          for (let o = 0; o < O; o++) expect(r.data[((h * W + w) * I + i) * O + o]).toBe(((o * I + i) * H + h) * W + w);
  });

  it("'convTranspose': torch (in, out, kH, kW) → tfjs [kH, kW, out, in], ours[h][w][o][i] = torch[i][o][h][w]", () => {
    const [I, O, H, W] = [3, 2, 2, 3];
    const r = fromTorchLayout(arange([I, O, H, W]), 'convTranspose');
    expect(r.shape).toEqual([H, W, O, I]);
    // (h0,w0,o0,i0)=0, (i1)=torch(1,0,0,0)=12, (i2)=24, (o1,i0)=torch(0,1,0,0)=6, (o1,i1)=18, (o1,i2)=30
    expect([...r.data.slice(0, 6)]).toEqual([0, 12, 24, 6, 18, 30]);
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++)
        for (let o = 0; o < O; o++)
          for (let i = 0; i < I; i++) expect(r.data[((h * W + w) * O + o) * I + i]).toBe(((i * O + o) * H + h) * W + w);
  });

  it("'linear': [out, in] → [in, out] so that y = x·W", () => {
    const r = fromTorchLayout({ dtype: 'F32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) }, 'linear');
    expect(r).toEqual({ shape: [3, 2], data: new Float32Array([1, 4, 2, 5, 3, 6]) });
    // torch: y_o = Σ_i W[o][i] x_i ; ours: y = x · W'
    const x = [1, -1, 2];
    const y = [0, 1].map((o) => x.reduce((acc, xi, i) => acc + xi * r.data[i * 2 + o]!, 0));
    expect(y).toEqual([1 - 2 + 6, 4 - 5 + 12]);
  });

  it("'activation': NCHW → NHWC", () => {
    const r = fromTorchLayout(arange([1, 2, 2, 2]), 'activation');
    expect(r.shape).toEqual([1, 2, 2, 2]);
    expect([...r.data]).toEqual([0, 4, 1, 5, 2, 6, 3, 7]);
    const b = fromTorchLayout(arange([2, 3, 1, 2]), 'activation'); // ours[n][h][w][c] = torch[n][c][h][w]
    expect(b.shape).toEqual([2, 1, 2, 3]);
    expect([...b.data]).toEqual([0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11]);
  });

  it("'plain' keeps shape and values (as a copy) and converts other dtypes to float32", () => {
    const src = arange([4]);
    const r = fromTorchLayout(src, 'plain');
    expect(r).toEqual({ shape: [4], data: new Float32Array([0, 1, 2, 3]) });
    expect(r.data).not.toBe(src.data);
    expect(fromTorchLayout({ dtype: 'I64', shape: [], data: new BigInt64Array([3n]) }, 'plain')).toEqual({
      shape: [],
      data: new Float32Array([3]),
    });
    expect(fromTorchLayout({ dtype: 'F16', shape: [3], data: new Uint8Array([0x00, 0x3c, 0x00, 0xc1, 0x01, 0x00]) }, 'plain').data).toEqual(
      new Float32Array([1, -2.5, 2 ** -24]),
    );
    expect(fromTorchLayout({ dtype: 'BF16', shape: [1], data: new Uint8Array([0x49, 0x40]) }, 'plain').data).toEqual(
      new Float32Array([3.140625]),
    );
    expect(fromTorchLayout({ dtype: 'F64', shape: [1], data: new Uint8Array(new Float64Array([0.1]).buffer) }, 'plain').data).toEqual(
      new Float32Array([0.1]),
    );
  });

  it('converts F64 conv weights too', () => {
    const data = new Float64Array([0, 1, 2, 3]);
    const r = fromTorchLayout({ dtype: 'F64', shape: [2, 2, 1, 1], data: new Uint8Array(data.buffer) }, 'conv');
    expect(r).toEqual({ shape: [1, 1, 2, 2], data: new Float32Array([0, 2, 1, 3]) });
  });

  it('rejects tensors of the wrong rank with CheckpointFormatError', () => {
    const e = thrown(() => fromTorchLayout(arange([3, 3]), 'conv'));
    expect(e).toBeInstanceOf(CheckpointFormatError);
    expect(e.message).toMatch(/'conv' tensor must have 4 dimensions, got shape \[3, 3\]/);
    expect(thrown(() => fromTorchLayout(arange([3]), 'linear'))).toBeInstanceOf(CheckpointFormatError);
  });
});

describe('toTorchLayout', () => {
  const layouts: Array<[ParamLayout, number[]]> = [
    ['conv', [8, 3, 7, 7]],
    ['convTranspose', [32, 16, 3, 3]],
    ['linear', [5, 9]],
    ['activation', [2, 3, 4, 5]],
    ['plain', [6, 2]],
  ];
  for (const [layout, torchShape] of layouts) {
    it(`inverts fromTorchLayout for '${layout}'`, () => {
      const src = arange(torchShape);
      const ours = fromTorchLayout(src, layout);
      expect(ours.shape).toEqual(ourShapeFor(torchShape, layout));
      expect(torchShapeFor(ours.shape, layout)).toEqual(torchShape);
      const back = toTorchLayout(ours.shape, ours.data, layout);
      expect(back).toEqual({ dtype: 'F32', shape: torchShape, data: src.data });
    });
  }

  it('maps HWIO back to OIHW by hand', () => {
    // ours [kH=1, kW=2, in=2, out=1]: values indexed (h, w, i, o)
    const t = toTorchLayout([1, 2, 2, 1], new Float32Array([10, 11, 20, 21]), 'conv');
    // torch [out=1, in=2, kH=1, kW=2]: torch[0][i][0][w] = ours[0][w][i][0]
    expect(t).toEqual({ dtype: 'F32', shape: [1, 2, 1, 2], data: new Float32Array([10, 20, 11, 21]) });
  });

  it('rejects mismatched shapes', () => {
    expect(thrown(() => toTorchLayout([2, 2], new Float32Array(3), 'plain'))).toBeInstanceOf(RangeError);
    expect(thrown(() => toTorchLayout([4], new Float32Array(4), 'linear'))).toBeInstanceOf(RangeError);
  });

  it('round-trips every weight of a fixture checkpoint', () => {
    const ck = readPth(readFixture('resnet_9blocks.pth'));
    const convT = new Set(['model.19.weight', 'model.22.weight']);
    for (const [name, t] of ck.tensors) {
      const layout: ParamLayout = t.shape.length === 4 ? (convT.has(name) ? 'convTranspose' : 'conv') : 'plain';
      const ours = fromTorchLayout(t, layout);
      const back = toTorchLayout(ours.shape, ours.data, layout);
      expect(back.shape).toEqual(t.shape);
      expect(back.data).toEqual(t.data);
    }
    expect(fromTorchLayout(ck.tensors.get('model.19.weight')!, 'convTranspose').shape).toEqual([3, 3, 16, 32]);
  });
});

describe('permute', () => {
  it('moves axes as given and validates the permutation', () => {
    expect(permute(new Float32Array([0, 1, 2, 3, 4, 5]), [2, 3], [1, 0])).toEqual({
      shape: [3, 2],
      data: new Float32Array([0, 3, 1, 4, 2, 5]),
    });
    expect(permute(new Float32Array([7]), [], [])).toEqual({ shape: [], data: new Float32Array([7]) });
    expect(permute(new Float32Array(0), [0, 3], [1, 0]).shape).toEqual([3, 0]);
    expect(thrown(() => permute(new Float32Array(6), [2, 3], [0, 0]))).toBeInstanceOf(RangeError);
  });
});
