/**
 * The Winograd kernels' WebAssembly module (`packages/core/wasm/winograd.c`), instantiated on the
 * wasm backend's own memory so it works on tensors in place, and run on the backend's threads: the
 * calling thread plus `threads - 1` worker threads that share that memory. A call is split into
 * ranges of one dimension; each thread runs the same function on its range, the caller waits for all.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';

/** The part of Node's global WebAssembly API used here (the project's TypeScript libs do not declare it). */
declare namespace WebAssembly {
  function validate(bytes: Uint8Array): boolean;
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: Record<string, unknown>;
  }
  interface Memory {
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
  }
}

/** The module's exported functions (all arguments are i32: sizes, or byte offsets into the heap). */
export type WinogradFunction =
  | 'wino_input'
  | 'wino_output'
  | 'wino_output_grad'
  | 'wino_filter'
  | 'wino_filter_flipped'
  | 'wino_filter_grad'
  | 'wino_gemm'
  | 'conv_columns'
  | 'bias_act';

const FUNCTIONS: readonly WinogradFunction[] = [
  'wino_input',
  'wino_output',
  'wino_output_grad',
  'wino_filter',
  'wino_filter_flipped',
  'wino_filter_grad',
  'wino_gemm',
  'conv_columns',
  'bias_act',
];

/** The parts of tfjs' emscripten module the runtime needs. */
export interface EmscriptenWasm {
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
  _get_threads_count?: () => number;
}

/** Control block layout (Int32 slots): sequence number, completions, failures, started workers, then per-worker jobs. */
const SEQ = 0;
const DONE = 1;
const FAILED = 2;
const STARTED = 3;
const JOBS = 4;
/** How long the first call waits for the workers to start before running without them. */
const START_TIMEOUT_MS = 10_000;
/** Int32 slots per worker job: function index, argument count, arguments. */
const JOB_SLOTS = 24;

