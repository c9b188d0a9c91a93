import { describe, it, expect } from 'vitest';
import { CheckpointFormatError, readSafetensors, writeSafetensors } from '../../src/interop/index.js';
import type { RawStateDict, RawTensor } from '../../src/interop/index.js';
import { firstDiff, fixturePath, readFixture, tensorBytes, thrown } from './helpers.js';

const FIXTURES = ['basic_D', 'pixel_D', 'resnet_9blocks', 'unet_128', 'cyclegan_step', 'pix2pix_step'];

/** A safetensors file from a header object and a data section. */
function handMade(header: unknown, data = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('readSafetensors on the reference fixtures', () => {
  it('reads names, shapes, dtypes, metadata and values of resnet_9blocks', () => {
    const { tensors, metadata } = readSafetensors(readFixture('resnet_9blocks.safetensors'));
    expect(tensors.size).toBe(50);
    expect([...tensors.keys()].slice(0, 3)).toEqual(['model.1.weight', 'model.1.bias', 'model.4.weight']);
    expect([...tensors.keys()].slice(-2)).toEqual(['input', 'output']);
    expect(tensors.get('model.1.weight')).toMatchObject({ dtype: 'F32', shape: [8, 3, 7, 7] });
    expect(tensors.get('model.19.weight')!.shape).toEqual([32, 16, 3, 3]); // ConvTranspose2d (in, out, kH, kW)
    expect(tensors.get('input')!.shape).toEqual([1, 3, 64, 64]);
    expect([...(tensors.get('model.1.bias')!.data as Float32Array)]).toEqual(new Array(8).fill(0)); // init: biases 0
    const out = tensors.get('output')!.data as Float32Array;
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(3 * 64 * 64);
    // README: mean -0.0482182211, min -0.80853921, max 0.77642864
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of out) {
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(sum / out.length).toBeCloseTo(-0.0482182211, 9);
    expect(min).toBeCloseTo(-0.80853921, 7);
    expect(max).toBeCloseTo(0.77642864, 7);
    expect(metadata.torch).toBe('1.13.0a0');
  });

  it('reads the I64 num_batches_tracked scalars of pix2pix_step', () => {
    const { tensors } = readSafetensors(readFixture('pix2pix_step.safetensors'));
    const n = tensors.get('D.model.3.num_batches_tracked')!;
    expect(n.dtype).toBe('I64');
    expect(n.shape).toEqual([]);
    expect(n.data).toEqual(new BigInt64Array([0n]));
    expect(tensors.get('real_A')!.shape).toEqual([1, 3, 128, 128]);
  });

  for (const name of FIXTURES) {
    it(`${name}.safetensors: write(read(file)) gives the file back byte for byte`, () => {
      const bytes = readFixture(`${name}.safetensors`);
      const { tensors, metadata } = readSafetensors(bytes, fixturePath(`${name}.safetensors`));
      expect(firstDiff(writeSafetensors(tensors, metadata), bytes)).toBe(-1);
    });
  }
});

describe('writeSafetensors → readSafetensors round trip', () => {
  it('keeps every dtype, shape, value (bit-exact), name order and metadata', () => {
    const tensors: RawStateDict = new Map<string, RawTensor>([
      ['z.f32', { dtype: 'F32', shape: [2, 2], data: new Float32Array([1.5, NaN, -Infinity, -0]) }],
      ['a.f64', { dtype: 'F64', shape: [1], data: new Uint8Array(new Float64Array([Math.E]).buffer) }],
      ['f16', { dtype: 'F16', shape: [3], data: new Uint8Array([0x00, 0x3c, 0xff, 0x7b, 0x01, 0x00]) }],
      ['bf16', { dtype: 'BF16', shape: [1], data: new Uint8Array([0x49, 0x40]) }],
      ['i64', { dtype: 'I64', shape: [], data: new BigInt64Array([-(2n ** 63n)]) }],
      ['i32', { dtype: 'I32', shape: [2], data: new Int32Array([-1, 7]) }],
      ['u8', { dtype: 'U8', shape: [3], data: new Uint8Array([0, 128, 255]) }],
      ['bool', { dtype: 'BOOL', shape: [2, 1], data: new Uint8Array([1, 0]) }],
      ['i8', { dtype: 'I8', shape: [1], data: new Uint8Array([0x80]) }],
      ['i16', { dtype: 'I16', shape: [1], data: new Uint8Array([0x00, 0x80]) }],
      ['0', { dtype: 'F32', shape: [0], data: new Float32Array(0) }],
      ['odd', { dtype: 'U8', shape: [5], data: new Uint8Array([1, 2, 3, 4, 5]) }],
    ]);
    const meta = { format: 'pt', 'note é': 'ünïcode "quoted"' };
    const bytes = writeSafetensors(tensors, meta);
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLen % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual(meta);
    expect([...back.tensors.keys()]).toEqual([...tensors.keys()]); // '0' stays in place
    for (const [name, t] of tensors) {
      const b = back.tensors.get(name)!;
      expect({ name, dtype: b.dtype, shape: b.shape }).toEqual({ name, dtype: t.dtype, shape: t.shape });
      expect(firstDiff(tensorBytes(b), tensorBytes(t))).toBe(-1);
    }
    expect(back.tensors.get('z.f32')!.data).toBeInstanceOf(Float32Array);
    expect(back.tensors.get('i64')!.data).toBeInstanceOf(BigInt64Array);
    expect(back.tensors.get('i32')!.data).toBeInstanceOf(Uint8Array); // raw bytes for other dtypes
    expect(writeSafetensors(back.tensors, back.metadata)).toEqual(bytes);
  });

  it('omits __metadata__ when empty and reads it back as {}', () => {
    const bytes = writeSafetensors(new Map([['x', { dtype: 'F32', shape: [1], data: new Float32Array([2]) }]]));
    expect(new TextDecoder().decode(bytes.subarray(8)).includes('__metadata__')).toBe(false);
    expect(readSafetensors(bytes).metadata).toEqual({});
  });

  it('rejects tensors that cannot be written', () => {
    const e = thrown(() => writeSafetensors(new Map([['w', { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) }]])));
    expect(e).toBeInstanceOf(CheckpointFormatError);
    expect(e.message).toMatch(/'w' \(F32 \[2, 2\]\) has 12 data bytes, expected 16/);
    expect(thrown(() => writeSafetensors(new Map([['w', { dtype: 'F64', shape: [1], data: new Float32Array(2) }]]))).message).toMatch(
      /'w' \(F64\) has data of type Float32Array/,
    );
    expect(
      thrown(() => writeSafetensors(new Map([['__metadata__', { dtype: 'U8', shape: [0], data: new Uint8Array(0) }]]))).message,
    ).toMatch(/__metadata__/);
  });
});

