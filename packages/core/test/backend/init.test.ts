/** Backend selection, availability reports, fix installation, and a small training step on wasm. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { tf } from '../../src/tf.js';
import {
  BackendUnavailableError,
  BACKEND_NAMES,
  currentBackend,
  describeBackends,
  initBackend,
  installKernelFixes,
} from '../../src/backend/index.js';
import { preflightNative } from '../../src/backend/native.js';
import { RESOLVE_HOOK } from '../../src/backend/stock_gradients.js';
import { relErr } from './reference.js';
import { NATIVE_KERNELS } from '../helpers.js';

const quiet = { log: () => {} };

describe('initBackend', () => {
  // First in the file: nothing has stored a tensor on the cpu backend yet.
  it('silences the cpu backend banner', async () => {
    const warn = vi.spyOn(console, 'warn');
    await initBackend('cpu', quiet);
    tf.dispose(tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])));
    expect(warn.mock.calls.flat().join('\n')).not.toMatch(/looks like you are running TensorFlow\.js in Node/);
    warn.mockRestore();
  });

  it("'auto' picks the first backend that loads and logs one line", async () => {
    const statuses = await describeBackends();
    const expected = statuses.find((s) => s.available)!.name;
    const lines: string[] = [];
    const info = await initBackend('auto', { log: (m) => lines.push(m) });
    expect(info.name).toBe(expected);
    // One line, after a notice where the native kernels could not be used (no oneDNN here).
    const notices = NATIVE_KERNELS || expected !== 'wasm' ? [] : [expect.stringMatching(/^notice: native kernels unavailable/)];
    expect(lines).toEqual([...notices, expect.stringMatching(new RegExp(`^backend: ${expected} \\(`))]);
    for (const s of statuses.slice(0, BACKEND_NAMES.indexOf(expected))) {
      expect(lines.at(-1)).toContain(`${s.name} (`);
      expect(info.skipped.map((k) => k.name)).toContain(s.name);
    }
    expect(currentBackend()).toEqual(info);
    expect(tf.getBackend()).toBe(info.tfBackend);
  });

  it('throws BackendUnavailableError naming the package for a native backend that cannot load', async () => {
    const statuses = await describeBackends();
    for (const name of ['tensorflow-gpu', 'tensorflow'] as const) {
      const status = statuses.find((s) => s.name === name)!;
      if (status.available) continue; // installed on this machine: nothing to check
      const pkg = name === 'tensorflow' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
      const err = await initBackend(name, quiet).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackendUnavailableError);
      const e = err as BackendUnavailableError;
      expect(e.packageName).toBe(pkg);
      expect(e.message).toContain(pkg);
      expect(e.message).toContain(status.reason!);
    }
  });

  it('rejects unknown names, listing the known ones', async () => {
    const err = await initBackend('webgl' as never, quiet).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toMatch(/auto, tensorflow-gpu, tensorflow, wasm, cpu/);
  });

  it('installs the fixes for the selected backend, idempotently and silently', async () => {
    const wasm = await initBackend('wasm', quiet);
    expect(wasm.detail).toMatch(/SIMD|thread/);
    const kernels = wasm.fixes
      .filter((f) => f.kind === 'kernel')
      .map((f) => f.kernel)
      .sort();
    expect(kernels).toEqual([
      'Conv2D',
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'FusedConv2D',
      'Identity',
      'MaxPoolGrad',
      'Mean',
      'Slice',
      'Sum',
      'TranslateWindows',
      'TranslateWinogradFilterGrad',
      'TranslateWinogradInputGrad',
    ]);
    expect(
      wasm.fixes
        .filter((f) => f.kind === 'gradient')
        .map((f) => f.kernel)
        .sort(),
    ).toEqual(['Conv2D', 'MirrorPad']);
    const before = tf.getKernel('Conv2DBackpropFilter', 'wasm');
    const warn = vi.spyOn(console, 'warn');
    installKernelFixes('wasm');
    await initBackend('wasm', quiet);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(before);
    const cpu = await initBackend('cpu', quiet);
    expect(cpu.fixes.filter((f) => f.kind === 'kernel').map((f) => f.kernel)).toEqual(['Conv2DBackpropFilter']);
  });
});

describe('describeBackends', () => {
  it('lists every backend fastest first without changing the selected one', async () => {
    await initBackend('cpu', quiet);
    const statuses = await describeBackends();
    expect(statuses.map((s) => s.name)).toEqual([...BACKEND_NAMES]);
    expect(statuses.find((s) => s.name === 'cpu')!.available).toBe(true);
    expect(statuses.find((s) => s.name === 'wasm')!.available).toBe(true);
    for (const s of statuses) if (!s.available) expect(s.reason).toBeTruthy();
    expect(tf.getBackend()).toBe('cpu');
  });
});

describe('native preflight', () => {
  const fakePackage = (withAddon: boolean) => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-node-fake-'));
    writeFileSync(join(dir, 'package.json'), '{}');
    if (withAddon) {
      mkdirSync(join(dir, 'lib', 'napi-v8'), { recursive: true });
      writeFileSync(join(dir, 'lib', 'napi-v8', 'tfjs_binding.node'), '');
    }
    return (id: string) => {
      if (!id.endsWith('/package.json')) throw new Error('unexpected');
      return join(dir, 'package.json');
    };
  };

  it('reports a missing package', () => {
    const probe = preflightNative('tensorflow', () => {
      throw new Error('Cannot find module');
    });
    expect(probe).toEqual({
      ok: false,
      reason: '@tensorflow/tfjs-node is not installed (opt-in)',
      hint: 'To add it: pnpm add -w @tensorflow/tfjs-node@4.22.0',
    });
  });

  it('reports a package without its native addon, with the command that adds it again', () => {
    const probe = preflightNative('tensorflow-gpu', fakePackage(false));
    expect(probe.ok).toBe(false);
    expect(probe.reason).toMatch(/native addon/);
    expect(probe.hint).toBe('Run `pnpm add -w @tensorflow/tfjs-node-gpu@4.22.0` again with network access');
  });

  it('accepts a package with its native addon', () => {
    expect(preflightNative('tensorflow', fakePackage(true)).ok).toBe(true);
  });
});

describe("tfjs' stock gradients", () => {
  it('load in a plain Node process through the resolve hook', () => {
    const script = `
      import { register } from 'node:module';
      import { createRequire } from 'node:module';
      import { pathToFileURL } from 'node:url';
      const tf = await import('@tensorflow/tfjs-core');
      if (tf.getGradient('Sum') != null) throw new Error('gradients registered before loading');
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(RESOLVE_HOOK)}));
      const entry = createRequire(process.cwd() + '/').resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js');
      await import(pathToFileURL(entry).href);
      console.log(['Sum', 'Conv2D', 'MirrorPad', 'MaxPool'].every((k) => tf.getGradient(k) != null) ? 'loaded' : 'missing');
    `;
    const cwd = fileURLToPath(new URL('../..', import.meta.url)); // packages/core
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' });
    expect(out.trim()).toBe('loaded');
  });
});

describe('a conv / norm / pad / pool training step', () => {
  /** Loss of a tiny network touching every fixed kernel; returns gradients of x and all weights. */
  function step(seed: number) {
    return tf.tidy(() => {
      const x = tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', seed);
      const w1 = tf.randomNormal([3, 3, 3, 8], 0, 0.3, 'float32', seed + 1);
      const w2 = tf.randomNormal([4, 4, 8, 8], 0, 0.3, 'float32', seed + 2);
      const wt = tf.randomNormal([3, 3, 8, 4], 0, 0.3, 'float32', seed + 3);
      const gamma = tf.ones([8]);
      const beta = tf.zeros([8]);
      const f = (xx: tf.Tensor, a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
        let h: tf.Tensor = tf.mirrorPad(
          xx as tf.Tensor4D,
          [
            [0, 0],
            [1, 1],
            [1, 1],
            [0, 0],
          ],
          'reflect',
        );
        h = tf.conv2d(h as tf.Tensor4D, a as tf.Tensor4D, 1, 'valid');
        const inst = tf.moments(h, [1, 2], true); // instance norm, by hand
        h = tf.mul(tf.sub(h, inst.mean), tf.rsqrt(tf.add(inst.variance, 1e-5)));
        const bn = tf.moments(h, [0, 1, 2]); // batch norm with explicit scale and offset
        h = tf.relu(tf.batchNorm(h as tf.Tensor4D, bn.mean, bn.variance, beta, gamma, 1e-5));
        h = tf.conv2d(h as tf.Tensor4D, b as tf.Tensor4D, 2, [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ]);
        h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'same');
        h = tf.conv2dTranspose(tf.slice(h, [0, 0, 0, 0], [2, 2, 2, 4]) as tf.Tensor4D, c as tf.Tensor4D, [2, 4, 4, 8], 2, 'same');
        return tf.mean(tf.square(h));
      };
      return tf.grads(f)([x, w1, w2, wt]);
    });
  }

  it('gives the same gradients on wasm as on cpu, without leaking', async () => {
    await initBackend('cpu', quiet);
    const cpu = step(5).map((t) => t.dataSync().slice());
    await initBackend('wasm', quiet);
    step(5).forEach((t) => t.dispose()); // warm-up
    const before = tf.memory().numTensors;
    const wasm = step(5);
    wasm.forEach((t, i) => expect(relErr(t.dataSync(), cpu[i]!)).toBeLessThan(1e-4));
    tf.dispose(wasm);
    expect(tf.memory().numTensors).toBe(before);
  });
});
