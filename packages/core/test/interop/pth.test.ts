import { describe, it, expect } from 'vitest';
import {
  CheckpointFormatError,
  PyCall,
  PyDict,
  PyGlobal,
  PyPersistent,
  PyTuple,
  readPth,
  readSafetensors,
  writePickle,
  writePth,
  writeTorchZip,
} from '../../src/interop/index.js';
import type { RawStateDict, RawTensor } from '../../src/interop/index.js';
import { firstDiff, fixturePath, fromBase64, fromHex, readFixture, sha256, tensorBytes, thrown } from './helpers.js';
import {
  DTYPES_PTH,
  LEGACY_DTYPES_PTH,
  LEGACY_MODULE_PTH,
  LEGACY_VIEWS_PTH,
  LEGACY_WRAPPED_PTH,
  VIEWS_PTH,
  WRAPPED_PTH,
} from './torch_samples.js';

const NETWORKS = ['basic_D', 'pixel_D', 'resnet_9blocks', 'unet_128'] as const;

function expectSameTensors(actual: RawStateDict, expected: RawStateDict): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [name, e] of expected) {
    const a = actual.get(name)!;
    expect({ name, dtype: a.dtype, shape: a.shape }).toEqual({ name, dtype: e.dtype, shape: e.shape });
    expect(a.data.constructor).toBe(e.data.constructor);
    expect(firstDiff(tensorBytes(a), tensorBytes(e)), `data of ${name}`).toBe(-1);
  }
}

function expectByteIdentical(actual: Uint8Array, expected: Uint8Array): void {
  expect(firstDiff(actual, expected), 'first differing byte').toBe(-1);
  expect(sha256(actual)).toBe(sha256(expected));
}

function f32(shape: number[], values: number[]): RawTensor {
  return { dtype: 'F32', shape, data: new Float32Array(values) };
}

describe('readPth on the reference fixtures', () => {
  for (const net of NETWORKS) {
    it(`${net}.pth holds bit-exactly the tensors of ${net}.safetensors`, () => {
      const ck = readPth(readFixture(`${net}.pth`), fixturePath(`${net}.pth`));
      const st = readSafetensors(readFixture(`${net}.safetensors`)).tensors;
      expect(st.has('input') && st.has('output')).toBe(true);
      st.delete('input');
      st.delete('output');
      expect(ck.tensors.size).toBeGreaterThan(0);
      expectSameTensors(ck.tensors, st);
      expect(ck.archiveName).toBe(net);
      expect(ck.stateDictKey).toBeUndefined();
      expect(ck.moduleMetadata?.get('')).toEqual({ version: 1 });
    });
  }

  it('reads the BatchNorm int64 num_batches_tracked scalars and BatchNorm _metadata versions of unet_128', () => {
    const ck = readPth(readFixture('unet_128.pth'));
    const counters = [...ck.tensors].filter(([k]) => k.endsWith('num_batches_tracked'));
    expect(counters).toHaveLength(11);
    for (const [, t] of counters) {
      expect(t.dtype).toBe('I64');
      expect(t.shape).toEqual([]);
      expect(t.data).toBeInstanceOf(BigInt64Array);
      expect([...(t.data as BigInt64Array)]).toEqual([3n]); // three train-mode forwards
    }
    expect(ck.moduleMetadata?.get('model.model.1.model.2')).toEqual({ version: 2 }); // BatchNorm2d._version
    expect(ck.moduleMetadata?.get('model.model.1.model.1')).toEqual({ version: 1 }); // Conv2d
    expect([...ck.moduleMetadata!.keys()].slice(0, 3)).toEqual(['', 'model', 'model.model']);
  });
});

