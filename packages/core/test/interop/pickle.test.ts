import { describe, it, expect } from 'vitest';
import {
  CheckpointFormatError,
  PyCall,
  PyDict,
  PyFloat,
  PyGlobal,
  PyList,
  PyPersistent,
  PySet,
  PyStr,
  PyTuple,
  readPickle,
  writePickle,
} from '../../src/interop/index.js';
import type { PyValue } from '../../src/interop/index.js';
import { fromHex, sha256, thrown } from './helpers.js';

/** Bytes of a string of code points < 256. */
function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Digest and length of CPython 3.11 `pickle.dumps(obj, protocol=2)` (see gen_torch_samples.py). */
function expectCPython(bytes: Uint8Array, length: number, digest: string): void {
  expect(bytes.length).toBe(length);
  expect(sha256(bytes)).toBe(digest);
}

describe('writePickle matches CPython _pickle (protocol 2) byte for byte', () => {
  it('OrderedDict of 2500 items (SETITEMS batches of 1000, then 500)', () => {
    const d = new PyDict(
      true,
      Array.from({ length: 2500 }, (_, i): [PyValue, PyValue] => [String(i), i]),
    );
    expectCPython(writePickle(d), 40412, 'e4f9b43a524ae8a96b9c8b9da9b764e5a102f67486f74010d091b40b19581f72');
  });

  it('dict of 2000 items (exact-dict batching ends with an empty MARK/SETITEMS batch)', () => {
    const d = new PyDict(
      false,
      Array.from({ length: 2000 }, (_, i): [PyValue, PyValue] => [String(i), i]),
    );
    expectCPython(writePickle(d), 31881, '55ed748ad3c35d19a110546a6c7886cc495925c421bb4656657fed4b32563ea4');
  });

  it('list of 2001 ints of every width', () => {
    const l = new PyList(Array.from({ length: 2001 }, (_, i) => i * 1000));
    expectCPython(writePickle(l), 9884, 'aff521fecb2414323220ad3082ec857065b4b41a2351be0e2cc9f874669426be');
  });

  it('ints, longs, floats, None, bools, strings, containers and a shared str', () => {
    const s = new PyStr('shared');
    const t = new PyTuple([
      0,
      255,
      256,
      65535,
      65536,
      -1,
      -129,
      2 ** 31 - 1,
      2 ** 31,
      -(2 ** 31),
      -(2 ** 31) - 1,
      2n ** 63n,
      -(2n ** 63n),
      2n ** 64n,
      -(2n ** 64n),
      1.5,
      new PyFloat(-0),
      new PyFloat(1e300),
      null,
      true,
      false,
      '',
      'h\u00e9llo',
      new PyList(),
      new PyDict(),
      new PyTuple([]),
      new PyTuple([1]),
      new PyTuple([1, 2]),
      new PyTuple([1, 2, 3]),
      new PyList([s, s, new PyTuple([s])]),
    ]);
    expectCPython(writePickle(t), 202, 'a85b3791a19ec1529827d987720767fa570b878e837a3ee15d0b623e38782eed');
  });

  it('single-item dict (SETITEM), single-item list (APPEND), two-item dict', () => {
    expectCPython(writePickle(new PyDict(false, [['a', 1]])), 17, 'fa9aa667dee9f23939398c97367539e8491059f48566c369fc483ccf35163463');
    expectCPython(writePickle(new PyList([7])), 9, '4497333ce8213ec66330b96f487db0aed17cbae341e7c2a5c235ffc1ba677757');
    expectCPython(
      writePickle(
        new PyDict(false, [
          ['k', 1],
          ['l', 2],
        ]),
      ),
      28,
      '60e05e2192349a6ec9bc873a1e71f47eb8bb74ef7a12345fe36af70bda8fc4ad',
    );
  });

  it('memoizes a reused object and the same global once', () => {
    const shared = new PyTuple([1, 2, 3, 4]);
    const bytes = writePickle(new PyList([shared, shared, new PyGlobal('torch', 'FloatStorage'), new PyGlobal('torch', 'FloatStorage')]));
    // \x80\x02 ] q\x00 ( ( K1 K2 K3 K4 t q\x01 h\x01 c torch\nFloatStorage\n q\x02 h\x02 e .
    expect(Buffer.from(bytes).toString('latin1')).toBe('\x80\x02]q\x00((K\x01K\x02K\x03K\x04tq\x01h\x01ctorch\nFloatStorage\nq\x02h\x02e.');
  });

  it('refuses what protocol 2 cannot express here', () => {
    expect(thrown(() => writePickle(new Uint8Array(2)))).toBeInstanceOf(CheckpointFormatError);
    expect(thrown(() => writePickle(new PySet([], false)))).toBeInstanceOf(CheckpointFormatError);
  });
});

