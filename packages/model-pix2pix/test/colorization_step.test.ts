/**
 * The colorization plugin: pix2pix's training step on L → ab with a constant tensor count, RGB
 * visuals that equal the reference model's (colorization_dataset.json in
 * packages/datasets/test/fixtures/colorization), and its pix2pix defaults.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tf } from '@translate/core';
import { colorizationPlugin, plugin as pix2pix } from '../src/index.js';
import { BACKENDS, maxAbsDiff, useBackend } from '../../core/test/helpers.js';
import { REFERENCE_TRAIN_OPTIONS } from '../../core/test/fixtures/reference_options.js';

const reference = JSON.parse(
  readFileSync(new URL('../../datasets/test/fixtures/colorization/colorization_dataset.json', import.meta.url), 'utf8'),
) as {
  width: number;
  height: number;
  A: number[];
  B: number[];
  rgb: number[];
};

const OPTIONS = {
  ...REFERENCE_TRAIN_OPTIONS,
  model: 'colorization',
  input_nc: 1,
  output_nc: 2,
  ngf: 4,
  ndf: 4,
  norm: 'batch',
  gan_mode: 'vanilla',
  lambda_L1: 100,
};

describe.each(BACKENDS)('colorization on %s', (backend) => {
  it('trains (all four losses logged) with a constant tensor count, visuals included', async () => {
    await useBackend(backend);
    const model = colorizationPlugin.create({ ...OPTIONS, netG: 'unet_32' }, { isTrain: true });
    const batch = {
      A: tf.randomUniform([2, 32, 32, 1], -1, 1, 'float32', 1) as tf.Tensor4D,
      B: tf.randomUniform([2, 32, 32, 2], -0.5, 0.5, 'float32', 2) as tf.Tensor4D,
      A_paths: ['a.png', 'b.png'],
    };
    const step = () => {
      model.setInput(batch);
      model.optimizeParameters();
      model.computeVisuals();
    };
    step();
    const losses = model.currentLosses();
    expect(Object.keys(losses)).toEqual(['G_GAN', 'G_L1', 'D_real', 'D_fake']);
    for (const value of Object.values(losses)) expect(Number.isFinite(value)).toBe(true);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    const visuals = model.currentVisuals();
    expect(Object.entries(visuals).map(([name, t]) => [name, t.shape])).toEqual([
      ['real_A', [2, 32, 32, 1]],
      ['real_B_rgb', [2, 32, 32, 3]],
      ['fake_B_rgb', [2, 32, 32, 3]],
    ]);
    model.dispose();
    tf.dispose([batch.A, batch.B]);
  });

  it("shows the reference model's RGB visual of the true ab, and RGB for the generated one", async () => {
    await useBackend(backend);
    const { width, height } = reference;
    const model = colorizationPlugin.create({ ...OPTIONS, netG: 'resnet_6blocks' }, { isTrain: false });
    const batch = {
      A: tf.tensor4d(reference.A, [1, height, width, 1]),
      B: tf.tensor4d(reference.B, [1, height, width, 2]),
      A_paths: ['chelsea.png'],
    };
    model.setInput(batch);
    model.test();
    model.computeVisuals();
    const visuals = model.currentVisuals();
    const unit = Float32Array.from(visuals.real_B_rgb!.dataSync(), (v) => (v + 1) / 2);
    expect(
      maxAbsDiff(
        unit,
        Float32Array.from(reference.rgb, (v) => v / 255),
      ),
    ).toBeLessThan(1e-4);
    expect(visuals.fake_B_rgb!.shape).toEqual([1, height, width, 3]);
    expect(maxAbsDiff(visuals.real_A!, batch.A)).toBe(0);
    model.dispose();
    tf.dispose([batch.A, batch.B]);
  });
});

describe('colorization plugin', () => {
  it("has pix2pix's options and defaults, on the colorization dataset", () => {
    expect(colorizationPlugin.options).toEqual(pix2pix.options);
    expect(colorizationPlugin.defaults).toEqual({ norm: 'batch', netG: 'unet_256', dataset_mode: 'colorization' });
    expect(colorizationPlugin.trainDefaults).toEqual({ pool_size: 0, gan_mode: 'vanilla' });
  });

  it('refuses channels other than L in, ab out, naming the flags', () => {
    expect(() => colorizationPlugin.create({ ...OPTIONS, netG: 'unet_32', output_nc: 3 }, { isTrain: false })).toThrow(
      "--model colorization maps the L channel to the ab channels of Lab images, so it needs --input_nc 1 --output_nc 2 (the colorization dataset's defaults); got --input_nc 1 --output_nc 3. Use --dataset_mode colorization and leave these flags out.",
    );
  });
});
