import { existsSync, mkdtempSync, readFileSync, readdirSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerModel, listModels } from '../../src/model/plugin.js';
import { testModelPlugin } from '../../src/model/test_model.js';
import { trainModel } from '../../src/engine/train.js';
import { testModel } from '../../src/engine/test.js';
import { readManifest } from '../../src/engine/checkpoint.js';
import { readSafetensors } from '../../src/interop/safetensors.js';
import { seedEverything } from '../../src/random.js';
import type { Options } from '../../src/options/schema.js';
import { TINY_OPTIONS, tinyPlugin } from './tiny_model.js';
import { memoryData } from './memory_data.js';
import { activation, fixturePath, loadReference, useBackend } from '../helpers.js';
import sharp from 'sharp';

if (!listModels().some(({ plugin }) => plugin.name === 'tiny')) registerModel(tinyPlugin, 'engine tests');
if (!listModels().some(({ plugin }) => plugin.name === 'test')) registerModel(testModelPlugin, 'core');

function trainOptions(dir: string, overrides: Options = {}): Options {
  return {
    ...TINY_OPTIONS,
    checkpoints_dir: dir,
    name: 'run',
    epoch_count: 1,
    n_epochs: 2,
    n_epochs_decay: 1,
    print_freq: 2,
    display_freq: 3,
    update_html_freq: 3,
    verbose: false,
    save_latest_freq: 4,
    save_epoch_freq: 1,
    save_by_iter: false,
    continue_train: false,
    dry_run: false,
    epoch: 'latest',
    load_iter: 0,
    no_html: false,
    tensorboard: false,
    use_wandb: false,
    wandb_project_name: 'CycleGAN-and-pix2pix',
    display_winsize: 64,
    lr_policy: 'linear',
    lr_decay_iters: 50,
    ...overrides,
  };
}

const quiet = () => undefined;
const weightsOf = (dir: string, label: string) =>
  readSafetensors(new Uint8Array(readFileSync(join(dir, 'run', `${label}_net_G.safetensors`)))).tensors;

describe('training loop', () => {
  it('writes the reference outputs: loss log, web page, epoch and latest checkpoints', async () => {
    await useBackend('wasm');
    seedEverything(3);
    const dir = mkdtempSync(join(tmpdir(), 'translate-train-'));
    const lines: string[] = [];
    const result = await trainModel(trainOptions(dir), { data: memoryData(5, 16), log: (l) => lines.push(l) });
    expect(result.interrupted).toBe(false);
    const run = join(dir, 'run');
    const files = readdirSync(run);
    for (const label of ['latest', '1', '2', '3']) expect(files).toContain(`${label}_net_G.safetensors`);
    const log = readFileSync(join(run, 'loss_log.txt'), 'utf8').split('\n');
    expect(log[0]).toMatch(/^================ Training Loss \(.+\) ================$/);
    // 5 images per epoch, print every 2 images: iters 2, 4 in epoch 1; 1 (total 6), 3 (8), 5 (10) in epoch 2; ...
    expect(log.filter((l) => l.startsWith('(epoch: 1,')).map((l) => /iters: (\d+)/.exec(l)![1])).toEqual(['2', '4']);
    expect(log[1]).toMatch(/^\(epoch: 1, iters: 2, time: \d+\.\d{3}, data: \d+\.\d{3}\) L1: \d+\.\d{3} $/);
    const html = readFileSync(join(run, 'web', 'index.html'), 'utf8');
    expect(html).toContain('Experiment name = run');
    expect(html).toContain('<svg');
    expect(html).toContain('images/epoch003_fake_B.png');
    expect(existsSync(join(run, 'web', 'images', 'epoch001_real_A.png'))).toBe(true);
    expect(readManifest(run, 'latest')!.progress).toEqual({ epoch: 4, epochIter: 0, totalIters: 15 });
    expect(lines).toContain('learning rate 0.0010000 -> 0.0005000');
  });

  it('rewrites web/ at the first display, then only at displays where update_html_freq divides the iteration, as the reference', async () => {
    await useBackend('wasm');
    const dir = mkdtempSync(join(tmpdir(), 'translate-html-'));
    // 5 images per epoch, displays at iterations 3, 6, 9, 12, 15: web/ at 3 (the first, epoch 1) and 9 (epoch 2).
    await trainModel(trainOptions(dir, { update_html_freq: 9 }), { data: memoryData(5, 16), log: quiet });
    const html = readFileSync(join(dir, 'run', 'web', 'index.html'), 'utf8');
    expect(html).toContain('images/epoch002_fake_B.png');
    expect(html).not.toContain('epoch003');
    expect(readdirSync(join(dir, 'run', 'web', 'images')).filter((f) => f.endsWith('_fake_B.png'))).toEqual([
      'epoch001_fake_B.png',
      'epoch002_fake_B.png',
    ]);
  });

  it('an interrupted run resumed with continue_train ends with the same weights as an uninterrupted one', async () => {
    await useBackend('wasm');
    const straightDir = mkdtempSync(join(tmpdir(), 'translate-straight-'));
    seedEverything(11);
    await trainModel(trainOptions(straightDir), { data: memoryData(5, 16), log: quiet });

    const resumedDir = mkdtempSync(join(tmpdir(), 'translate-resumed-'));
    seedEverything(11);
    const controller = new AbortController();
    let steps = 0;
    const data = memoryData(5, 16);
    const counting = {
      ...data,
      async *epoch(epoch: number, skip?: number) {
        for await (const item of data.epoch(epoch, skip)) {
          if (++steps === 7) controller.abort();
          yield item;
        }
      },
    };
    const first = await trainModel(trainOptions(resumedDir), { data: counting, log: quiet, signal: controller.signal });
    expect(first.interrupted).toBe(true);
    expect(first.progress).toMatchObject({ epoch: 2, epochIter: 2, totalIters: 7 });
    seedEverything(999); // the resumed run must restore the RNG from the checkpoint, not rely on the seed
    const second = await trainModel(trainOptions(resumedDir, { continue_train: true }), { data: memoryData(5, 16), log: quiet });
    expect(second.interrupted).toBe(false);
    const [a, b] = [weightsOf(straightDir, 'latest'), weightsOf(resumedDir, 'latest')];
    for (const [key, raw] of a) expect(b.get(key)!.data, key).toEqual(raw.data);
    const [oa, ob] = [straightDir, resumedDir].map((d) => readFileSync(join(d, 'run', 'latest_optim_G.safetensors')));
    expect(Buffer.compare(oa!, ob!)).toBe(0);
  });
});

