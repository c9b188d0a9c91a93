/**
 * `translate train --model gaugan` on samples/mosaic through the CLI in-process (tiny ngf/ndf,
 * 32 px, once with --no_vgg_loss and once with a seeded random VGG file, once with --use_vae),
 * then `translate test`, which writes synthesized images and colourised label maps, in eval mode
 * unless `--eval false`; with `--style_image` a VAE model takes the style of the given photo.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vgg19Features, seedEverything, writeSafetensors, decodeImage, resizeNearest } from '@translate/core';
import { main } from '../../cli/src/main.js';
import { labelColormap } from '../src/index.js';

const MOSAIC = 'samples/mosaic';

async function translate(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const write = (t: string) => {
    out += t;
  };
  const code = await main(argv, { stdout: write, stderr: write, env: {} });
  return { code, out };
}

function common(dir: string, name: string, extra: string[] = []): string[] {
  return [
    '--model',
    'gaugan',
    '--dataroot',
    MOSAIC,
    '--label_nc',
    '5',
    '--crop_size',
    '32',
    '--ngf',
    '4',
    '--ndf',
    '4',
    '--checkpoints_dir',
    join(dir, 'checkpoints'),
    '--name',
    name,
    '--backend',
    'wasm',
    '--num_threads',
    '1',
    ...extra,
  ];
}

function trainArgs(dir: string, name: string, extra: string[]): string[] {
  return [
    'train',
    ...common(dir, name, extra),
    '--load_size',
    '36',
    '--n_epochs',
    '1',
    '--n_epochs_decay',
    '0',
    '--max_dataset_size',
    '2',
    '--print_freq',
    '1',
    '--display_freq',
    '1',
  ];
}

function testArgs(dir: string, name: string, extra: string[] = [], results = 'results'): string[] {
  return ['test', ...common(dir, name, extra), '--load_size', '32', '--results_dir', join(dir, results), '--num_test', '2'];
}

describe('translate train/test --model gaugan on samples/mosaic', () => {
  it('trains with --no_vgg_loss, then test writes synthesized images and label maps coloured with labelcolormap(label_nc + 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gaugan-cli-'));
    const train = await translate(trainArgs(dir, 'plain', ['--no_vgg_loss']));
    expect(train.code, train.out).toBe(0);
    const log = readFileSync(join(dir, 'checkpoints', 'plain', 'loss_log.txt'), 'utf8');
    expect(log).toMatch(/GAN: [\d.-]+ GAN_Feat: [\d.-]+ D_Fake: [\d.-]+ D_real: [\d.-]+/);
    for (const net of ['G', 'D']) expect(existsSync(join(dir, 'checkpoints', 'plain', `latest_net_${net}.safetensors`))).toBe(true);
    expect(existsSync(join(dir, 'checkpoints', 'plain', 'web', 'images', 'epoch001_input_label.png'))).toBe(true);

    const test = await translate(testArgs(dir, 'plain'));
    expect(test.code, test.out).toBe(0);
    const images = join(dir, 'results', 'plain', 'test_latest', 'images');
    const synthesized = await decodeImage(join(images, 'mosaic_0001_synthesized_image.png'));
    expect([synthesized.width, synthesized.height, synthesized.channels]).toEqual([32, 32, 3]);
    expect(existsSync(join(images, 'mosaic_0003_synthesized_image.png'))).toBe(true);
    // The label map as the test loader reads it (PIL-nearest 64 → 32), coloured independently.
    const label = resizeNearest(await decodeImage(join(MOSAIC, 'test_label', 'mosaic_0001.png')), 32, 32);
    const colors = labelColormap(7);
    const written = await decodeImage(join(images, 'mosaic_0001_input_label.png'));
    const expected = Uint8Array.from([...label.data].flatMap((id) => colors[id]!));
    expect(Buffer.from(written.data).equals(Buffer.from(expected))).toBe(true);
    expect(new Set(label.data).size).toBeGreaterThan(1);
  });

  it('test runs in eval mode by default (batches of 2 match batch 1: running statistics), --eval false in train mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gaugan-cli-eval-'));
    const train = await translate(trainArgs(dir, 'eval', ['--no_vgg_loss']));
    expect(train.code, train.out).toBe(0);
    const run = async (results: string, extra: string[]) => {
      const test = await translate(testArgs(dir, 'eval', extra, results));
      expect(test.code, test.out).toBe(0);
      return test.out;
    };
    const batched = await run('batched', ['--batch_size', '2']);
    expect(batched).toMatch(/^ {21}eval: True {26}$/m);
    expect(batched).toContain('Wrote 2 results');
    await run('single', []);
    const trainMode = await run('train_mode', ['--eval', 'false']);
    expect(trainMode).toMatch(/^ {21}eval: False {25}\t\[default: True\]$/m);
    const image = async (results: string, stem: string) =>
      (await decodeImage(join(dir, results, 'eval', 'test_latest', 'images', `${stem}_synthesized_image.png`))).data;
    const worst = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    for (const stem of ['mosaic_0001', 'mosaic_0003']) {
      expect(worst(await image('batched', stem), await image('single', stem)), stem).toBeLessThanOrEqual(1);
      // Batch statistics instead of running ones (and a power iteration): a few levels apart after two training steps.
      expect(worst(await image('train_mode', stem), await image('single', stem)), stem).toBeGreaterThan(2);
    }
  });

  it('trains with a seeded random VGG19 file (--vgg_weights): the VGG loss is logged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gaugan-cli-vgg-'));
    seedEverything(3);
    const vgg = new Vgg19Features();
    const file = join(dir, 'random_vgg19.safetensors');
    writeFileSync(file, writeSafetensors(vgg.stateDict()));
    vgg.dispose();
    const train = await translate(trainArgs(dir, 'vgg', ['--vgg_weights', file]));
    expect(train.code, train.out).toBe(0);
    expect(readFileSync(join(dir, 'checkpoints', 'vgg', 'loss_log.txt'), 'utf8')).toMatch(/VGG: [\d.]+/);
  });

  it('with --use_vae: trains the encoder (KLD logged, net_E saved); test --style_image writes images; a missing style file is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gaugan-cli-vae-'));
    const vae = ['--use_vae', '--z_dim', '16'];
    const train = await translate(trainArgs(dir, 'vae', [...vae, '--no_vgg_loss']));
    expect(train.code, train.out).toBe(0);
    expect(readFileSync(join(dir, 'checkpoints', 'vae', 'loss_log.txt'), 'utf8')).toMatch(/KLD: [\d.]+/);
    expect(existsSync(join(dir, 'checkpoints', 'vae', 'latest_net_E.safetensors'))).toBe(true);
    const test = await translate(testArgs(dir, 'vae', [...vae, '--style_image', join(MOSAIC, 'train_img', 'mosaic_0000.jpg')]));
    expect(test.code, test.out).toBe(0);
    expect(existsSync(join(dir, 'results', 'vae', 'test_latest', 'images', 'mosaic_0001_synthesized_image.png'))).toBe(true);
    const bad = await translate(testArgs(dir, 'vae', [...vae, '--style_image', join(dir, 'missing.jpg')]));
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/--style_image .*missing\.jpg does not exist/);
  });
});