describe('writePth', () => {
  for (const net of NETWORKS) {
    it(`rewrites ${net}.pth byte for byte from what readPth returned`, () => {
      const original = readFixture(`${net}.pth`);
      const ck = readPth(original);
      expectByteIdentical(writePth(ck.tensors, { archiveName: ck.archiveName, moduleMetadata: ck.moduleMetadata }), original);
      expectByteIdentical(writePth(ck.tensors, ck), original);
    });
  }

  it('writes state dicts that read back bit-exactly, for every dtype', () => {
    const tensors: RawStateDict = new Map<string, RawTensor>([
      ['w', f32([2, 3], [1, -2, 3.5, NaN, Infinity, -0])],
      ['n', { dtype: 'I64', shape: [], data: new BigInt64Array([-(2n ** 62n)]) }],
      ['i', { dtype: 'I32', shape: [2], data: new Int32Array([-5, 2 ** 31 - 1]) }],
      ['d', { dtype: 'F64', shape: [1], data: new Uint8Array(new Float64Array([Math.PI]).buffer) }],
      ['h', { dtype: 'F16', shape: [2], data: new Uint8Array([0x00, 0x3c, 0x00, 0xc0]) }],
      ['bf', { dtype: 'BF16', shape: [1], data: new Uint8Array([0x80, 0x3f]) }],
      ['b', { dtype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) }],
      ['e', f32([0, 4], [])],
    ]);
    const bytes = writePth(tensors);
    const ck = readPth(bytes);
    expect(ck.archiveName).toBe('archive');
    expect(ck.moduleMetadata).toBeUndefined();
    const expected = new Map(tensors);
    expected.set('i', { ...tensors.get('i')!, data: new Uint8Array(new Int32Array([-5, 2 ** 31 - 1]).buffer) });
    expectSameTensors(ck.tensors, expected);
  });

  it('matches torch 1.13 byte for byte on a 1001-entry state dict (LONG_BINPUT memo, SETITEMS batches of 1000)', () => {
    const tensors: RawStateDict = new Map();
    const metadata = new Map<string, Record<string, number>>();
    for (let i = 0; i < 1001; i++) {
      tensors.set(`layer${i}.weight`, f32([], [i]));
      metadata.set(`layer${i}`, { version: 1 });
    }
    const bytes = writePth(tensors, { moduleMetadata: metadata });
    // torch.save(OrderedDict of torch.tensor(float(i)) with that _metadata, BytesIO), see gen_torch_samples.py
    expect(bytes.length).toBe(304688);
    expect(sha256(bytes)).toBe('60fadac7705d2b9cb1ba351dcadc83567284241c4806ef2f1d439d12bbada3f5');
    expect(readPth(bytes).tensors.get('layer1000.weight')!.data).toEqual(new Float32Array([1000]));
  });

  it('rejects tensors whose data does not match dtype and shape, and bad archive names', () => {
    expect(thrown(() => writePth(new Map([['x', f32([3], [1, 2])]])))).toBeInstanceOf(CheckpointFormatError);
    expect(thrown(() => writePth(new Map([['x', f32([3], [1, 2])]]))).message).toMatch(/'x'.*8 data bytes, expected 12/);
    expect(thrown(() => writePth(new Map(), { archiveName: 'a/b' })).message).toMatch(/invalid archive name/);
  });
});

