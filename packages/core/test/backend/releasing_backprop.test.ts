/**
 * The backward pass that frees as it goes (installed by initBackend): same gradients as the
 * analytic ones, nothing leaked, and while the first op of a long chain computes its gradient only
 * a few chain-sized tensors are alive (tfjs' own kept every intermediate gradient and every saved
 * activation until the end).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { BACKENDS, useBackend } from '../helpers.js';

const N = 50_000;
const DEPTH = 30;

describe.each(BACKENDS)('releasing backprop on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('frees gradients and saved tensors as it walks back a 30-op chain', () => {
    const x = tf.randomUniform([N], -1, 1, 'float32', 3);
    let bytesAtFirstOp = 0;
    // An identity whose gradient records the memory when backprop reaches the start of the chain.
    const probe = tf.customGrad(((v: tf.Tensor) => ({
      value: tf.clone(v),
      gradFunc: (dy: tf.Tensor) => {
        bytesAtFirstOp = tf.memory().numBytes;
        return tf.clone(dy);
      },
    })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (v: tf.Tensor) => tf.Tensor;
    const before = tf.memory().numTensors;
    const base = tf.memory().numBytes;
    const g = tf.grad((v: tf.Tensor) => {
      let h = probe(v);
      for (let i = 0; i < DEPTH; i++) h = tf.mul(tf.sin(h), 1.01);
      return tf.sum(h);
    })(x);
    // d/dx of the chain, computed forward: Π 1.01·cos(h_i).
    const expected = tf.tidy(() => {
      let h = x as tf.Tensor;
      let d = tf.onesLike(x);
      for (let i = 0; i < DEPTH; i++) {
        d = tf.mul(d, tf.mul(tf.cos(h), 1.01));
        h = tf.mul(tf.sin(h), 1.01);
      }
      return d;
    });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(g, expected))).dataSync()[0])).toBeLessThan(1e-5);
    const chainTensors = (bytesAtFirstOp - base) / (N * 4);
    // Alive then: dy, the probe's saved input, a handful of temporaries — not the ~90 tensors
    // (30 sin inputs, 30 cos-grad gradients, 30 mul gradients) tfjs' own backward held at this point.
    expect(chainTensors).toBeLessThan(8);
    tf.dispose([g, expected, x]);
    expect(tf.memory().numTensors).toBe(before - 1);
  });
});