describe('test loop', () => {
  it('the test model on a reference latest_net_G.pth writes the reference output image (within 1/255)', async () => {
    await useBackend('wasm');
    const dir = mkdtempSync(join(tmpdir(), 'translate-test-'));
    mkdirSync(join(dir, 'pretrained'));
    copyFileSync(fixturePath('reference/resnet_9blocks.pth'), join(dir, 'pretrained', 'latest_net_G.pth'));
    const reference = loadReference('resnet_9blocks.safetensors');
    const input = activation(reference.get('input')!);
    const data = {
      size: 1,
      batchSize: 1,
      async *epoch() {
        yield { batch: { A: input.clone(), A_paths: ['/data/photo.png'] }, waitMs: 0 };
      },
    };
    const opt: Options = {
      model: 'test',
      model_suffix: '',
      checkpoints_dir: dir,
      name: 'pretrained',
      results_dir: join(dir, 'results'),
      phase: 'test',
      epoch: 'latest',
      load_iter: 0,
      num_test: 50,
      eval: false,
      verbose: false,
      aspect_ratio: 1,
      display_winsize: 256,
      netG: 'resnet_9blocks',
      norm: 'instance',
      no_dropout: true,
      ngf: 8,
      input_nc: 3,
      output_nc: 3,
      init_type: 'normal',
      init_gain: 0.02,
    };
    const result = await testModel(opt, { data, log: quiet });
    expect(result).toEqual({ webDir: join(dir, 'results', 'pretrained', 'test_latest'), images: 1 });
    expect(readFileSync(join(result.webDir, 'index.html'), 'utf8')).toContain('Experiment = pretrained, Phase = test, Epoch = latest');
    const png = await sharp(join(result.webDir, 'images', 'photo_fake.png'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(png.info).toMatchObject({ width: 64, height: 64, channels: 3 });
    // The reference's tensor2im of its stored output: (x + 1) / 2 · 255 truncated, NCHW → HWC.
    const out = reference.get('output')!.data as Float32Array;
    let worst = 0;
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < 64 * 64; p++)
        worst = Math.max(worst, Math.abs(png.data[p * 3 + c]! - Math.trunc(((out[c * 4096 + p]! + 1) / 2) * 255)));
    expect(worst).toBeLessThanOrEqual(1);
    input.dispose();
  });
});