describe('files written by real torch 1.13 (embedded samples)', () => {
  it('reads every dtype, 0-d and empty tensors, and rewrites the file byte for byte', () => {
    const original = fromBase64(DTYPES_PTH);
    const ck = readPth(original);
    const t = ck.tensors;
    expect([...t.keys()]).toEqual(['f64', 'f16', 'bf16', 'i64', 'i32', 'i16', 'i8', 'u8', 'b', 'scalar', 'empty', 'big']);
    const le = (k: string) => new DataView(tensorBytes(t.get(k)!).slice().buffer);
    expect(t.get('f64')!.dtype).toBe('F64');
    expect([le('f64').getFloat64(0, true), le('f64').getFloat64(8, true)]).toEqual([1.5, -2.25]);
    expect(t.get('f16')).toMatchObject({ dtype: 'F16', shape: [3] });
    expect([0, 2, 4].map((o) => le('f16').getUint16(o, true))).toEqual([0x3c00, 0xb800, 0x7bff]);
    expect([0, 2].map((o) => le('bf16').getUint16(o, true))).toEqual([0x3f80, 0xc040]);
    expect([...(t.get('i64')!.data as BigInt64Array)]).toEqual([-1n, 2n ** 40n]);
    expect([le('i32').getInt32(0, true), le('i32').getInt32(4, true)]).toEqual([-7, 8]);
    expect([le('i16').getInt16(0, true), le('i16').getInt16(2, true)]).toEqual([-300, 300]);
    expect([le('i8').getInt8(0), le('i8').getInt8(1)]).toEqual([-128, 127]);
    expect([...(t.get('u8')!.data as Uint8Array)]).toEqual([0, 255]);
    expect(t.get('b')).toMatchObject({ dtype: 'BOOL', shape: [2] });
    expect([...(t.get('b')!.data as Uint8Array)]).toEqual([1, 0]);
    expect(t.get('scalar')).toEqual({ dtype: 'F32', shape: [], data: new Float32Array([3.5]) });
    expect(t.get('empty')).toEqual({ dtype: 'F32', shape: [0, 3], data: new Float32Array(0) });
    expect(t.get('big')!.shape).toEqual([3, 100]);
    expect(t.get('big')!.data).toEqual(Float32Array.from({ length: 300 }, (_, i) => i));
    expect(ck.archiveName).toBe('archive');
    expect(ck.moduleMetadata).toEqual(
      new Map([
        ['', { version: 1 }],
        ['sub', { version: 2 }],
      ]),
    );
    expectByteIdentical(writePth(ck.tensors, ck), original);
  });

  it('materializes views (storage offsets, strides, shared storages) and parameters', () => {
    const ck = readPth(fromBase64(VIEWS_PTH));
    const t = ck.tensors;
    const base = Array.from({ length: 24 }, (_, i) => i);
    expect(t.get('base')).toEqual(f32([4, 6], base));
    // transpose: t[i][j] = base[j][i]
    expect(t.get('t')).toEqual(f32([6, 4], [0, 6, 12, 18, 1, 7, 13, 19, 2, 8, 14, 20, 3, 9, 15, 21, 4, 10, 16, 22, 5, 11, 17, 23]));
    expect(t.get('s')).toEqual(f32([2, 3], [8, 9, 10, 14, 15, 16])); // base[1:3, 2:5]
    expect(t.get('row')).toEqual(f32([6], [12, 13, 14, 15, 16, 17])); // base[2]: storage offset 12
    expect(t.get('v')).toEqual(f32([2, 12], base));
    expect(t.get('col')).toEqual(f32([4], [1, 7, 13, 19])); // base[:, 1]: offset 1, stride 6
    expect(t.get('p')).toEqual(f32([2], [1, 2])); // nn.Parameter via _rebuild_parameter
    expect(ck.moduleMetadata).toBeUndefined(); // a plain dict, not a module's state dict
    // Shared storages are copied apart.
    (t.get('base')!.data as Float32Array)[0] = 99;
    expect((t.get('v')!.data as Float32Array)[0]).toBe(0);
  });

  it("finds a state dict nested under 'state_dict' in a training checkpoint", () => {
    const ck = readPth(fromBase64(WRAPPED_PTH));
    expect(ck.stateDictKey).toBe('state_dict');
    expect(ck.tensors.get('w')).toEqual(f32([2, 2], [1, 2, 3, 4]));
    expect(ck.tensors.get('n')).toEqual({ dtype: 'I64', shape: [], data: new BigInt64Array([5n]) });
    expect(ck.tensors.size).toBe(2);
  });
});

