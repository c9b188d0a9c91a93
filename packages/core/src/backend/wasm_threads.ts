/**
 * Multithreaded WebAssembly in Node. Stock `@tensorflow/tfjs-backend-wasm` 4.22 turns threads off
 * under Node (its `WASM_HAS_MULTITHREAD_SUPPORT` flag is false there, so `setThreadsCount` does
 * nothing) and could not start them anyway: Emscripten's pthread workers are created from `blob:`
 * URLs, which `worker_threads` cannot load. This module builds the threaded backend itself from the
 * package's own Emscripten output (`wasm-out/`):
 *
 * - the pthread worker script is written to a file in a private temporary folder (removed at exit),
 *   and workers load the factory script from the package by path;
 * - the core count the C++ side reads while the module initialises is raised to twice the wanted
 *   thread count (it sizes the pool at logical cores / 2);
 * - the pool's workers are unref'd so they never keep the process alive, and the idle ones
 *   Emscripten pre-spawns (8) are terminated.
 *
 * Everything here depends on tfjs internals: tfjs is pinned to exactly 4.22.0.
 */
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import type { Worker } from 'node:worker_threads';
import { tf } from '../tf.js';

/** Environment variable that sets the wasm thread count (`1` turns threads off). */
export const WASM_THREADS_ENV = 'TRANSLATE_WASM_THREADS';

/** Most threads the threaded build supports (its pre-spawned pool size and the C++ cap). */
export const MAX_WASM_THREADS = 8;

/** How long the threaded module may take to start before we give up on it. */
const START_TIMEOUT_MS = 60_000;

/** tfjs' priority of the 'wasm' backend (kept when we replace its factory). */
const WASM_PRIORITY = 2;

const PACKAGE = '@tensorflow/tfjs-backend-wasm';

/** The parts of `@tensorflow/tfjs-backend-wasm` used here. */
export interface WasmPackage {
  BackendWasm: new (module: never) => tf.KernelBackend;
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/** Emscripten's pthread bookkeeping on the module object. */
interface PThreadPool {
  runningWorkers: Worker[];
  unusedWorkers: Worker[];
  terminateAllThreads(): void;
}

/** The started Emscripten module (the factory fills in the object it was given). */
interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => unknown;
  PThread: PThreadPool;
  tfjs?: Record<string, (...args: number[]) => unknown>;
}

/** The part of the `WebAssembly` global used here (the project compiles without DOM typings). */
interface WebAssemblyApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: unknown; module: unknown }>;
}

/** The thread count to use and, when a setting was ignored, why. */
export interface WasmThreadsChoice {
  threads: number;
  notice?: string;
}

/**
 * The wasm thread count: `requested` if given, else `$TRANSLATE_WASM_THREADS`, else the number of
 * cores; clamped to 1..{@link MAX_WASM_THREADS}. An unusable environment value is ignored with a
 * notice.
 */
export function chooseWasmThreads(
  requested?: number,
  env: NodeJS.ProcessEnv = process.env,
  cores: number = availableParallelism(),
): WasmThreadsChoice {
  const clamp = (n: number) => Math.min(Math.max(Math.floor(n), 1), MAX_WASM_THREADS);
  if (requested !== undefined) return { threads: clamp(requested) };
  const raw = env[WASM_THREADS_ENV];
  if (raw !== undefined && raw.trim() !== '') {
    const n = Number(raw);
    if (Number.isInteger(n) && n >= 1) return { threads: clamp(n) };
    return { threads: clamp(cores), notice: `ignoring ${WASM_THREADS_ENV}=${raw} (not a positive integer)` };
  }
  return { threads: clamp(cores) };
}

/** Paths of the threaded build inside the installed package, and its worker script's source. */
function threadedBuild(): { factory: string; wasm: string; workerSource: string } {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve(`${PACKAGE}/package.json`)), 'wasm-out');
  const worker = require(join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents?: unknown };
  if (typeof worker.wasmWorkerContents !== 'string') throw new Error('the pthread worker script was not found');
  return {
    factory: join(dir, 'tfjs-backend-wasm-threaded-simd.js'),
    wasm: join(dir, 'tfjs-backend-wasm-threaded-simd.wasm'),
    workerSource: worker.wasmWorkerContents,
  };
}

let workerFile: string | undefined;

/**
 * Writes the pthread worker script to a private temporary folder (once per process; removed at exit)
 * and returns its path. The package stores it with real newlines inside string literals (tfjs escapes
 * them before making a Blob); it is compiled here first so that a broken script fails this call
 * instead of crashing the process from inside a worker.
 */
