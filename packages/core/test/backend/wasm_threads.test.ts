/**
 * Multithreaded wasm in Node: the thread count really is above 1 by default on a multi-core machine,
 * results equal the single-threaded backend, nothing leaks, and a process using it exits by itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { initBackend } from '../../src/backend/index.js';
import { chooseWasmThreads, MAX_WASM_THREADS, WASM_THREADS_ENV } from '../../src/backend/wasm_threads.js';
import { relErr } from './reference.js';

const cores = availableParallelism();
const multiCore = cores >= 2;
const expectedThreads = Math.min(cores, MAX_WASM_THREADS);

/** The Emscripten pthread workers of the active wasm backend. */
function pthreadWorkers(): number {
  const backend = tf.engine().registry['wasm'] as unknown as { wasm: { PThread?: { runningWorkers: unknown[] } } };
  return backend.wasm.PThread?.runningWorkers.length ?? 0;
}

/** Loss and gradients of a small conv net (convs, transposed conv, norm, pads, slices). */
function convNetStep(): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.randomNormal([2, 24, 24, 8], 0, 1, 'float32', 11);
    const w1 = tf.randomNormal([3, 3, 8, 32], 0, 0.2, 'float32', 12);
    const w2 = tf.randomNormal([4, 4, 32, 32], 0, 0.1, 'float32', 13);
    const wt = tf.randomNormal([3, 3, 16, 32], 0, 0.1, 'float32', 14);
    const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => {
      let h: tf.Tensor = tf.mirrorPad(
        a as tf.Tensor4D,
        [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ],
        'reflect',
      );
      h = tf.relu(tf.conv2d(h as tf.Tensor4D, b as tf.Tensor4D, 1, 'valid'));
      const m = tf.moments(h, [1, 2], true);
      h = tf.mul(tf.sub(h, m.mean), tf.rsqrt(tf.add(m.variance, 1e-5)));
      h = tf.conv2d(h as tf.Tensor4D, c as tf.Tensor4D, 2, [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ]);
      h = tf.conv2dTranspose(h as tf.Tensor4D, d as tf.Tensor4D, [2, 24, 24, 16], 2, 'same');
      return tf.mean(tf.square(tf.slice(h, [0, 2, 2, 0], [2, 20, 20, 16])));
    };
    const { value, grads } = tf.valueAndGrads(f)([x, w1, w2, wt]);
    return [value, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

describe('chooseWasmThreads', () => {
  it('takes the request, else the environment, else the core count, within 1..8', () => {
    expect(chooseWasmThreads(3, { [WASM_THREADS_ENV]: '1' }, 2)).toEqual({ threads: 3 });
    expect(chooseWasmThreads(undefined, { [WASM_THREADS_ENV]: '1' }, 16)).toEqual({ threads: 1 });
    expect(chooseWasmThreads(undefined, {}, 2)).toEqual({ threads: 2 });
    expect(chooseWasmThreads(undefined, {}, 64)).toEqual({ threads: MAX_WASM_THREADS });
    expect(chooseWasmThreads(0, {}, 4)).toEqual({ threads: 1 });
  });

  it('ignores an unusable environment value with a notice', () => {
    expect(chooseWasmThreads(undefined, { [WASM_THREADS_ENV]: 'two' }, 4)).toEqual({
      threads: 4,
      notice: `ignoring ${WASM_THREADS_ENV}=two (not a positive integer)`,
    });
  });
});

describe('the wasm backend in Node', () => {
  it.runIf(multiCore)('runs one thread per core by default, on real pthread workers', async () => {
    const lines: string[] = [];
    const info = await initBackend('wasm', { nativeKernels: false, log: (m) => lines.push(m) });
    expect(info.detail).toBe(`SIMD, ${expectedThreads} threads`);
    expect(lines).toEqual([`backend: wasm (SIMD, ${expectedThreads} threads)`]);
    expect(getThreadsCount()).toBe(expectedThreads);
    expect(pthreadWorkers()).toBe(expectedThreads - 1); // the calling thread is the pool's first
  });

  it.runIf(multiCore)('gives the single-threaded results on a conv net forward and backward, without leaking', async () => {
    await initBackend('wasm', { nativeKernels: false, log: () => {}, wasmThreads: expectedThreads });
    convNetStep(); // warm-up
    const before = tf.memory().numTensors;
    const threaded = convNetStep();
    expect(tf.memory().numTensors).toBe(before);

    const info = await initBackend('wasm', { nativeKernels: false, log: () => {}, wasmThreads: 1 });
    expect(info.detail).toBe('SIMD, 1 thread');
    expect(pthreadWorkers()).toBe(0);
    const single = convNetStep();
    expect(tf.memory().numTensors).toBe(before);
    expect(single).toHaveLength(5);
    single.forEach((s, i) => expect(relErr(threaded[i]!, s)).toBeLessThan(1e-5));
  });

  it('keeps the thread count while the backend holds tensors, with a notice', async () => {
    await initBackend('wasm', { nativeKernels: false, log: () => {}, wasmThreads: 1 });
    const kept = tf.scalar(1);
    const lines: string[] = [];
    const info = await initBackend('wasm', { nativeKernels: false, log: (m) => lines.push(m), wasmThreads: 2 });
    expect(info.detail).toBe('SIMD, 1 thread');
    expect(lines[0]).toBe("notice: keeping the wasm backend's thread count: it holds tensors (asked for 2)");
    expect(kept.dataSync()[0]).toBe(1);
    kept.dispose();
  });

  it.runIf(multiCore)('lets a process that used it exit by itself and removes its worker script', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'wasm-threads-exit-'));
    const core = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    expect(existsSync(core), 'packages/core/dist is missing: run `pnpm build` first').toBe(true);
    const script = `
      const { initBackend, tf } = await import(${JSON.stringify(core)});
      const info = await initBackend('wasm', { nativeKernels: false, log: () => {} });
      const y = tf.conv2d(tf.ones([1, 32, 32, 16]), tf.ones([3, 3, 16, 16]), 1, 'same');
      console.log(info.detail, y.dataSync()[0]);
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: tmp },
      timeout: 60_000,
    });
    expect(out.trim()).toBe(`SIMD, ${expectedThreads} threads 64`);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
