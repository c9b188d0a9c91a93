/**
 * The second-order gradients tfjs 4.22 lacks: stock tfjs cannot differentiate leakyRelu's or
 * maximum's gradient (no `Greater` / `Less` gradients) nor avgPool's (`AvgPoolGrad`); after
 * `registerSecondOrderGradients` the results match closed forms and an equivalent conv.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { registerSecondOrderGradients } from '../../src/losses/index.js';
import { maxAbsDiff, useBackend } from '../helpers.js';
import { uniformTensor } from './js_reference.js';

/** ∂/∂x of Σ ∂f/∂x: the diagonal of f's Hessian when f is a sum of element-wise terms. */
const secondDerivative = (f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor) =>
  tf.grad((z: tf.Tensor) => tf.sum(tf.grad((y: tf.Tensor) => tf.sum(f(y)))(z)))(x);

beforeAll(async () => {
  await useBackend('cpu');
});

describe('registerSecondOrderGradients', () => {
  const leakyTimesX = (y: tf.Tensor) => tf.mul(tf.leakyRelu(y, 0.2), y);

  it('stock tfjs 4.22 lacks them', () => {
    expect(tf.getGradient(tf.Greater)).toBeUndefined();
    expect(tf.getGradient(tf.AvgPoolGrad)).toBeUndefined();
    const x = tf.tensor1d([0.5, -2]);
    expect(() => secondDerivative(leakyTimesX, x)).toThrow(/gradient function not found for Greater/);
    x.dispose();
  });

  it('d²/dx² of leakyRelu(x)·x and maximum(x, 0.2x)·x is 2 for x > 0 and 0.4 for x < 0', () => {
    registerSecondOrderGradients();
    const x = tf.tensor1d([0.5, -2, 3, -0.1]);
    const expected = Float32Array.from([2, 0.4, 2, 0.4]);
    for (const f of [leakyTimesX, (y: tf.Tensor) => tf.mul(tf.maximum(y, tf.mul(y, 0.2)), y)]) {
      const g = secondDerivative(f, x);
      expect(maxAbsDiff(g, expected)).toBeLessThan(1e-6);
      g.dispose();
    }
    x.dispose();
  });

  it('avgPool differentiates twice like the equivalent conv with a 1/9 filter', () => {
    registerSecondOrderGradients();
    // P(x) = ½‖∇f(x)‖² with f(x) = ½‖A x‖², so ∇P = AᵀA·AᵀA·x: exercises AvgPoolGrad's gradient.
    const penalty = (pool: (t: tf.Tensor4D) => tf.Tensor) => (x: tf.Tensor) => {
      const inner = tf.grad((y: tf.Tensor) => tf.mul(tf.sum(tf.square(pool(y as tf.Tensor4D))), 0.5))(x);
      return tf.mul(tf.sum(tf.square(inner)), 0.5);
    };
    const x = uniformTensor([2, 7, 7, 1], 5);
    const viaAvgPool = tf.grad(penalty((t) => tf.avgPool(t, 3, 2, 'valid')))(x);
    const viaConv = tf.grad(penalty((t) => tf.conv2d(t, tf.fill([3, 3, 1, 1], 1 / 9) as tf.Tensor4D, 2, 'valid')))(x);
    expect(maxAbsDiff(viaAvgPool, viaConv)).toBeLessThan(1e-6);
    expect(maxAbsDiff(viaAvgPool, tf.zerosLike(x))).toBeGreaterThan(1e-3);
    tf.dispose([x, viaAvgPool, viaConv]);
  });

  it('never replaces a registered gradient and is idempotent', () => {
    const stock = tf.getGradient(tf.GreaterEqual);
    registerSecondOrderGradients();
    const greater = tf.getGradient(tf.Greater);
    registerSecondOrderGradients();
    expect(tf.getGradient(tf.GreaterEqual)).toBe(stock);
    expect(tf.getGradient(tf.Greater)).toBe(greater);
  });
});
