/**
 * Loading the WebAssembly backend in Node. `@tensorflow/tfjs-backend-wasm` is a regular dependency;
 * it is imported only when asked for, because importing it makes 'wasm' the highest-priority backend
 * (and an engine without an explicitly selected backend then refuses synchronous ops). With more than
 * one thread wanted (the default on a machine with several cores) it starts the threaded build (see
 * `wasm_threads.ts`).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { tf } from '../tf.js';
import { firstLine, type Probe } from './native.js';
import { chooseWasmThreads, registerWasmFactory } from './wasm_threads.js';

/** npm package of the wasm backend. */
export const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

const BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');

let wasmModule: WasmModule | undefined;
/** Where the binaries were looked up, and whether we had to call setWasmPaths. */
let binaryDir: string | undefined;
let pathsSet = false;
/** The thread count the initialised backend was created for. */
let requestedThreads: number | undefined;
/** A one-line notice about threads not yet reported (see {@link takeWasmNotice}). */
let notice: string | undefined;

/** Facts about an initialised wasm backend. */
export interface WasmDetails {
  simd: boolean;
  threads: number;
  binaryDir: string | undefined;
  pathsSet: boolean;
}

function initialised(): boolean {
  return tf.engine().registry['wasm'] != null;
}

/**
 * The folder holding the .wasm binaries: the folder of the module Node loads for the package (the
 * Emscripten default, so no setWasmPaths is needed), else the package's own dist folder.
 */
function locateBinaries(): { dir: string; needsPaths: boolean } | undefined {
  const require = createRequire(import.meta.url);
  const has = (dir: string) => BINARIES.every((b) => existsSync(join(dir, b)));
  try {
    const mainDir = dirname(require.resolve(WASM_PACKAGE));
    if (has(mainDir)) return { dir: mainDir, needsPaths: false };
  } catch {
    // fall through to the package folder
  }
  try {
    const dist = join(dirname(require.resolve(`${WASM_PACKAGE}/package.json`)), 'dist');
    if (has(dist)) return { dir: dist, needsPaths: true };
  } catch {
    // not resolvable
  }
  return undefined;
}

/** Tensors stored on the initialised wasm backend. */
function wasmTensorCount(): number {
  return (tf.engine().registry['wasm'] as unknown as { numDataIds(): number }).numDataIds();
}

/**
 * Imports the wasm backend and initialises it without selecting it. Returns whether it is usable.
 *
 * `threads` (default: `$TRANSLATE_WASM_THREADS`, else the number of cores) applies when the backend
 * is first initialised; asking later for a different count re-creates the backend if it holds no
 * tensors, and otherwise keeps the current count with a notice. If the threaded build cannot start,
 * the backend runs on 1 thread with a notice ({@link takeWasmNotice}).
 */
export async function loadWasm(threads?: number): Promise<Probe> {
  try {
    wasmModule ??= await import('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    return { ok: false, reason: `${WASM_PACKAGE} failed to load: ${firstLine(err)}` };
  }
  if (initialised()) {
    if (threads === undefined || chooseWasmThreads(threads).threads === requestedThreads) return { ok: true };
    if (wasmTensorCount() > 0) {
      notice = `keeping the wasm backend's thread count: it holds tensors (asked for ${threads})`;
      return { ok: true };
    }
    tf.removeBackend('wasm');
  }
  const located = locateBinaries();
  if (located === undefined) {
    return { ok: false, reason: `the .wasm binaries of ${WASM_PACKAGE} were not found`, hint: `Reinstall ${WASM_PACKAGE}` };
  }
  binaryDir = located.dir;
  if (located.needsPaths && !pathsSet) {
    try {
      wasmModule.setWasmPaths(located.dir + sep);
      pathsSet = true;
    } catch {
      // already initialised by someone else: keep their paths
    }
  }
  const choice = chooseWasmThreads(threads);
  notice = choice.notice;
  requestedThreads = choice.threads;
  registerWasmFactory(wasmModule, choice.threads, (n) => (notice = n));
  // Initialise without changing the selected backend (Engine.initializeBackend is not in the typings).
  const engine = tf.engine() as unknown as {
    initializeBackend?: (name: string) => { success: boolean | Promise<boolean> };
  };
  let ok: boolean;
  try {
    if (typeof engine.initializeBackend === 'function') {
      ok = await engine.initializeBackend('wasm').success;
    } else {
      const previous = tf.engine().backendName;
      ok = await tf.setBackend('wasm');
      if (previous) await tf.setBackend(previous);
    }
  } catch (err) {
    return { ok: false, reason: `the wasm backend failed to initialise: ${firstLine(err)}` };
  }
  return ok && initialised() ? { ok: true } : { ok: false, reason: `the wasm backend failed to initialise (binaries in ${located.dir})` };
}

/** The pending notice about the wasm threads (a fallback, an ignored setting), once. */
export function takeWasmNotice(): string | undefined {
  const n = notice;
  notice = undefined;
  return n;
}

/** SIMD, thread count and binary location of the initialised wasm backend. */
export async function wasmDetails(): Promise<WasmDetails> {
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  let threads = 1;
  try {
    threads = wasmModule?.getThreadsCount() ?? 1;
  } catch {
    threads = 1;
  }
  return { simd, threads, binaryDir, pathsSet };
}
