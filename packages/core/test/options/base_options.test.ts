import { describe, expect, it } from 'vitest';
import { BASE_OPTIONS, TEST_DEFAULTS, TEST_OPTIONS, TRAIN_OPTIONS } from '../../src/options/base_options.js';
import type { OptionSchema } from '../../src/options/schema.js';

const defaults = (schema: OptionSchema) => Object.fromEntries(Object.entries(schema).map(([k, s]) => [k, s.default]));

describe('reference option schemas (docs/reference.md §1.3)', () => {
  it('BaseOptions: the reference defaults, plus backend and seed, and gpu_ids accepted without effect', () => {
    expect(defaults(BASE_OPTIONS)).toEqual({
      dataroot: undefined,
      name: 'experiment_name',
      checkpoints_dir: './checkpoints',
      backend: 'auto',
      seed: 0,
      model: 'cyclegan',
      input_nc: 3,
      output_nc: 3,
      ngf: 64,
      ndf: 64,
      netD: 'basic',
      netG: 'resnet_9blocks',
      n_layers_D: 3,
      norm: 'instance',
      init_type: 'normal',
      init_gain: 0.02,
      no_dropout: false,
      dataset_mode: 'unaligned',
      direction: 'AtoB',
      serial_batches: false,
      num_threads: 4,
      batch_size: 1,
      load_size: 286,
      crop_size: 256,
      max_dataset_size: Infinity,
      preprocess: 'resize_and_crop',
      no_flip: false,
      display_winsize: 256,
      epoch: 'latest',
      load_iter: 0,
      verbose: false,
      suffix: '',
      gpu_ids: '0',
    });
    expect(BASE_OPTIONS.gpu_ids!.noEffect).toMatch(/^translate runs on the --backend it selects/);
  });

  it("TrainOptions, plus save_format, tensorboard and dry_run (with the reference's wandb options, refused at run time)", () => {
    expect(defaults(TRAIN_OPTIONS)).toEqual({
      display_freq: 400,
      update_html_freq: 1000,
      display_id: 1,
      display_server: 'http://localhost',
      display_env: 'main',
      display_port: 8097,
      display_ncols: 4,
      print_freq: 100,
      no_html: false,
      tensorboard: false,
      dry_run: false,
      use_wandb: false,
      wandb_project_name: 'CycleGAN-and-pix2pix',
      save_latest_freq: 5000,
      save_epoch_freq: 5,
      save_by_iter: false,
      save_format: 'safetensors',
      continue_train: false,
      epoch_count: 1,
      phase: 'train',
      n_epochs: 100,
      n_epochs_decay: 100,
      beta1: 0.5,
      lr: 0.0002,
      gan_mode: 'lsgan',
      lambda_gp: 10,
      pool_size: 50,
      lr_policy: 'linear',
      lr_decay_iters: 50,
    });
    const visdom = ['display_id', 'display_server', 'display_env', 'display_port', 'display_ncols'].map(
      (key) => TRAIN_OPTIONS[key]!.noEffect,
    );
    expect(new Set(visdom)).toEqual(
      new Set(['translate has no visdom display; it writes web/index.html (and TensorBoard events with --tensorboard)']),
    );
  });

  it('TestOptions and the test phase defaults', () => {
    expect(defaults(TEST_OPTIONS)).toEqual({
      results_dir: './results/',
      aspect_ratio: 1.0,
      phase: 'test',
      eval: false,
      num_test: 50,
      metrics: '',
      inception_weights: '',
      lpips_weights: '',
    });
    expect(TEST_DEFAULTS).toEqual({ model: 'test', load_size: 256, serial_batches: true, no_flip: true });
  });

  it('declares choices for the closed sets', () => {
    expect(BASE_OPTIONS.norm!.choices).toEqual(['batch', 'instance', 'none', 'syncbatch']);
    expect(BASE_OPTIONS.direction!.choices).toEqual(['AtoB', 'BtoA']);
    expect(BASE_OPTIONS.backend!.choices).toEqual(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    expect(TRAIN_OPTIONS.lr_policy!.choices).toEqual(['linear', 'step', 'plateau', 'cosine']);
    expect(TRAIN_OPTIONS.save_format!.choices).toEqual(['safetensors', 'pth']);
  });

  it('types booleans as presence flags and numbers as int or float like argparse', () => {
    expect(BASE_OPTIONS.no_dropout!.type).toBe('bool');
    expect(TRAIN_OPTIONS.continue_train!.type).toBe('bool');
    expect(BASE_OPTIONS.max_dataset_size!.type).toBe('int');
    expect(TRAIN_OPTIONS.lr!.type).toBe('float');
    expect(TEST_OPTIONS.aspect_ratio!.type).toBe('float');
  });
});