describe('readPickle', () => {
  it('reads back what writePickle wrote', () => {
    const md = new PyDict(true, [['', new PyDict(false, [['version', 1]])]]);
    const root = new PyDict(true, [
      ['a', new PyTuple([1, -70000, 2n ** 70n, 0.25, null, true, 'x'])],
      ['b', new PyList([new PyDict(false, [[3, 'three']])])],
      [
        'c',
        new PyCall(new PyGlobal('torch._utils', '_rebuild_tensor_v2'), new PyTuple([new PyPersistent(new PyTuple(['storage', 'k'])), 0])),
      ],
    ]);
    root.attrs = new PyDict(false, [['_metadata', md]]);
    const back = readPickle(writePickle(root)) as PyDict;
    expect(back).toBeInstanceOf(PyDict);
    expect(back.ordered).toBe(true);
    expect((back.get('a') as PyTuple).items).toEqual([1, -70000, 2n ** 70n, 0.25, null, true, 'x']);
    const b = back.get('b') as PyList;
    expect((b.items[0] as PyDict).entries).toEqual([[3, 'three']]);
    const c = back.get('c') as PyCall;
    expect(c.func.qualifiedName).toBe('torch._utils._rebuild_tensor_v2');
    expect(((c.args.items[0] as PyPersistent).pid as PyTuple).items).toEqual(['storage', 'k']);
    const meta = back.attrs!.get('_metadata') as PyDict;
    expect(meta.ordered).toBe(true);
    expect((meta.get('') as PyDict).get('version')).toBe(1);
  });

  it('reads protocol 4 streams (FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL, sets, bytes)', () => {
    // pickle.dumps(OrderedDict([('a', 1), ('b', [1.5, 'x', None])]), protocol=4)
    const od = readPickle(
      fromHex(
        '80049540000000000000008c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c0161944b018c0162945d9428473ff80000000000008c0178944e65752e',
      ),
    ) as PyDict;
    expect(od.ordered).toBe(true);
    expect(od.get('a')).toBe(1);
    expect((od.get('b') as PyList).items).toEqual([1.5, 'x', null]);
    // pickle.dumps({'s': {1, 2}, 'f': frozenset([3]), 't': (True, b'by')}, protocol=4)
    const d = readPickle(fromHex('80049526000000000000007d94288c0173948f94284b014b02908c016694284b0391948c0174948843026279948694752e'), {
      allowedGlobals: new Set(),
    }) as PyDict;
    expect(d.get('s')).toEqual(new PySet([1, 2], false));
    expect(d.get('f')).toEqual(new PySet([3], true));
    expect((d.get('t') as PyTuple).items).toEqual([true, new Uint8Array([0x62, 0x79])]);
  });

  it('reads LONG1 ints beyond 2^53 as bigint', () => {
    // pickle.dumps({'big': 2**70, 'neg': -2**70, 'x': 2**40}, protocol=2)
    const d = readPickle(
      fromHex(
        '80027d710028580300000062696771018a0900000000000000004058030000006e656771028a090000000000000000c058010000007871038a06000000000001752e',
      ),
    ) as PyDict;
    expect(d.get('big')).toBe(2n ** 70n);
    expect(d.get('neg')).toBe(-(2n ** 70n));
    expect(d.get('x')).toBe(2 ** 40);
  });

  it('refuses globals outside the allow-list, in GLOBAL and STACK_GLOBAL form', () => {
    const proto2 = fromHex('800263706f7369780a73797374656d0a710058070000006563686f20686971018571025271032e');
    const proto4 = fromHex('80049522000000000000008c05706f736978948c0673797374656d9493948c076563686f20686994859452942e');
    for (const bytes of [proto2, proto4]) {
      const e = thrown(() => readPickle(bytes, { path: 'evil.pkl' }));
      expect(e).toBeInstanceOf(CheckpointFormatError);
      expect(e.message).toMatch(/global 'posix\.system' is not allowed/);
      expect(e.message.startsWith('evil.pkl: ')).toBe(true);
    }
    const builtinsEval = latin1('\x80\x02c__builtin__\neval\n.');
    expect(thrown(() => readPickle(builtinsEval)).message).toMatch(/global 'builtins\.eval' is not allowed/);
    // the torch allow-list is not implied when another list is given
    const od = latin1('\x80\x02ccollections\nOrderedDict\n)R.');
    expect(readPickle(od)).toBeInstanceOf(PyDict);
    expect(thrown(() => readPickle(od, { allowedGlobals: new Set() })).message).toMatch(/'collections\.OrderedDict' is not allowed/);
  });

  it('reports malformed streams with CheckpointFormatError', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /truncated/],
      ['\x80\x02', /truncated/],
      ['\x80\x02X\xff\x00\x00\x00ab', /truncated: needs 255 more bytes/],
      ['\x80\x02K\x01K\x02', /truncated/],
      ['\x80\x02t.', /no MARK on the stack/],
      ['\x80\x02.', /stack underflow/],
      ['\x80\x02h\x05.', /memo entry 5 is not defined/],
      ['\x80\x02(K\x01.', /STOP inside an unclosed MARK/],
      ['\x80\x02K\x00K\x01K\x02s.', /SETITEM\(S\) on a non-dict/],
      ['\x80\x02\xff.', /unsupported opcode 0xff/],
      ['\x80\x02\x96.', /unsupported opcode 0x96/],
      ['\x80\x02g7\n.', /memo entry 7 is not defined/],
      ['\x80\x02ctorch\nFloatStorage', /truncated: missing newline/],
      ['\x80\x02K\x01)R.', /call of something that is not an allowed global/],
    ];
    for (const [stream, message] of cases) {
      const bytes = latin1(stream);
      const e = thrown(() => readPickle(bytes));
      expect(e, JSON.stringify(stream)).toBeInstanceOf(CheckpointFormatError);
      expect(e.message, JSON.stringify(stream)).toMatch(message);
    }
  });
});
