/**
 * A minimal, code-free Python pickle reader and a protocol-2 writer, enough for PyTorch state dicts.
 *
 * The reader is a stack VM over the binary opcodes (protocols 2–5) that never runs code: a GLOBAL
 * must be on an allow-list and becomes an inert {@link PyGlobal}; calling it (REDUCE/NEWOBJ) builds an
 * unevaluated {@link PyCall}, except for the few constructors it understands (OrderedDict, set).
 * The writer reproduces CPython's `_pickle.Pickler(protocol=2)` byte for byte for the same object
 * graph (memo, batching and opcode choices), which is what `torch.save` uses.
 */
import { CheckpointFormatError } from './errors.js';

/** A Python tuple. */
export class PyTuple {
  /** Wraps the tuple's items. */
  constructor(readonly items: PyValue[]) {}
}

/** A Python list. */
export class PyList {
  /** Wraps the list's items (mutable while unpickling). */
  constructor(readonly items: PyValue[] = []) {}
}

/**
 * A Python `dict` (`ordered: false`) or `collections.OrderedDict` (`ordered: true`), entries in
 * insertion order. `attrs` is the instance `__dict__` that BUILD set on an OrderedDict (torch keeps a
 * state dict's `_metadata` there); the writer emits it with BUILD.
 */
export class PyDict {
  /** Key/value pairs in insertion order; keys are usually strings. */
  readonly entries: Array<[PyValue, PyValue]> = [];
  /** Instance attributes (OrderedDict only), or undefined. */
  attrs: PyDict | undefined;
  private readonly index = new Map<unknown, number>();

  /** Creates an empty dict; `ordered` selects collections.OrderedDict. */
  constructor(
    readonly ordered = false,
    entries: Iterable<[PyValue, PyValue]> = [],
  ) {
    for (const [k, v] of entries) this.set(k, v);
  }

  /** Sets `key` (replacing the value of an equal primitive key, as Python would). */
  set(key: PyValue, value: PyValue): void {
    const k = primitiveKey(key);
    const at = k === undefined ? undefined : this.index.get(k);
    if (at !== undefined) {
      this.entries[at]![1] = value;
      return;
    }
    if (k !== undefined) this.index.set(k, this.entries.length);
    this.entries.push([key, value]);
  }

  /** The value stored under a string key, or undefined. */
  get(key: string): PyValue | undefined {
    const at = this.index.get(primitiveKey(key));
    return at === undefined ? undefined : this.entries[at]![1];
  }

  /** Number of entries. */
  get size(): number {
    return this.entries.length;
  }
}

function primitiveKey(key: PyValue): unknown {
  if (key instanceof PyStr) return `s:${key.value}`;
  switch (typeof key) {
    case 'string':
      return `s:${key}`;
    case 'number':
    case 'bigint':
      return `n:${String(key)}`;
    case 'boolean':
      return `n:${key ? 1 : 0}`;
    default:
      return key === null ? 'None' : undefined;
  }
}

/** A Python `set` or `frozenset` (read only). */
export class PySet {
  /** Wraps the items; `frozen` for frozenset. */
  constructor(
    readonly items: PyValue[],
    readonly frozen: boolean,
  ) {}
}

/** A reference to an allow-listed global (class or function), e.g. `torch._utils._rebuild_tensor_v2`. Never resolved to code. */
export class PyGlobal {
  /** `module` and `name` as in the pickle's GLOBAL opcode. */
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  /** `module.name`. */
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * The unevaluated result of calling an allow-listed global: REDUCE is `func(*args)`, NEWOBJ is
 * `func.__new__(func, *args)`. `state` is what a following BUILD passed (undefined when none).
 */
export class PyCall {
  /** Instance state set by BUILD, or undefined. */
  state: PyValue | undefined;

