/** The CycleGAN plugin's losses at the reference fixture's weights equal PyTorch's (cyclegan_step.json). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tf } from '@translate/core';
import { plugin } from '../src/index.js';
import { BACKENDS, activation, fixturePath, loadReference, useBackend, weightsOf } from '../../core/test/helpers.js';
import { REFERENCE_TRAIN_OPTIONS } from '../../core/test/fixtures/reference_options.js';

const expected = JSON.parse(readFileSync(fixturePath('reference/cyclegan_step.json'), 'utf8')) as { losses: Record<string, number> };

function referenceModel() {
  const opt = {
    ...REFERENCE_TRAIN_OPTIONS,
    model: 'cyclegan',
    netG: 'resnet_9blocks',
    norm: 'instance',
    gan_mode: 'lsgan',
    lambda_A: 10,
    lambda_B: 10,
    lambda_identity: 0.5,
  };
  const model = plugin.create(opt, { isTrain: true });
  const step = loadReference('cyclegan_step.safetensors');
  model.network('G_A').loadStateDict(weightsOf(loadReference('resnet_9blocks.safetensors')));
  model.network('D_A').loadStateDict(weightsOf(loadReference('basic_D.safetensors')));
  model.network('G_B').loadStateDict(weightsOf(step, 'G_B'));
  model.network('D_B').loadStateDict(weightsOf(step, 'D_B'));
  const batch = { A: activation(step.get('real_A')!), B: activation(step.get('real_B')!), A_paths: ['a.png'], B_paths: ['b.png'] };
  return { model, batch };
}

describe.each(BACKENDS)('CycleGAN step on %s', (backend) => {
  it('logs the reference losses (rtol 1e-4) and keeps the tensor count constant', async () => {
    await useBackend(backend);
    const { model, batch } = referenceModel();
    model.setInput(batch);
    model.optimizeParameters();
    const losses = model.currentLosses();
    for (const name of model.lossNames)
      expect(Math.abs(losses[name]! - expected.losses[name]!) / expected.losses[name]!, name).toBeLessThan(1e-4);
    const total = ['G_A', 'G_B', 'cycle_A', 'cycle_B', 'idt_A', 'idt_B'].reduce((s, k) => s + losses[k]!, 0);
    expect(Math.abs(total - expected.losses.G!) / expected.losses.G!).toBeLessThan(1e-4);
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
