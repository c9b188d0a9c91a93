/**
 * SPADE's dataset modes through the CLI: the defaults `--model gaugan --dataset_mode <mode>`
 * resolves to, SPADE's `--preprocess_mode` spelling, and a tiny GauGAN trained and tested on a
 * `custom` dataset built here.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveOptions, resolveSchema, type OptionLayer, type Phase, decodeImage, writeImage } from '@translate/core';
import { getDatasetMode } from '@translate/datasets';
import { registerBuiltinModels } from '../src/builtins.js';
import { addOptionFlags, commandLineValues } from '../src/option_flags.js';
import { tempDir, translate } from './helpers.js';

beforeAll(registerBuiltinModels);

const cli = (values: Record<string, unknown>): OptionLayer => ({ source: 'the command line', commandLine: true, values });
const resolve = (phase: Phase, values: Record<string, unknown>) =>
  resolveOptions({ phase, layers: [cli({ dataroot: 'd', ...values })], datasetMode: getDatasetMode }).options;

/** The options `translate <phase> <argv>` resolves to, parsed by the same commander flags as the CLI's. */
function parsed(phase: Phase, argv: string[]) {
  const chosen = cli({ model: 'gaugan', dataset_mode: 'cityscapes' });
  const set = resolveSchema({ phase, layers: [chosen], datasetMode: getDatasetMode });
  const command = new Command(phase).exitOverride();
  addOptionFlags(command, set);
  command.parse(['--model', 'gaugan', '--dataset_mode', 'cityscapes', '--dataroot', 'd', ...argv], { from: 'user' });
  return resolveOptions({ phase, layers: [cli(commandLineValues(command, set))], datasetMode: getDatasetMode }).options;
}

describe("SPADE's dataset modes: defaults", () => {
  it('--model gaugan --dataset_mode cityscapes when testing: fixed 512, aspect ratio 2, label_nc 35, more upsampling, batch 16', () => {
    expect(resolve('test', { model: 'gaugan', dataset_mode: 'cityscapes' })).toMatchObject({
      preprocess: 'fixed',
      load_size: 512,
      crop_size: 512,
      aspect_ratio: 2,
      label_nc: 35,
      num_upsampling_layers: 'more',
      batch_size: 16,
      display_winsize: 512,
    });
  });

  it('coco: load_size 286 when training, 256 when testing; a flag still overrides', () => {
    expect(resolve('train', { model: 'gaugan', dataset_mode: 'coco' })).toMatchObject({
      load_size: 286,
      crop_size: 256,
      label_nc: 182,
      contain_dontcare_label: true,
    });
    expect(resolve('test', { model: 'gaugan', dataset_mode: 'coco' })).toMatchObject({ load_size: 256, crop_size: 256 });
    expect(resolve('test', { model: 'gaugan', dataset_mode: 'coco', load_size: '300', label_nc: '10' })).toMatchObject({
      load_size: 300,
      label_nc: 10,
    });
  });

  it("a mode's default for an option the model lacks is skipped", () => {
    expect(resolve('test', { model: 'pix2pix', dataset_mode: 'cityscapes' })).not.toHaveProperty('num_upsampling_layers');
  });
});

describe('--preprocess_mode (SPADE) is --preprocess', () => {
  it('both spellings give the same options, printed under --preprocess', () => {
    const spade = parsed('test', ['--preprocess_mode', 'scale_width']);
    expect(spade).toEqual(parsed('test', ['--preprocess', 'scale_width']));
    expect(spade.preprocess).toBe('scale_width');
    expect(spade).not.toHaveProperty('preprocess_mode');
  });

  it('the help shows both names on one line', async () => {
    const { code, stdout } = await translate(['test', '--model', 'gaugan', '--dataset_mode', 'cityscapes', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--preprocess, --preprocess_mode <value> +scaling and cropping of images at load time/);
    expect(stdout).toContain(
      '(choices: resize_and_crop, crop, scale_width, scale_width_and_crop, none, scale_shortside, scale_shortside_and_crop, fixed; default: fixed)',
    );
    expect(stdout).not.toMatch(/^ *--preprocess_mode/m);
  });
});

describe('translate train/test --model gaugan --dataset_mode custom', () => {
  it('trains a tiny GauGAN on --label_dir/--image_dir, then test writes one image per photo, named after it', async () => {
    const dir = tempDir();
    const [labels, photos] = [join(dir, 'labels'), join(dir, 'photos')];
    for (let k = 0; k < 3; k++) {
      const label = Uint8Array.from({ length: 64 * 64 }, (_, i) => (((i % 64) >> 4) + k) % 5);
      const photo = Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * (k + 3)) % 256);
      await writeImage(join(labels, `scene_${k}.png`), { data: label, width: 64, height: 64, channels: 1 });
      await writeImage(join(photos, `scene_${k}.jpg`), { data: photo, width: 64, height: 64, channels: 3 });
    }
    const data = [
      '--model',
      'gaugan',
      '--dataset_mode',
      'custom',
      '--label_dir',
      labels,
      '--image_dir',
      photos,
      '--label_nc',
      '5',
      '--no_instance',
      '--ngf',
      '4',
      '--crop_size',
      '64',
      '--load_size',
      '64',
    ];
    const run = ['--name', 'custom', '--checkpoints_dir', join(dir, 'checkpoints'), '--backend', 'wasm', '--num_threads', '1'];
    const train = await translate([
      'train',
      ...data,
      ...run,
      '--ndf',
      '4',
      '--preprocess_mode',
      'fixed',
      '--n_epochs',
      '1',
      '--n_epochs_decay',
      '0',
      '--no_vgg_loss',
      '--max_dataset_size',
      '2',
    ]);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/^ {15}preprocess: fixed {25}\t\[default: resize_and_crop\]$/m);
    expect(existsSync(join(dir, 'checkpoints', 'custom', 'latest_net_G.safetensors'))).toBe(true);

    const test = await translate(['test', ...data, ...run, '--results_dir', join(dir, 'results'), '--num_test', '3']);
    expect(test.code, test.stderr).toBe(0);
    expect(test.stdout).toMatch(/^ {13}dataset_mode: custom /m);
    const images = join(dir, 'results', 'custom', 'test_latest', 'images');
    for (let k = 0; k < 3; k++) {
      const synthesized = await decodeImage(join(images, `scene_${k}_synthesized_image.png`));
      expect([synthesized.width, synthesized.height, synthesized.channels]).toEqual([64, 64, 3]);
    }
  });
});