describe('readSafetensors errors', () => {
  const path = '/ckpt/model.safetensors';
  const f32 = (n: number) => new Uint8Array(n * 4);
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['an empty file', new Uint8Array(0), /truncated: 0 bytes/],
    ['a 5-byte file', new Uint8Array(5), /truncated: 5 bytes/],
    [
      'a header length beyond the file',
      (() => {
        const b = handMade({});
        new DataView(b.buffer).setBigUint64(0, 1000n, true);
        return b;
      })(),
      /header length 1000 exceeds the file size/,
    ],
    [
      'a huge header length',
      (() => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setBigUint64(0, 2n ** 63n, true);
        return b;
      })(),
      /header length \d+ exceeds/,
    ],
    ['a header that is not JSON', handMade('x').map((v, i) => (i === 8 ? 0x7b : v)), /not valid UTF-8 JSON/],
    ['a header that is a list', handMade([1, 2]), /header is not a JSON object/],
    [
      'an unknown dtype',
      handMade({ w: { dtype: 'F8', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)),
      /tensor 'w' has unknown dtype "F8"/,
    ],
    [
      'a negative dimension',
      handMade({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)),
      /'w' has an invalid shape \[-1\]/,
    ],
    [
      'offsets past the data',
      handMade({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1)),
      /'w' data_offsets \[0, 8\] are outside the data section \(4 bytes\)/,
    ],
    ['reversed offsets', handMade({ w: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, f32(1)), /outside the data section/],
    ['missing offsets', handMade({ w: { dtype: 'F32', shape: [1] } }, f32(1)), /'w' has invalid data_offsets undefined/],
    [
      'a size that does not match the shape',
      handMade({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, f32(2)),
      /'w' \(F32 \[2\]\) needs 8 bytes, data_offsets give 4/,
    ],
    [
      'overlapping tensors',
      handMade({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32(3)),
      /'a' and 'b' have overlapping data_offsets/,
    ],
    ['non-string metadata', handMade({ __metadata__: { epoch: 3 } }), /__metadata__ value for 'epoch' is not a string/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`reports ${what}`, () => {
      const e = thrown(() => readSafetensors(bytes, path));
      expect(e).toBeInstanceOf(CheckpointFormatError);
      expect(e.message.startsWith(`${path}: invalid safetensors file: `)).toBe(true);
      expect(e.message).toMatch(message);
    });
  }

  it('reports a truncated fixture', () => {
    const full = readFixture('basic_D.safetensors');
    for (const len of [3, 8, 100, full.length - 1]) {
      const e = thrown(() => readSafetensors(full.subarray(0, len), path));
      expect(e).toBeInstanceOf(CheckpointFormatError);
      expect(e.message).toMatch(/truncated|exceeds the file size|outside the data section/);
    }
  });

  it('throws only CheckpointFormatError on damaged headers', () => {
    const original = readFixture('pixel_D.safetensors');
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let failures = 0;
    for (let trial = 0; trial < 300; trial++) {
      const bytes = original.slice();
      for (let k = 0; k < 1 + rand(3); k++) bytes[rand(832)] = rand(256);
      try {
        readSafetensors(bytes);
      } catch (e) {
        failures++;
        expect(e, String(e)).toBeInstanceOf(CheckpointFormatError);
      }
    }
    expect(failures).toBeGreaterThan(50);
  });
});