/** Source of a worker thread: instantiates the module on the shared memory and runs jobs until exit. */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, slot, functions } = workerData;
const ctl = new Int32Array(control);
const exports_ = new WebAssembly.Instance(module, { env: { memory } }).exports;
Atomics.add(ctl, ${STARTED}, 1);
Atomics.notify(ctl, ${STARTED});
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen);
  seen = Atomics.load(ctl, ${SEQ});
  const base = ${JOBS} + slot * ${JOB_SLOTS};
  try {
    const args = Array.from(ctl.subarray(base + 2, base + 2 + ctl[base + 1]));
    exports_[functions[ctl[base]]](...args);
  } catch (err) {
    Atomics.add(ctl, ${FAILED}, 1);
  }
  Atomics.add(ctl, ${DONE}, 1);
  Atomics.notify(ctl, ${DONE});
}`;

/** The module on one wasm memory, with its threads. */
export class WinogradRuntime {
  private readonly exports: Record<WinogradFunction, (...args: number[]) => void>;
  private readonly control: Int32Array;
  private readonly workers: Worker[] = [];
  private completed = 0;
  private started = false;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number) {
    this.exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Record<
      WinogradFunction,
      (...args: number[]) => void
    >;
    const shared = memory.buffer instanceof SharedArrayBuffer;
    const workers = shared ? Math.max(0, threads - 1) : 0;
    this.control = new Int32Array(new SharedArrayBuffer(4 * (JOBS + workers * JOB_SLOTS)));
    for (let slot = 0; slot < workers; slot++) {
      try {
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { module, memory, control: this.control.buffer, slot, functions: FUNCTIONS },
        });
        worker.unref();
        this.workers.push(worker);
      } catch {
        break; // threads unavailable here: the calling thread does the rest
      }
    }
  }

  /**
   * Waits (once) until every worker has instantiated the module; if one has not within
   * START_TIMEOUT_MS (it failed to start), stops them all and runs on the calling thread alone.
   */
  private awaitStart(): void {
    if (this.started) return;
    this.started = true;
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const started = Atomics.load(this.control, STARTED);
      if (started >= this.workers.length) return;
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.control, STARTED, started, left) === 'timed-out') break;
    }
    this.close();
  }

  /** Threads a call is split over (the caller plus the workers). */
  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * Runs `fn(...args, lo, hi)` over [0, total) split into one range per thread (range bounds are
   * multiples of `align`, except `total`), and returns when all ranges are done.
   */
  run(fn: WinogradFunction, args: readonly number[], total: number, align = 1): void {
    this.awaitStart();
    const units = Math.ceil(total / align);
    const parts = Math.min(this.threads, units);
    const bound = (i: number) => Math.min(total, Math.round((units * i) / parts) * align);
    if (parts > 1) {
      if (args.length + 2 > JOB_SLOTS - 2) throw new Error(`winograd: too many arguments for ${fn}`);
      for (let w = 0; w < parts - 1; w++) {
        const base = JOBS + w * JOB_SLOTS;
        const job = [...args, bound(w + 1), bound(w + 2)];
        this.control[base] = FUNCTIONS.indexOf(fn);
        this.control[base + 1] = job.length;
        this.control.set(job, base + 2);
      }
      // Workers beyond `parts - 1` get an empty range.
      for (let w = parts - 1; w < this.workers.length; w++) {
        const base = JOBS + w * JOB_SLOTS;
        this.control[base] = FUNCTIONS.indexOf(fn);
        this.control[base + 1] = args.length + 2;
        this.control.set([...args, 0, 0], base + 2);
      }
      Atomics.add(this.control, SEQ, 1);
      Atomics.notify(this.control, SEQ);
    }
    try {
      this.exports[fn](...args, bound(0), bound(1));
    } finally {
      // Also after a trap here: the workers' ranges were started and must be waited for.
      if (parts > 1) this.awaitWorkers(fn);
    }
  }

  /** Stops the worker threads (the runtime must not be used after). */
  close(): void {
    for (const worker of this.workers) void worker.terminate();
    this.workers.length = 0;
  }

  private awaitWorkers(fn: WinogradFunction): void {
    const target = this.completed + this.workers.length;
    for (;;) {
      const done = Atomics.load(this.control, DONE);
      if (done >= target) break;
      Atomics.wait(this.control, DONE, done);
    }
    this.completed = target;
    const failed = Atomics.exchange(this.control, FAILED, 0);
    if (failed > 0) throw new Error(`winograd: ${fn} failed on a worker thread`);
  }
}

/** The compiled module, per memory kind (shared or plain); null where this engine cannot compile it. */
const compiled = new Map<boolean, WebAssembly.Module | null>();

/** True unless `TRANSLATE_RELAXED_SIMD=0` keeps the module without fused multiply-adds. */
export function relaxedSimdWanted(): boolean {
  return !['0', 'off', 'false'].includes(process.env.TRANSLATE_RELAXED_SIMD ?? '');
}

let relaxed: boolean | undefined;

/**
 * Whether this engine runs WebAssembly relaxed SIMD (`f32x4.relaxed_madd`: one fused multiply-add
 * where plain SIMD needs a multiply and an add). V8 ships it from 11.4 (Node 22, Chrome 114); on
 * Node 20's V8 11.3 it is behind `--experimental-wasm-relaxed-simd`, which is set here at run time
 * (it only enables the instructions; nothing else of the engine changes).
 */
export function relaxedSimdSupported(): boolean {
  if (relaxed === undefined) {
    const probe = wasmFile('winograd-relaxed.wasm');
    relaxed = probe !== undefined && WebAssembly.validate(probe);
    if (!relaxed && probe !== undefined) {
      setFlagsFromString('--experimental-wasm-relaxed-simd');
      relaxed = WebAssembly.validate(probe);
    }
  }
  return relaxed;
}

function wasmFile(name: string): Uint8Array | undefined {
  try {
    return readFileSync(new URL(`../../../wasm/${name}`, import.meta.url));
  } catch {
    return undefined;
  }
}

/** The module's file: relaxed SIMD where the engine has it (and it is wanted), shared-memory or plain. */
function moduleFile(shared: boolean): string {
  const fma = relaxedSimdWanted() && relaxedSimdSupported() ? '-relaxed' : '';
  return `winograd${shared ? '-shared' : ''}${fma}.wasm`;
}

function moduleFor(shared: boolean): WebAssembly.Module | null {
  let module = compiled.get(shared);
  if (module === undefined) {
    try {
      module = new WebAssembly.Module(wasmFile(moduleFile(shared))!);
    } catch {
      module = null; // no wasm SIMD (or threads) here, or the file is missing: the stock kernels serve
    }
    compiled.set(shared, module);
  }
  return module;
}

/** Whether this engine runs the Winograd module (wasm SIMD). */
export function winogradSupported(): boolean {
  return moduleFor(false) !== null;
}

/** The runtime of the wasm backend instance in use (tfjs keeps one; a restarted one has a new memory). */
let current: { memory: WebAssembly.Memory; runtime: WinogradRuntime | undefined } | undefined;

/** The wasm memory of a tfjs wasm backend's emscripten module. */
function memoryOf(wasm: EmscriptenWasm): WebAssembly.Memory | undefined {
  return wasm.wasmMemory ?? wasm.asm?.memory;
}

/**
 * The runtime on `wasm`'s memory, created on first use; undefined where the module cannot run on it.
 * A backend restarted with a new memory gets a new runtime; the previous one's workers (which keep
 * the old memory alive) are stopped.
 */
export function winogradRuntime(wasm: EmscriptenWasm): WinogradRuntime | undefined {
  const memory = memoryOf(wasm);
  if (!memory) return undefined;
  if (current?.memory !== memory) {
    current?.runtime?.close();
    const module = moduleFor(memory.buffer instanceof SharedArrayBuffer);
    let runtime: WinogradRuntime | undefined;
    try {
      runtime = module ? new WinogradRuntime(module, memory, wasm._get_threads_count?.() ?? 1) : undefined;
    } catch {
      runtime = undefined; // the memory does not match the module's import (e.g. a larger maximum)
    }
    current = { memory, runtime };
  }
  return current.runtime;
}
