/**
 * When the threaded wasm build cannot start (here: its worker script cannot be written), the wasm
 * backend runs on 1 thread and says so in one line. Its own file: it needs a fresh process.
 */
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { initBackend } from '../../src/backend/index.js';

describe('wasm threads fallback', () => {
  const tmp = process.env['TMPDIR'];
  afterAll(() => {
    if (tmp === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = tmp;
  });

  it.runIf(availableParallelism() >= 2)('falls back to 1 thread with a one-line notice', async () => {
    process.env['TMPDIR'] = '/nonexistent/translate-test';
    const lines: string[] = [];
    const info = await initBackend('wasm', { nativeKernels: false, log: (m) => lines.push(m) });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^notice: wasm threads unavailable \(ENOENT: .*mkdtemp.*\); running on 1 thread$/);
    expect(lines[1]).toBe('backend: wasm (SIMD, 1 thread)');
    expect(info.detail).toBe('SIMD, 1 thread');
    expect(
      tf.tidy(
        () => tf.sum(tf.conv2d(tf.ones([1, 4, 4, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 1]) as tf.Tensor4D, 1, 'valid')).dataSync()[0],
      ),
    ).toBe(72);
  });
});
