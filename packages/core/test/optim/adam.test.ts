import { describe, expect, it } from 'vitest';
import { useBackend } from '../helpers.js';
import { tf } from '../../src/tf.js';
import { Adam } from '../../src/optim/adam.js';

describe('Adam', () => {
  it("holds one parameter's temporaries at a time, not every parameter's", async () => {
    await useBackend('cpu');
    const count = 6;
    const size = 1 << 16;
    const params = Array.from({ length: count }, (_, i) => [`w${i}`, tf.variable(tf.fill([size], i + 1))] as const);
    const grads = new Map(params.map(([name], i) => [name, tf.fill([size], 0.5 * (i + 1))] as const));
    const opt = new Adam(params, { lr: 0.1, weightDecay: 0.01 });
    const bytesPerParam = size * 4;
    const before = tf.memory().numBytes;
    const { peakBytes } = await tf.profile(() => opt.step(grads));
    // The update makes ≈ 12 temporaries of its parameter's size; all six parameters' would be ≈ 72.
    expect(peakBytes - before).toBeLessThan(16 * bytesPerParam);
    expect(tf.memory().numBytes).toBe(before);
    // It updated every parameter (the first step moves each by lr, against its gradient's sign).
    params.forEach(([, p], i) => expect(p.dataSync()[0]).toBeCloseTo(i + 1 - 0.1, 5));
    opt.dispose();
    tf.dispose([...params.map(([, p]) => p), ...grads.values()]);
  });

  it('creating and disposing an optimizer leaves no tensor behind', async () => {
    await useBackend('cpu');
    const p = tf.variable(tf.zeros([3, 2]));
    const before = tf.memory().numTensors;
    new Adam([['w', p]], { lr: 1 }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    p.dispose();
  });

  it('follows torch.optim.Adam exactly over several steps, and its state round-trips', async () => {
    await useBackend('cpu');
    const p = tf.variable(tf.tensor1d([0.5, -1, 2]));
    const opt = new Adam([['w', p]], { lr: 0.1, beta1: 0.5, beta2: 0.999 });
    const gradients = [
      [1, -2, 0.001],
      [0.5, 0.5, -3],
      [-1, 0, 2],
    ];
    // Independent float64 evaluation of PyTorch's update rule.
    const theta = [0.5, -1, 2];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    gradients.forEach((g, step) => {
      const t = step + 1;
      for (let i = 0; i < 3; i++) {
        m[i] = 0.5 * m[i]! + 0.5 * g[i]!;
        v[i] = 0.999 * v[i]! + 0.001 * g[i]! ** 2;
        const mHat = m[i]! / (1 - 0.5 ** t);
        const vHat = v[i]! / (1 - 0.999 ** t);
        theta[i] = theta[i]! - (0.1 * mHat) / (Math.sqrt(vHat) + 1e-8);
      }
      const grad = tf.tensor1d(g);
      opt.step(new Map([['w', grad]]));
      grad.dispose();
    });
    const got = Array.from(p.dataSync());
    theta.forEach((value, i) => expect(got[i]).toBeCloseTo(value, 6));
    const saved = opt.stateDict();
    const q = tf.variable(tf.tensor1d([0, 0, 0]));
    const restored = new Adam([['w', q]], { lr: 1 });
    restored.loadStateDict(saved);
    expect(restored.steps).toBe(3);
    expect(restored.lr).toBe(0.1);
    expect(restored.stateDict().tensors.get('exp_avg.w')!.data).toEqual(saved.tensors.get('exp_avg.w')!.data);
    tf.dispose([p, q]);
    opt.dispose();
    restored.dispose();
  });
});