describe('the legacy format of torch 0.4-1.5 (embedded samples written by torch 1.13)', () => {
  it('reads every dtype with the same tensors and _metadata as the zip file of the same object', () => {
    const legacy = readPth(fromBase64(LEGACY_DTYPES_PTH));
    const zip = readPth(fromBase64(DTYPES_PTH));
    expect(legacy.format).toBe('legacy');
    expect(zip.format).toBe('zip');
    expect(legacy.archiveName).toBe('');
    expectSameTensors(legacy.tensors, zip.tensors);
    expect(legacy.moduleMetadata).toEqual(zip.moduleMetadata);
    // rewritten as the zip format, it is byte for byte what torch writes
    expectByteIdentical(writePth(legacy.tensors, { moduleMetadata: legacy.moduleMetadata }), fromBase64(DTYPES_PTH));
  });

  it('materializes views, shared storages and parameters like the zip reader', () => {
    expectSameTensors(readPth(fromBase64(LEGACY_VIEWS_PTH)).tensors, readPth(fromBase64(VIEWS_PTH)).tensors);
  });

  it('finds a DataParallel state dict beside argparse and numpy objects (pickle protocol 4), running none of them', () => {
    const ck = readPth(fromBase64(LEGACY_WRAPPED_PTH));
    expect(ck.stateDictKey).toBe('state_dict');
    expect(ck.container).toBe("'state_dict' entry of a dict, 'module.' prefixes (DataParallel) removed");
    expect([...ck.tensors.keys()]).toEqual(['w', 'n']);
    expect(ck.tensors.get('w')).toEqual(f32([2, 2], [1, 2, 3, 4]));
  });

  it('refuses a pickled module of a class it cannot map, naming the class and the fix', () => {
    const e = thrown(() => readPth(fromBase64(LEGACY_MODULE_PTH), 'net.pth'));
    expect(e).toBeInstanceOf(CheckpointFormatError);
    expect(e.message).toMatch(
      /^net\.pth: a pickled whole module of class torch\.nn\.modules\.container\.Sequential \(torch\.save\(model\)\)/,
    );
    expect(e.message).toMatch(/torch\.save\(model\.state_dict\(\), 'weights\.pth'\)$/);
  });

  it('reports truncated storage data and corrupt headers, naming the file', () => {
    const full = fromBase64(LEGACY_DTYPES_PTH);
    expect(thrown(() => readPth(full.subarray(0, full.length - 3), 'a.pth')).message).toMatch(
      /^a\.pth: truncated: storage \d+ needs \d+ bytes at byte \d+, the file has \d+$/,
    );
    const badProtocol = full.slice();
    badProtocol[badProtocol.indexOf(0xe9, 10)] = 0xea; // 1001 -> 1002
    expect(thrown(() => readPth(badProtocol, 'a.pth')).message).toBe(
      'a.pth: legacy PyTorch checkpoint of unknown protocol version 1002 (expected 1001)',
    );
  });
});

describe('files that are not torch.save pickles', () => {
  it('refuses the tar format of the first torch releases', () => {
    const tar = new Uint8Array(1024);
    tar.set(new TextEncoder().encode('storages'), 0);
    tar.set(new TextEncoder().encode('ustar'), 257);
    expect(thrown(() => readPth(tar, 'old.pth')).message).toMatch(
      /^old\.pth: a checkpoint in the tar format of the first torch releases .* torch\.save\(model\.state_dict\(\), 'weights\.pth'\) using torch ≤ 1\.x$/,
    );
  });

  it('refuses TorchScript archives, saying how to get a state dict', () => {
    const scripted = writeTorchZip('model', [
      { name: 'data.pkl', data: writePickle(new PyDict(false)) },
      { name: 'code/__torch__.py', data: new TextEncoder().encode('class Net: ...') },
      { name: 'constants.pkl', data: writePickle(new PyTuple([])) },
    ]);
    expect(thrown(() => readPth(scripted, 'm.pt')).message).toBe(
      "m.pt: a TorchScript archive (torch.jit.save), which holds compiled code rather than a state dict; in Python: m = torch.jit.load(path); torch.save(m.state_dict(), 'weights.pth')",
    );
  });
});

/** A zip like torch writes, with a hand-made data.pkl and storages. */
function archiveWith(pkl: Uint8Array, storages: Array<[string, Uint8Array]> = []): Uint8Array {
  return writeTorchZip('archive', [{ name: 'data.pkl', data: pkl }, ...storages.map(([name, data]) => ({ name: `data/${name}`, data }))]);
}

