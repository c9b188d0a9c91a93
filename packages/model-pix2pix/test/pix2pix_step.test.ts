/**
 * The pix2pix plugin's losses at the reference fixture's weights equal PyTorch's (pix2pix_step.json).
 * The fixture computes G_GAN with the un-updated D, so D's learning rate is 0 for the check.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tf } from '@translate/core';
import { plugin } from '../src/index.js';
import { BACKENDS, activation, fixturePath, loadReference, useBackend, weightsOf } from '../../core/test/helpers.js';
import { REFERENCE_TRAIN_OPTIONS } from '../../core/test/fixtures/reference_options.js';

const expected = JSON.parse(readFileSync(fixturePath('reference/pix2pix_step.json'), 'utf8')) as { losses: Record<string, number> };

describe.each(BACKENDS)('pix2pix step on %s', (backend) => {
  it('logs the reference losses (rtol 1e-4) and keeps the tensor count constant', async () => {
    await useBackend(backend);
    const opt = { ...REFERENCE_TRAIN_OPTIONS, model: 'pix2pix', netG: 'unet_128', norm: 'batch', gan_mode: 'vanilla', lambda_L1: 100 };
    const model = plugin.create(opt, { isTrain: true });
    model.network('G').loadStateDict(weightsOf(loadReference('unet_128.safetensors')));
    const step = loadReference('pix2pix_step.safetensors');
    model.network('D').loadStateDict(weightsOf(step, 'D'));
    model.optimizers.get('D')!.optimizer.lr = 0;
    const batch = { A: activation(step.get('real_A')!), B: activation(step.get('real_B')!), A_paths: ['a.png'], B_paths: ['a.png'] };
    model.setInput(batch);
    model.optimizeParameters();
    const losses = model.currentLosses();
    for (const name of model.lossNames)
      expect(Math.abs(losses[name]! - expected.losses[name]!) / expected.losses[name]!, name).toBeLessThan(1e-4);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      model.setInput(batch);
      model.optimizeParameters();
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    tf.dispose([batch.A, batch.B]);
  });
});