  /** A call of `func` with `args`. */
  constructor(
    readonly func: PyGlobal,
    readonly args: PyTuple,
    readonly kind: 'reduce' | 'newobj' = 'reduce',
  ) {}
}

/** A persistent reference (BINPERSID) with its id; torch uses these for tensor storages. */
export class PyPersistent {
  /** Wraps the persistent id. */
  constructor(readonly pid: PyValue) {}
}

/**
 * A Python `str` with identity, for the writer: one PyStr instance used in several places is
 * written once and then fetched from the memo (as CPython does for one str object). A plain JS
 * string is written as a new str object every time it occurs. The reader returns plain strings.
 */
export class PyStr {
  /** Wraps the string value. */
  constructor(readonly value: string) {}
}

/** A Python `float`, for the writer only: plain JS numbers that are integers are written as `int`. */
export class PyFloat {
  /** Wraps the value. */
  constructor(readonly value: number) {}
}

/**
 * A Python value as this module models it. Reader output: None → null, bool → boolean,
 * int → number (bigint beyond ±2^53), float → number, str → string, bytes → Uint8Array.
 */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyStr
  | PyFloat
  | PyTuple
  | PyList
  | PyDict
  | PySet
  | PyGlobal
  | PyCall
  | PyPersistent;

/**
 * Globals a PyTorch state-dict checkpoint may reference (`module.name`): OrderedDict, the tensor and
 * parameter rebuild functions, the typed storage classes, and set/frozenset. Nothing else loads.
 */
export const TORCH_ALLOWED_GLOBALS: ReadonlySet<string> = new Set([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch.FloatStorage',
  'torch.DoubleStorage',
  'torch.HalfStorage',
  'torch.BFloat16Storage',
  'torch.LongStorage',
  'torch.IntStorage',
  'torch.ShortStorage',
  'torch.CharStorage',
  'torch.ByteStorage',
  'torch.BoolStorage',
  'builtins.set',
  'builtins.frozenset',
]);

/** Options of {@link readPickle}. */
export interface ReadPickleOptions {
  /**
   * Globals (`module.name`) the stream may reference; default {@link TORCH_ALLOWED_GLOBALS}.
   * `'any'` accepts every global as an inert reference (nothing is ever resolved or run either way).
   */
  allowedGlobals?: ReadonlySet<string> | 'any';
  /** File the stream came from, for error messages. */
  path?: string;
  /** Maps a persistent id (BINPERSID/PERSID) to the value it stands for; default: a {@link PyPersistent}. */
  persistentLoad?: (pid: PyValue) => PyValue;
}

/**
 * Unpickles `bytes` without executing anything and returns the root value. Unknown opcodes,
 * truncation, stack/memo misuse and globals outside `allowedGlobals` throw CheckpointFormatError.
 */
export function readPickle(bytes: Uint8Array, options: ReadPickleOptions = {}): PyValue {
  return readPickleAt(bytes, 0, options).value;
}

/**
 * Unpickles the one pickle that starts at byte `offset` of `bytes` (streams such as torch's legacy
 * format hold several in a row) and returns its value and the offset just past its STOP opcode.
 */
export function readPickleAt(bytes: Uint8Array, offset: number, options: ReadPickleOptions = {}): { value: PyValue; end: number } {
  const allowed = options.allowedGlobals ?? TORCH_ALLOWED_GLOBALS;
  const persistentLoad = options.persistentLoad ?? ((pid: PyValue) => new PyPersistent(pid));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8');
  let pos = offset;
  let opStart = 0;
  let stack: PyValue[] = [];
  const marks: PyValue[][] = [];
  const memo = new Map<number, PyValue>();

  const fail = (problem: string): never => {
    throw new CheckpointFormatError(`invalid pickle data: ${problem} (opcode at byte ${opStart})`, options.path);
  };
  const need = (n: number): void => {
    if (pos + n > bytes.byteLength) fail(`truncated: needs ${n} more bytes at byte ${pos}, stream has ${bytes.byteLength}`);
  };
  const u8 = (): number => {
    need(1);
    return bytes[pos++]!;
  };
  const u16 = (): number => {
    need(2);
    pos += 2;
    return view.getUint16(pos - 2, true);
  };
  const u32 = (): number => {
    need(4);
    pos += 4;
    return view.getUint32(pos - 4, true);
  };
  const u64 = (): number => {
    need(8);
    pos += 8;
    const v = view.getBigUint64(pos - 8, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`length ${v} is too large`);
    return Number(v);
  };
  const take = (n: number): Uint8Array => {
    need(n);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('truncated: missing newline');
    const s = utf8.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): PyValue => {
    if (stack.length === 0) fail('stack underflow');
    return stack.pop()!;
  };
  const top = (): PyValue => {
    if (stack.length === 0) fail('stack underflow');
    return stack[stack.length - 1]!;
  };
  const popMark = (): PyValue[] => {
    const items = stack;
    const prev = marks.pop();
    if (prev === undefined) fail('no MARK on the stack');
    stack = prev!;
    return items;
  };
  const latin1 = (b: Uint8Array): string => {
    let text = '';
    for (let i = 0; i < b.byteLength; i += 8192) text += String.fromCharCode(...b.subarray(i, i + 8192));
    return text;
  };
  const toInt = (v: bigint): number | bigint =>
    v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  const decodeLong = (b: Uint8Array): number | bigint => {
    if (b.byteLength === 0) return 0;
    let v = 0n;
    for (let i = b.byteLength - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b[b.byteLength - 1]! & 0x80) v -= 1n << BigInt(8 * b.byteLength);
    return toInt(v);
  };
  const findGlobal = (module: string, name: string): PyGlobal => {
    const mod = module === '__builtin__' ? 'builtins' : module;
    const qn = `${mod}.${name}`;
    if (allowed !== 'any' && !allowed.has(qn))
      fail(`global '${qn}' is not allowed (only plain tensors and containers are loaded; no code is run)`);
    return new PyGlobal(mod, name);
  };
  const setItems = (target: PyValue, kv: PyValue[]): void => {
    if (!(target instanceof PyDict)) fail('SETITEM(S) on a non-dict');
    if (kv.length % 2 !== 0) fail('SETITEMS with an odd number of items');
    for (let i = 0; i < kv.length; i += 2) (target as PyDict).set(kv[i]!, kv[i + 1]!);
  };
  const appendItems = (target: PyValue, items: PyValue[]): void => {
    if (target instanceof PyList) target.items.push(...items);
    else if (target instanceof PySet && !target.frozen) target.items.push(...items);
    else fail('APPEND(S)/ADDITEMS on a non-list');
  };
  const iterableItems = (v: PyValue | undefined): PyValue[] => {
    if (v === undefined) return [];
    if (v instanceof PyList || v instanceof PyTuple || v instanceof PySet) return [...v.items];
    return fail('expected a list or tuple argument');
  };
  const call = (func: PyValue, args: PyValue, kind: 'reduce' | 'newobj'): PyValue => {
    if (!(func instanceof PyGlobal)) return fail('call of something that is not an allowed global');
    if (!(args instanceof PyTuple)) return fail(`arguments of ${func.qualifiedName} are not a tuple`);
    const qn = func.qualifiedName;
    if (qn === 'collections.OrderedDict') {
      const d = new PyDict(true);
      if (kind === 'reduce') {
        for (const pair of iterableItems(args.items[0])) {
          const kv = iterableItems(pair);
          if (kv.length !== 2) fail('OrderedDict argument is not a list of pairs');
          d.set(kv[0]!, kv[1]!);
        }
      }
      return d;
    }
    if (qn === 'builtins.set' || qn === 'builtins.frozenset') {
      return new PySet(kind === 'reduce' ? iterableItems(args.items[0]) : [], qn === 'builtins.frozenset');
    }
    // Protocols 0/1 build objects as copyreg._reconstructor(cls, base, state): an instance of cls.
    if (qn === 'copyreg._reconstructor' && args.items[0] instanceof PyGlobal) return new PyCall(args.items[0], new PyTuple([]), 'newobj');
    // Protocol 2 writes bytes objects as _codecs.encode(str, 'latin1').
    if (qn === '_codecs.encode' && typeof args.items[0] === 'string') {
      const text = args.items[0];
      return Uint8Array.from({ length: text.length }, (_, i) => text.charCodeAt(i) & 0xff);
    }
    return new PyCall(func, args, kind);
  };
  const build = (obj: PyValue, state: PyValue): void => {
    if (obj instanceof PyCall) {
      obj.state = state;
      return;
    }
    if (obj instanceof PyDict && obj.ordered) {
      const dictState = state instanceof PyTuple ? state.items[0] : state;
      if (dictState === null || dictState === undefined) return;
      if (!(dictState instanceof PyDict)) fail('BUILD state of an OrderedDict is not a dict');
      obj.attrs ??= new PyDict();
      for (const [k, v] of (dictState as PyDict).entries) obj.attrs.set(k, v);
      return;
    }
    fail('BUILD on an object that cannot take state');
  };

  for (;;) {
    opStart = pos;
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('unsupported pickle protocol');
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        if (marks.length > 0) fail('STOP inside an unclosed MARK');
        return { value: pop(), end: pos };
      case 0x28: // MARK
        marks.push(stack);
        stack = [];
        break;
      case 0x30: // POP
        if (stack.length === 0) popMark();
        else stack.pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        need(4);
        pos += 4;
        stack.push(view.getInt32(pos - 4, true));
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(decodeLong(take(u8())));
        break;
      case 0x8b: {
        // LONG4
        need(4);
        const n = view.getInt32(pos, true);
        pos += 4;
        if (n < 0) fail('negative LONG4 length');
        stack.push(decodeLong(take(n)));
        break;
      }
      case 0x47: // BINFLOAT
        need(8);
        pos += 8;
        stack.push(view.getFloat64(pos - 8, false));
        break;
      case 0x58: // BINUNICODE
        stack.push(utf8.decode(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8.decode(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8.decode(take(u64())));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64()).slice());
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: {
        // TUPLE3
        const n = op - 0x84;
        if (stack.length < n) fail('stack underflow');
        const items: PyValue[] = [];
        for (let i = 0; i < n; i++) items.unshift(pop());
        stack.push(new PyTuple(items));
        break;
      }
      case 0x74: {
        // TUPLE (popMark() replaces `stack`, so pop before pushing)
        const items = popMark();
        stack.push(new PyTuple(items));
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push(new PyList());
        break;
      case 0x6c: {
        // LIST (popMark() replaces `stack`, so pop before pushing)
        const items = popMark();
        stack.push(new PyList(items));
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        appendItems(top(), [v]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x64: {
        // DICT
        const d = new PyDict();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const kv = popMark();
        setItems(top(), kv);
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push(new PySet([], false));
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x91: {
        // FROZENSET (popMark() replaces `stack`, so pop before pushing)
        const items = popMark();
        stack.push(new PySet(items, true));
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = line();
        const name = line();
        stack.push(findGlobal(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(findGlobal(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const func = pop();
        stack.push(call(func, args, 'reduce'));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        stack.push(call(cls, args, 'newobj'));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        pop(); // kwargs
        const args = pop();
        const cls = pop();
        stack.push(call(cls, args, 'newobj'));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        build(top(), state);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(persistentLoad(pop()));
        break;
      case 0x50: // PERSID (protocol 0: the id is a string on its own line)
        stack.push(persistentLoad(line()));
        break;
      case 0x55: // SHORT_BINSTRING (a Python 2 str, read as latin-1 text like torch's encoding='latin1' loads)
        stack.push(latin1(take(u8())));
        break;
      case 0x54: // BINSTRING
        need(4);
        pos += 4;
        stack.push(latin1(take(view.getInt32(pos - 4, true))));
        break;
      case 0x49: {
        // INT (text; '01'/'00' are True/False)
        const text = line();
        stack.push(text === '01' ? true : text === '00' ? false : toInt(BigInt(text)));
        break;
      }
      case 0x4c: // LONG (text, trailing 'L')
        stack.push(toInt(BigInt(line().replace(/L$/, ''))));
        break;
      case 0x46: // FLOAT (text)
        stack.push(Number(line()));
        break;
      case 0x70: // PUT (text index)
        memo.set(Number(line()), top());
        break;
      case 0x67: {
        // GET (text index)
        const i = Number(line());
        if (!memo.has(i)) fail(`memo entry ${i} is not defined`);
        stack.push(memo.get(i)!);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const i = op === 0x68 ? u8() : u32();
        const v = memo.get(i);
        if (v === undefined) fail(`memo entry ${i} is not defined`);
        stack.push(v as PyValue);
        break;
      }
      default:
        fail(`unsupported opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
  }
}

/** A growable byte buffer for the writer. */
class ByteSink {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.byteLength) return;
    let cap = this.buf.byteLength * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.byteLength);
    this.buf.set(b, this.length);
    this.length += b.byteLength;
  }
  u16(v: number): void {
    this.reserve(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
  }
  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }
  i32(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }
  f64be(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, v, false);
    this.length += 8;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** CPython's pickle batch size for SETITEMS / APPENDS. */
const BATCHSIZE = 1000;

/**
 * Pickles `root` with protocol 2 exactly as CPython's `_pickle.Pickler` does for the equivalent
 * Python object graph: objects are memoized by identity (BINPUT / LONG_BINPUT, BINGET on reuse),
 * tuples of ≤ 3 items use TUPLE1–3, the empty tuple is not memoized, ints use BININT1/BININT2/
 * BININT/LONG1, exact dicts and lists are batched in 1000s, an OrderedDict is written as
 * `collections.OrderedDict()` REDUCE + SETITEM(S) (+ BUILD of `attrs`), a PyPersistent as its id
 * + BINPERSID. Plain strings are new objects each time; share a {@link PyStr} to reuse one.
 * Sets and bytes are not supported by this writer.
 */
export function writePickle(root: PyValue): Uint8Array {
  const out = new ByteSink();
  const memo = new Map<object, number>();
  const globalMemo = new Map<string, number>();
  const utf8 = new TextEncoder();
  let nextMemo = 0;

  const put = (): number => {
    const i = nextMemo++;
    if (i < 256) {
      out.byte(0x71);
      out.byte(i);
    } else {
      out.byte(0x72);
      out.u32(i);
    }
    return i;
  };
  const memoize = (obj: object): void => {
    memo.set(obj, put());
  };
  const get = (i: number): void => {
    if (i < 256) {
      out.byte(0x68);
      out.byte(i);
    } else {
      out.byte(0x6a);
      out.u32(i);
    }
  };
  const saveInt = (v: number | bigint): void => {
    if (typeof v === 'number' && v >= -0x80000000 && v <= 0x7fffffff) {
      if (v >= 0 && v <= 0xff) {
        out.byte(0x4b);
        out.byte(v);
      } else if (v >= 0 && v <= 0xffff) {
        out.byte(0x4d);
        out.u16(v);
      } else {
        out.byte(0x4a);
        out.i32(v);
      }
      return;
    }
    const big = BigInt(v);
    if (big >= -0x80000000n && big <= 0x7fffffffn) {
      saveInt(Number(big));
      return;
    }
    // LONG1: minimal little-endian two's complement (CPython's encode_long).
    const bits = (big < 0n ? -big - 1n : big).toString(2).length;
    let nbytes = (bits >> 3) + 1;
    const enc: number[] = [];
    let x = big < 0n ? (1n << BigInt(8 * nbytes)) + big : big;
    for (let i = 0; i < nbytes; i++) {
      enc.push(Number(x & 0xffn));
      x >>= 8n;
    }
    if (big < 0n && nbytes > 1 && enc[nbytes - 1] === 0xff && (enc[nbytes - 2]! & 0x80) !== 0) nbytes--;
    if (nbytes > 255) throw new CheckpointFormatError('cannot pickle an int this large');
    out.byte(0x8a);
    out.byte(nbytes);
    for (let i = 0; i < nbytes; i++) out.byte(enc[i]!);
  };
  const saveStr = (s: string): void => {
    const b = utf8.encode(s);
    out.byte(0x58);
    out.u32(b.byteLength);
    out.bytes(b);
  };
  const saveGlobal = (g: PyGlobal): void => {
    const key = `${g.module}\n${g.name}`;
    const seen = globalMemo.get(key);
    if (seen !== undefined) {
      get(seen);
      return;
    }
    out.byte(0x63);
    out.bytes(utf8.encode(`${g.module === 'builtins' ? '__builtin__' : g.module}\n${g.name}\n`));
    globalMemo.set(key, put());
  };
  const ORDERED_DICT = new PyGlobal('collections', 'OrderedDict');

  const save = (v: PyValue): void => {
    if (v === null) return out.byte(0x4e);
    if (typeof v === 'boolean') return out.byte(v ? 0x88 : 0x89);
    if (typeof v === 'number') {
      if (Number.isInteger(v)) return saveInt(v);
      out.byte(0x47);
      return out.f64be(v);
    }
    if (typeof v === 'bigint') return saveInt(v);
    if (v instanceof PyFloat) {
      out.byte(0x47);
      return out.f64be(v.value);
    }
    if (typeof v === 'string') {
      saveStr(v);
      put();
      return;
    }
    if (v instanceof PyGlobal) return saveGlobal(v);
    if (v instanceof PyPersistent) {
      save(v.pid);
      return out.byte(0x51);
    }
    const seen = memo.get(v);
    if (seen !== undefined) return get(seen);
    if (v instanceof PyStr) {
      saveStr(v.value);
      return memoize(v);
    }
    if (v instanceof PyTuple) {
      const n = v.items.length;
      if (n === 0) return out.byte(0x29);
      if (n <= 3) {
        for (const item of v.items) save(item);
        out.byte(0x84 + n);
      } else {
        out.byte(0x28);
        for (const item of v.items) save(item);
        out.byte(0x74);
      }
      return memoize(v);
    }
    if (v instanceof PyList) {
      out.byte(0x5d);
      memoize(v);
      const items = v.items;
      if (items.length === 1) {
        save(items[0]!);
        return out.byte(0x61);
      }
      let total = 0;
      while (total < items.length) {
        out.byte(0x28);
        for (let b = 0; b < BATCHSIZE && total < items.length; b++) save(items[total++]!);
        out.byte(0x65);
      }
      return;
    }
    if (v instanceof PyDict) {
      if (!v.ordered) {
        if (v.attrs !== undefined && v.attrs.size > 0) throw new CheckpointFormatError('a plain dict cannot carry attributes');
        out.byte(0x7d);
        memoize(v);
        return batchDictExact(v.entries);
      }
      saveGlobal(ORDERED_DICT);
      out.byte(0x29);
      out.byte(0x52);
      memoize(v);
      batchDictIter(v.entries);
      if (v.attrs !== undefined && v.attrs.size > 0) {
        save(v.attrs);
        out.byte(0x62);
      }
      return;
    }
    if (v instanceof PyCall) {
      save(v.func);
      save(v.args);
      out.byte(v.kind === 'reduce' ? 0x52 : 0x81);
      memoize(v);
      if (v.state !== undefined) {
        save(v.state);
        out.byte(0x62);
      }
      return;
    }
    if (v instanceof PySet) throw new CheckpointFormatError('writing sets is not supported');
    if (v instanceof Uint8Array) throw new CheckpointFormatError('writing bytes needs pickle protocol 3; not supported');
    throw new CheckpointFormatError(`cannot pickle value ${String(v)}`);
  };
  // CPython batch_dict_exact: one item → SETITEM; otherwise MARK…SETITEMS batches of 1000 (a
  // length that is a multiple of 1000 ends with an empty batch, as CPython does).
  const batchDictExact = (entries: Array<[PyValue, PyValue]>): void => {
    if (entries.length === 0) return;
    if (entries.length === 1) {
      save(entries[0]![0]);
      save(entries[0]![1]);
      return out.byte(0x73);
    }
    let i = 0;
    let inBatch: number;
    do {
      inBatch = 0;
      out.byte(0x28);
      while (i < entries.length) {
        save(entries[i]![0]);
        save(entries[i]![1]);
        i++;
        if (++inBatch === BATCHSIZE) break;
      }
      out.byte(0x75);
    } while (inBatch === BATCHSIZE);
  };
  // CPython batch_dict (items of a reduce): batches of 1000 with MARK…SETITEMS; a batch of one
  // item is written as a bare SETITEM.
  const batchDictIter = (entries: Array<[PyValue, PyValue]>): void => {
    for (let start = 0; start < entries.length; start += BATCHSIZE) {
      const batch = entries.slice(start, start + BATCHSIZE);
      if (batch.length === 1) {
        save(batch[0]![0]);
        save(batch[0]![1]);
        out.byte(0x73);
        continue;
      }
      out.byte(0x28);
      for (const [k, val] of batch) {
        save(k);
        save(val);
      }
      out.byte(0x75);
    }
  };

  out.byte(0x80);
  out.byte(2);
  save(root);
  out.byte(0x2e);
  return out.result();
}
