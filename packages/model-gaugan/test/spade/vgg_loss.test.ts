/** SPADE's VGG loss (layers relu1_1…relu5_1, weights 1/32…1, real detached) on a seeded random VGG19. */
import { describe, expect, it } from 'vitest';
import { Vgg19Features, seedEverything, tf } from '@translate/core';
import { VGGLoss } from '../../src/spade/index.js';
import { useBackend } from '../../../core/test/helpers.js';

describe('VGGLoss', () => {
  it('is Σ w_k·mean|φ_k(fake) − φ_k(real)| over relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 with w = 1/32, 1/16, 1/8, 1/4, 1', async () => {
    await useBackend('wasm');
    seedEverything(7);
    const vgg = new Vgg19Features();
    const fake = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const real = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 2) as tf.Tensor4D;
    const value = new VGGLoss(vgg).loss(fake, real);
    // Independent: each layer through `layerOutputs` on its own (torchvision indices 1, 6, 11, 20, 29), L1 in float64.
    const expected = (
      [
        ['relu1_1', 1 / 32],
        ['relu2_1', 1 / 16],
        ['relu3_1', 1 / 8],
        ['relu4_1', 1 / 4],
        ['relu5_1', 1],
      ] as const
    ).reduce((sum, [layer, w]) => {
      const [a] = vgg.layerOutputs(fake, [layer]);
      const [b] = vgg.layerOutputs(real, [layer]);
      const x = a!.dataSync();
      const y = b!.dataSync();
      let l1 = 0;
      for (let i = 0; i < x.length; i++) l1 += Math.abs(x[i]! - y[i]!);
      tf.dispose([a!, b!]);
      return sum + (w * l1) / x.length;
    }, 0);
    expect(Math.abs(value.dataSync()[0]! - expected)).toBeLessThan(1e-5 * Math.max(1, expected));
    // No gradient reaches the real image; the fake gets one.
    const [f, r] = [tf.variable(fake), tf.variable(real)];
    const { value: again, grads } = tf.variableGrads(() => new VGGLoss(vgg).loss(f as tf.Tensor4D, r as tf.Tensor4D), [f, r]);
    expect(grads[r.name]).toBeUndefined();
    expect(tf.max(tf.abs(grads[f.name]!)).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([fake, real, value, again, f, r, ...Object.values(grads)]);
    vgg.dispose();
  });

  it('with imagenetNormalize, feeds ((x + 1) / 2 − mean) / std', async () => {
    await useBackend('wasm');
    seedEverything(8);
    const vgg = new Vgg19Features();
    const fake = tf.randomUniform([1, 16, 16, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    const real = tf.randomUniform([1, 16, 16, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
    const norm = (x: tf.Tensor4D) =>
      tf.div(tf.sub(tf.div(tf.add(x, 1), 2), tf.tensor1d([0.485, 0.456, 0.406])), tf.tensor1d([0.229, 0.224, 0.225])) as tf.Tensor4D;
    const a = new VGGLoss(vgg, { imagenetNormalize: true }).loss(fake, real).dataSync()[0]!;
    const b = new VGGLoss(vgg).loss(norm(fake), norm(real)).dataSync()[0]!;
    expect(Math.abs(a - b)).toBeLessThan(1e-5 * Math.max(1, b));
    tf.dispose([fake, real]);
    vgg.dispose();
  });
});
