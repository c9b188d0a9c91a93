/** `--model colorization` end to end on samples/sr (RGB photos in train/ and val/): train, then test with RGB visuals. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLES, tempDir, translate } from './helpers.js';

describe('translate train/test --model colorization', () => {
  it('trains L → ab on photos and writes the L input and the true and generated RGB images', async () => {
    const dir = tempDir();
    const common = [
      '--model',
      'colorization',
      '--dataroot',
      join(SAMPLES, 'sr'),
      '--name',
      'color',
      '--checkpoints_dir',
      dir,
      '--ngf',
      '4',
      '--ndf',
      '4',
      '--backend',
      'wasm',
    ];
    const train = await translate([
      'train',
      ...common,
      '--netG',
      'unet_32',
      '--load_size',
      '36',
      '--crop_size',
      '32',
      '--max_dataset_size',
      '2',
      '--n_epochs',
      '1',
      '--n_epochs_decay',
      '0',
      '--print_freq',
      '1',
      '--display_freq',
      '1',
    ]);
    expect(train.code, train.stderr).toBe(0);
    expect(readFileSync(join(dir, 'color', 'train_opt.txt'), 'utf8')).toMatch(
      /dataset_mode: colorization[\s\S]*input_nc: 1[\s\S]*output_nc: 2/,
    );
    expect(readFileSync(join(dir, 'color', 'loss_log.txt'), 'utf8')).toMatch(/G_GAN: [\d.]+ G_L1: [\d.]+ D_real: [\d.]+ D_fake: [\d.]+/);
    expect(readdirSync(join(dir, 'color', 'web', 'images')).sort()).toEqual([
      'epoch001_fake_B_rgb.png',
      'epoch001_real_A.png',
      'epoch001_real_B_rgb.png',
    ]);

    const results = join(dir, 'results');
    const test = await translate(['test', ...common, '--phase', 'val', '--crop_size', '32', '--num_test', '2', '--results_dir', results]);
    expect(test.code, test.stderr).toBe(0);
    const page = join(results, 'color', 'val_latest');
    expect(readdirSync(join(page, 'images')).sort()).toEqual(
      ['skimage_astronaut_0', 'skimage_astronaut_1'].flatMap((stem) =>
        ['fake_B_rgb', 'real_A', 'real_B_rgb'].map((visual) => `${stem}_${visual}.png`),
      ),
    );
    expect(readFileSync(join(page, 'index.html'), 'utf8')).toContain('images/skimage_astronaut_0_real_B_rgb.png');
  });
});