function tensorCall(key: string, numel: number, size: number[], stride: number[], offset = 0): PyCall {
  const pid = new PyTuple(['storage', new PyGlobal('torch', 'FloatStorage'), key, 'cpu', numel]);
  return new PyCall(
    new PyGlobal('torch._utils', '_rebuild_tensor_v2'),
    new PyTuple([new PyPersistent(pid), offset, new PyTuple(size), new PyTuple(stride), false, new PyDict(true)]),
  );
}

describe('readPth errors', () => {
  const path = '/models/latest_net_G.pth';

  it('names files that are not PyTorch pickles, saying what they are', () => {
    const e = thrown(() => readPth(readFixture('pixel_D.safetensors'), path));
    expect(e).toBeInstanceOf(CheckpointFormatError);
    expect(e.message).toBe(`${path}: a safetensors file, not a PyTorch pickle: name it *.safetensors`);
    expect((e as CheckpointFormatError).path).toBe(path);
    expect(thrown(() => readPth(new TextEncoder().encode('<html>not found</html>'), path)).message).toBe(
      `${path}: not a PyTorch checkpoint (neither the zip format of torch ≥ 1.6 nor the legacy format of torch 0.4–1.5)`,
    );
    // a legacy file cut after its magic number
    expect(thrown(() => readPth(fromHex('80028a0a6cfc9c46f9206aa850192e'), path)).message).toMatch(/invalid pickle data: truncated/);
    // a pickled int that is not the magic number
    expect(thrown(() => readPth(fromHex('80028a01052e'), path)).message).toMatch(/magic number 0x1950a86a20f9469cfc6c/);
    expect(thrown(() => readPth(new Uint8Array(0))).message).toMatch(/^\(in-memory bytes\): not a PyTorch checkpoint /);
  });

  it('reports truncated files as corrupt or truncated zips', () => {
    const full = readFixture('basic_D.pth');
    for (const len of [4, 100, 1301, full.length / 2, full.length - 30, full.length - 1]) {
      const e = thrown(() => readPth(full.subarray(0, Math.floor(len)), path));
      expect(e).toBeInstanceOf(CheckpointFormatError);
      expect(e.message).toMatch(/corrupt or truncated zip archive/);
      expect(e.message.startsWith(`${path}: `)).toBe(true);
    }
  });

  it('reports a central directory that points outside the file', () => {
    const bytes = readFixture('pixel_D.pth').slice();
    const v = new DataView(bytes.buffer);
    v.setUint32(bytes.length - 6, 0x7fffffff, true); // EOCD central directory offset
    v.setBigUint64(bytes.length - 22 - 20 - 56 + 48, 0x7fffffffn, true); // zip64 EOCD offset
    expect(thrown(() => readPth(bytes, path)).message).toMatch(/central directory lies outside the file/);
  });

  it('refuses pickled globals outside the allow-list, naming them, without running anything', () => {
    // pickle.dumps(E(), protocol=2) where E.__reduce__ returns (os.system, ('echo hi',))
    const evil = fromHex('800263706f7369780a73797374656d0a710058070000006563686f20686971018571025271032e');
    const e = thrown(() => readPth(archiveWith(evil), path));
    expect(e).toBeInstanceOf(CheckpointFormatError);
    expect(e.message).toMatch(/the pickled object is posix\.system\(…\), not a state dict or a network \(nothing in it was run\)/);
    expect(e.message).toContain(path);
  });

  it('reports a missing or short storage record and an out-of-range view', () => {
    const root = new PyDict(true, [['w', tensorCall('0', 4, [2, 2], [2, 1])]]);
    const pkl = writePickle(root);
    expect(thrown(() => readPth(archiveWith(pkl), path)).message).toMatch(/storage archive\/data\/0 of tensor 'w' is missing/);
    expect(thrown(() => readPth(archiveWith(pkl, [['0', new Uint8Array(12)]]), path)).message).toMatch(/has 12 bytes, expected 16/);
    expect(readPth(archiveWith(pkl, [['0', new Uint8Array(16)]])).tensors.get('w')).toEqual(f32([2, 2], [0, 0, 0, 0]));
    const outside = writePickle(new PyDict(true, [['w', tensorCall('0', 4, [2, 2], [2, 1], 1)]]));
    expect(thrown(() => readPth(archiveWith(outside, [['0', new Uint8Array(16)]]), path)).message).toMatch(
      /'w' .* reads past its storage of 4 elements/,
    );
  });

  it('explains checkpoints that are not a state dict', () => {
    const withInt = writePickle(
      new PyDict(true, [
        ['w', tensorCall('0', 1, [1], [1])],
        ['step', 5],
      ]),
    );
    expect(thrown(() => readPth(archiveWith(withInt, [['0', new Uint8Array(4)]]), path)).message).toMatch(
      /entry 'step' is number, not a tensor/,
    );
    const other = writePickle(
      new PyDict(false, [
        ['epoch', 3],
        ['lr', 0.5],
      ]),
    );
    expect(thrown(() => readPth(archiveWith(other), path)).message).toMatch(/not a state dict: top-level keys are \['epoch', 'lr'\]/);
    const two = writePickle(
      new PyDict(false, [
        ['params', new PyDict(true, [['w', tensorCall('0', 1, [1], [1])]])],
        ['params_ema', new PyDict(true, [['w', tensorCall('1', 1, [1], [1])]])],
      ]),
    );
    const twoGenerators = writePickle(
      new PyDict(false, [
        ['G_A', new PyDict(true, [['w', tensorCall('0', 1, [1], [1])]])],
        ['G_B', new PyDict(true, [['w', tensorCall('1', 1, [1], [1])]])],
      ]),
    );
    expect(thrown(() => readPth(archiveWith(twoGenerators), path)).message).toMatch(
      /several state dicts \('G_A', 'G_B'\); pick one, e.g\. translate weights convert .* --key G_A/,
    );
    const storages: Array<[string, Uint8Array]> = [
      ['0', new Uint8Array(new Float32Array([1]).buffer)],
      ['1', new Uint8Array(new Float32Array([2]).buffer)],
    ];
    expect(readPth(archiveWith(twoGenerators, storages), path, { key: 'G_B' }).tensors.get('w')).toEqual(f32([1], [2]));
    expect(thrown(() => readPth(archiveWith(twoGenerators, storages), path, { key: 'D' })).message).toMatch(
      /no state dict under 'D'; state dicts are under 'G_A', 'G_B'/,
    );
    // BasicSR: the EMA weights are what its inference loads
    const basicsr = readPth(archiveWith(two, storages), path);
    expect(basicsr.tensors.get('w')).toEqual(f32([1], [2]));
    expect(basicsr.container).toBe("'params_ema' entry of a dict (also holds 'params')");
  });

  it('reports a truncated pickle stream', () => {
    const pkl = writePickle(new PyDict(true, [['w', tensorCall('0', 1, [1], [1])]]));
    const e = thrown(() => readPth(archiveWith(pkl.subarray(0, pkl.length - 9), [['0', new Uint8Array(4)]]), path));
    expect(e).toBeInstanceOf(CheckpointFormatError);
    expect(e.message).toMatch(/invalid pickle data: truncated/);
  });

  for (const [name, original] of [
    ['zip', readFixture('pixel_D.pth')],
    ['legacy', fromBase64(LEGACY_DTYPES_PTH)],
  ] as const) {
    it(`throws only CheckpointFormatError on damaged ${name} files (truncations and byte flips)`, () => {
      let seed = 12345;
      const rand = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      let failures = 0;
      for (let trial = 0; trial < 400; trial++) {
        const bytes = original.slice(0, trial % 4 === 0 ? rand(original.length) : original.length);
        for (let k = 0; k < 1 + rand(3); k++) bytes[rand(Math.min(bytes.length, 900))] = rand(256);
        try {
          readPth(bytes, path);
        } catch (e) {
          failures++;
          expect(e, String(e)).toBeInstanceOf(CheckpointFormatError);
        }
      }
      expect(failures).toBeGreaterThan(100);
    });
  }
});