function writeWorkerScript(source: string): string {
  if (workerFile) return workerFile;
  const text = source.replace(/\n/g, '\\n');
  new Script(text, { filename: 'tfjs-backend-wasm-threaded-simd.worker.cjs' });
  const dir = mkdtempSync(join(tmpdir(), 'translate-wasm-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'tfjs-backend-wasm-threaded-simd.worker.cjs');
  writeFileSync(file, text);
  workerFile = file;
  return file;
}

/** Starts the threaded Emscripten module with a pool of `threads` threads. */
async function startThreadedModule(threads: number): Promise<EmscriptenModule> {
  const build = threadedBuild();
  const worker = writeWorkerScript(build.workerSource);
  const require = createRequire(import.meta.url);
  const factory = require(build.factory) as (config: object) => Promise<EmscriptenModule>;
  let fail: (err: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const config = {
    locateFile: (path: string, prefix: string) =>
      path.endsWith('.worker.js') ? worker : path.endsWith('.wasm') ? build.wasm : prefix + path,
    mainScriptUrlOrBlob: build.factory,
    instantiateWasm: (info: { env: Record<string, unknown> }, receive: (instance: unknown, module: unknown) => void) => {
      // C++ sizes the pool at min(requested, logical cores / 2), read during this instantiation.
      info.env['emscripten_num_logical_cores'] = () => 2 * threads;
      const wasmApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
      wasmApi.instantiate(readFileSync(build.wasm), info).then((r) => receive(r.instance, r.module), fail);
      return {};
    },
    onAbort: (what: unknown) => fail(new Error(`the threaded module aborted: ${String(what)}`)),
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the threaded module did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
  });
  let module: EmscriptenModule;
  try {
    module = await Promise.race([factory(config), failed, timeout]);
  } catch (err) {
    (config as Partial<EmscriptenModule>).PThread?.terminateAllThreads();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  const cwrap = module.cwrap.bind(module);
  module.tfjs = {
    init: cwrap('init', null, []),
    initWithThreadsCount: cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: cwrap('get_threads_count', 'number', []),
    registerTensor: cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: cwrap('dispose_data', null, ['number']),
    dispose: cwrap('dispose', null, []),
  };
  return module;
}

/**
 * A wasm backend running `threads` threads. Its pool's workers are unref'd (they never keep the
 * process alive) and the idle pre-spawned ones are terminated (Emscripten starts more on demand).
 */
export async function threadedWasmBackend(pkg: WasmPackage, threads: number): Promise<tf.KernelBackend> {
  const module = await startThreadedModule(threads);
  pkg.setThreadsCount(threads);
  const backend = new pkg.BackendWasm(module as never);
  const pool = module.PThread;
  for (const w of pool.runningWorkers) w.unref();
  for (const w of pool.unusedWorkers) void w.terminate();
  pool.unusedWorkers.length = 0;
  return backend;
}

let stockFactory: (() => tf.KernelBackend | Promise<tf.KernelBackend>) | undefined;

/**
 * Registers the 'wasm' backend factory (the backend must not be initialised): with `threads` > 1 one
 * that starts {@link threadedWasmBackend} and, if that fails, calls `onFallback` with a one-line
 * notice and returns tfjs' stock single-threaded backend; with 1, tfjs' stock factory. `start` is
 * replaceable for tests.
 */
export function registerWasmFactory(
  pkg: WasmPackage,
  threads: number,
  onFallback: (notice: string) => void,
  start: (pkg: WasmPackage, threads: number) => Promise<tf.KernelBackend> = threadedWasmBackend,
): void {
  stockFactory ??= tf.findBackendFactory('wasm') ?? undefined;
  const stock = stockFactory;
  if (!stock) throw new Error(`${PACKAGE} did not register the 'wasm' backend`);
  if (tf.findBackendFactory('wasm') != null) tf.removeBackend('wasm');
  const stockBackend = () => {
    pkg.setThreadsCount(-1);
    return stock();
  };
  const factory =
    threads > 1
      ? async () => {
          try {
            return await start(pkg, threads);
          } catch (err) {
            const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
            onFallback(`wasm threads unavailable (${reason}); running on 1 thread`);
            return stockBackend();
          }
        }
      : stockBackend;
  tf.registerBackend('wasm', factory, WASM_PRIORITY);
}
