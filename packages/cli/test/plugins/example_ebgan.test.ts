/**
 * The worked example (examples/ebgan): a conditional EBGAN plugin written against the public API
 * only. It trains a few steps and is tested through the CLI, its energy auto-encoder learns, and
 * a GAN mode its discriminator cannot serve is refused.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  discriminatorNames,
  initBackend,
  listModels,
  registerDiscriminator,
  registerModel,
  resolveOptions,
  seedEverything,
  tf,
} from '@translate/core';
import { AutoencoderEnergy, EbganModel, autoencoderDiscriminator, ebganModel } from '../../../../examples/ebgan/src/index.js';
import { tempDir, translate } from '../helpers.js';

const plugin = fileURLToPath(new URL('../../../../examples/ebgan/src/index.ts', import.meta.url));
const samples = fileURLToPath(new URL('../../../../samples/edges2photo', import.meta.url));
const tiny = ['--load_size', '32', '--crop_size', '32', '--netG', 'unet_32', '--ngf', '4', '--ndf', '4', '--backend', 'cpu'];

describe('examples/ebgan', () => {
  it('trains a few steps and is tested through translate --plugin', async () => {
    const checkpoints = tempDir();
    const train = await translate([
      'train',
      '--plugin',
      plugin,
      '--model',
      'ebgan',
      '--dataroot',
      samples,
      '--max_dataset_size',
      '2',
      '--n_epochs',
      '2',
      '--n_epochs_decay',
      '0',
      '--print_freq',
      '1',
      '--checkpoints_dir',
      checkpoints,
      '--name',
      'eb',
      ...tiny,
    ]);
    expect(train.stderr).toBe('');
    expect(train.code).toBe(0);
    const log = readFileSync(join(checkpoints, 'eb', 'loss_log.txt'), 'utf8');
    const lines = log.split('\n').filter((line) => line.startsWith('(epoch'));
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).toMatch(/G_energy: [\d.]+ G_L1: [\d.]+ D_real: [\d.]+ D_fake: [\d.]+ $/);
    expect(existsSync(join(checkpoints, 'eb', 'latest_net_D.safetensors'))).toBe(true);

    const results = tempDir();
    const test = await translate([
      'test',
      '--plugin',
      plugin,
      '--model',
      'ebgan',
      '--dataroot',
      samples,
      '--checkpoints_dir',
      checkpoints,
      '--results_dir',
      results,
      '--name',
      'eb',
      '--num_test',
      '1',
      '--load_size',
      '32',
      '--crop_size',
      '32',
      '--backend',
      'cpu',
    ]);
    expect(test.code).toBe(0);
    expect(readdirSync(join(results, 'eb', 'test_latest', 'images')).filter((f) => f.endsWith('_fake_B.png'))).toHaveLength(1);
  });

  it('refuses a --gan_mode other than ebgan', async () => {
    const { code, stderr } = await translate([
      'train',
      '--plugin',
      plugin,
      '--model',
      'ebgan',
      '--gan_mode',
      'lsgan',
      '--dataroot',
      samples,
      '--max_dataset_size',
      '1',
      '--checkpoints_dir',
      tempDir(),
      ...tiny,
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      "translate: The ebgan model's discriminator outputs energies, which only --gan_mode ebgan reads; got --gan_mode lsgan.\n",
    );
  });

  it('the energy is a non-negative [N, H, W, 1] map, and D steps raise the energy of generated pairs', async () => {
    await initBackend('cpu', { log: () => {} });
    seedEverything(1);
    const energy = new AutoencoderEnergy({ inputNc: 6, ndf: 4, norm: 'instance', depth: 3 });
    const x = tf.randomUniform([2, 32, 32, 6], -1, 1) as tf.Tensor4D;
    const map = energy.forward(x);
    expect(map.shape).toEqual([2, 32, 32, 1]);
    expect(tf.min(map).dataSync()[0]).toBeGreaterThanOrEqual(0);
    tf.dispose([x, map]);
    energy.dispose();

    // The plugin as the CLI registers it (unless the CLI test above already did, in this process).
    if (!discriminatorNames().includes('autoencoder')) registerDiscriminator('autoencoder', autoencoderDiscriminator);
    if (!listModels().some(({ plugin }) => plugin.name === 'ebgan')) registerModel(ebganModel);
    const values = { model: 'ebgan', dataroot: 'unused', ngf: 4, ndf: 4, netG: 'unet_32', lr: 0.002 };
    const opt = resolveOptions({ phase: 'train', layers: [{ source: 'the test', values }] }).options;
    const model = new EbganModel(opt, { isTrain: true });
    const batch = { A: tf.randomUniform([1, 32, 32, 3], -1, 1), B: tf.randomUniform([1, 32, 32, 3], -1, 1) };
    const history: Array<Record<string, number>> = [];
    for (let step = 0; step < 20; step++) {
      model.setInput(batch);
      model.optimizeParameters();
      history.push(model.currentLosses());
    }
    // D's objective falls, mostly by raising the energy of generated pairs towards the margin.
    const dLoss = history.map((l) => l.D_real! + l.D_fake!);
    expect(dLoss.at(-1)!).toBeLessThan(0.75 * dLoss[0]!);
    expect(history.at(-1)!.G_energy!).toBeGreaterThan(2 * history[0]!.G_energy!);
    model.dispose();
    tf.dispose([batch.A, batch.B]);
  });
});
