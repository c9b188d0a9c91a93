/**
 * Acceptance: the train and test command lines that pytorch-CycleGAN-and-pix2pix (README.md,
 * docs/qa.md, docs/tips.md), NVlabs/SPADE (README.md) and leftthomas/SRGAN (README.md) publish run
 * through translate's CLI with their flags verbatim, plus tiny sizes and what each case's `why`
 * names, on the shipped samples laid out under the relative paths the commands use.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLES, translate } from './helpers.js';

/** One published command line: where it is published, its words after `python`, what is appended and why. */
interface PublishedCommand {
  source: string;
  published: string;
  append: string[];
  why?: string;
  /** Files copied before the run (a trained generator as the pretrained one the command loads). */
  copies?: ReadonlyArray<[from: string, to: string]>;
  /** Warnings the run must print (flags translate accepts without effect). */
  warnings?: readonly string[];
  /** Option values the run must print (what a published spelling resolved to). */
  resolved?: Readonly<Record<string, string>>;
}

const RUN = ['--backend', 'wasm', '--num_threads', '1'];
const TINY = ['--ngf', '4', '--ndf', '4', '--load_size', '36', '--crop_size', '32', ...RUN];
const TINY_TRAIN = [...TINY, '--n_epochs', '1', '--n_epochs_decay', '0', '--max_dataset_size', '2'];
const TINY_TEST = [...TINY, '--num_test', '2'];
/** SPADE's spellings of the tiny sizes; GauGAN's smallest label maps are 64 px here. */
const SPADE_TRAIN = [
  '--ngf',
  '4',
  '--ndf',
  '4',
  '--load_size',
  '64',
  '--crop_size',
  '64',
  '--batchSize',
  '1',
  '--niter',
  '1',
  '--niter_decay',
  '0',
  '--max_dataset_size',
  '2',
  '--nThreads',
  '1',
  '--backend',
  'wasm',
];
const SPADE_TEST = [
  '--ngf',
  '4',
  '--load_size',
  '64',
  '--crop_size',
  '64',
  '--how_many',
  '2',
  '--which_epoch',
  'latest',
  '--nThreads',
  '1',
  '--backend',
  'wasm',
];
const SRGAN = ['--model', 'srgan', '--n_blocks', '1', ...RUN];
/** Cityscapes' `fixed` 2:1 frames and extra upsampling need at least 128 px wide crops. */
const CITYSCAPES_SIZE = ['--load_size', '128', '--crop_size', '128'];

/**
 * SPADE's train command (README.md:96, 111) on a tiny set in `mode`'s layout, then its pretrained-model
 * test command (README.md:75) with that generator standing in for the downloaded `<type>_pretrained`
 * (a bare weights file, as SPADE's checkpoints.tar.gz holds: the architecture comes from the weights
 * and the mode's defaults).
 */
function spadePretrained(type: string, mode: string, dataroot: string, size: readonly string[] = []): PublishedCommand[] {
  return [
    {
      source: 'SPADE README.md:96',
      published: `train.py --name spade_${type} --dataset_mode ${mode} --dataroot ${dataroot}`,
      append: ['--model', 'gaugan', ...SPADE_TRAIN, ...size, '--no_vgg_loss'],
      why: "translate's default model is CycleGAN, SPADE's is GauGAN; no VGG19 weights offline",
    },
    {
      source: 'SPADE README.md:75',
      published: `test.py --name ${type}_pretrained --dataset_mode ${mode} --dataroot ${dataroot}`,
      append: ['--model', 'gaugan', ...SPADE_TEST, ...size],
      why: `spade_${type}'s generator stands in for the downloaded one`,
      copies: [[`checkpoints/spade_${type}/latest_net_G.safetensors`, `checkpoints/${type}_pretrained/latest_net_G.safetensors`]],
    },
  ];
}

const COMMANDS: readonly PublishedCommand[] = [
  {
    source: 'pytorch-CycleGAN-and-pix2pix README.md:140',
    published: 'train.py --dataroot ./datasets/maps --name maps_cyclegan --model cycle_gan',
    append: TINY_TRAIN,
    why: 'without --use_wandb, which translate refuses (it cannot write W&B runs; --tensorboard and `wandb sync` instead)',
  },
  {
    source: 'pytorch-CycleGAN-and-pix2pix README.md:149',
    published: 'test.py --dataroot ./datasets/maps --name maps_cyclegan --model cycle_gan',
    append: TINY_TEST,
  },
  {
    source: 'pytorch-CycleGAN-and-pix2pix README.md:167',
    published: 'train.py --dataroot ./datasets/facades --name facades_pix2pix --model pix2pix --direction BtoA',
    append: [...TINY_TRAIN, '--netG', 'unet_32'],
    why: 'without --use_wandb; unet_32 is the U-Net of 32 px images',
  },
  {
    source: 'pytorch-CycleGAN-and-pix2pix README.md:176',
    published: 'test.py --dataroot ./datasets/facades --name facades_pix2pix --model pix2pix --direction BtoA',
    append: [...TINY_TEST, '--netG', 'unet_32'],
  },
  {
    source: 'pytorch-CycleGAN-and-pix2pix README.md:200',
    published: 'test.py --dataroot datasets/horse2zebra/testA --name horse2zebra_pretrained --model test --no_dropout',
    append: TINY_TEST,
    why: "maps_cyclegan's G_A stands in for the downloaded generator",
    copies: [['checkpoints/maps_cyclegan/latest_net_G_A.safetensors', 'checkpoints/horse2zebra_pretrained/latest_net_G.safetensors']],
  },
  {
    source: 'pytorch-CycleGAN-and-pix2pix README.md:226',
    published: 'test.py --dataroot ./datasets/facades/ --direction BtoA --model pix2pix --name facades_label2photo_pretrained',
    append: [...TINY_TEST, '--netG', 'unet_32'],
    why: "facades_pix2pix's G stands in for the downloaded generator",
    copies: [
      ['checkpoints/facades_pix2pix/latest_net_G.safetensors', 'checkpoints/facades_label2photo_pretrained/latest_net_G.safetensors'],
    ],
  },
  {
    source: 'pytorch-CycleGAN-and-pix2pix docs/qa.md:84',
    published: 'test.py --model test --dataroot ./datasets/horse2zebra/trainA --model_suffix _A --preprocess none',
    append: [...TINY_TEST, '--name', 'maps_cyclegan'],
    why: 'the fragment names no experiment',
  },
  {
    source: 'pytorch-CycleGAN-and-pix2pix docs/qa.md:84',
    published: 'test.py --model test --dataroot ./datasets/horse2zebra/trainA --model_suffix _A --preprocess scale_width --crop_size 32',
    append: ['--ngf', '4', '--num_test', '2', ...RUN, '--name', 'maps_cyclegan'],
    why: 'the fragment names no experiment',
  },
  {
    source: 'pytorch-CycleGAN-and-pix2pix docs/tips.md:54',
    published:
      'train.py --dataroot ./datasets/colorization --name colorization --dataset_mode colorization --model colorization --input_nc 1 --output_nc 2',
    append: [...TINY_TRAIN, '--netG', 'unet_32'],
    why: 'the tip gives the flags, the dataroot and name are ours',
  },
  {
    source: 'SPADE README.md:95',
    published: 'train.py --name spade_facades --dataset_mode facades --dataroot ./datasets/spade_facades',
    append: ['--model', 'gaugan', ...SPADE_TRAIN, '--no_vgg_loss', '--gpu_ids', '0'],
    why: "translate's default model is CycleGAN, SPADE's is GauGAN; no VGG19 weights offline; --gpu_ids as README.md:102 says",
    warnings: ['--gpu_ids has no effect: translate runs on the --backend it selects'],
    resolved: { batch_size: '1', n_epochs: '1', n_epochs_decay: '0', num_threads: '1' },
  },
  {
    source: 'SPADE README.md:99',
    published:
      'train.py --name spade_custom --dataset_mode custom --label_dir ./datasets/spade_facades/train_label --image_dir ./datasets/spade_facades/train_img --label_nc 5',
    append: ['--model', 'gaugan', ...SPADE_TRAIN, '--no_vgg_loss', '--no_instance', '--tf_log'],
    why: 'the README writes `-- image_dir`; SPADE too needs --no_instance without --instance_dir',
  },
  {
    source: 'SPADE README.md:111',
    published: 'test.py --name spade_facades --dataset_mode facades --dataroot ./datasets/spade_facades',
    append: ['--model', 'gaugan', ...SPADE_TEST],
    resolved: { num_test: '2', epoch: 'latest' },
  },
  ...spadePretrained('coco', 'coco', 'datasets/coco_stuff'),
  ...spadePretrained('ade20k', 'ade20k', 'datasets/ADEChallengeData2016'),
  ...spadePretrained('cityscapes', 'cityscapes', 'datasets/cityscapes', CITYSCAPES_SIZE),
  {
    source: 'leftthomas/SRGAN README.md:40',
    published: 'train.py --crop_size 88 --upscale_factor 4 --num_epochs 1',
    append: [...SRGAN, '--name', 'srgan_x4', '--dataroot', './data/sr', '--max_dataset_size', '2', '--lambda_vgg', '0'],
    why: 'its documented optional arguments; the script reads data/ and trains SRGAN; no VGG weights offline',
    resolved: { scale: '4', n_epochs: '1', n_epochs_decay: '0' },
  },
  {
    source: 'leftthomas/SRGAN README.md:51',
    published: 'test_benchmark.py --upscale_factor 4 --model_name netG_epoch_4_100.pth',
    append: [...SRGAN, '--name', 'srgan_x4', '--dataroot', './data/sr', '--phase', 'val', '--num_test', '2'],
    why: 'its documented optional arguments',
    warnings: ['--model_name has no effect'],
  },
  {
    source: 'leftthomas/SRGAN README.md:61',
    published: 'test_image.py --upscale_factor 4 --test_mode CPU --image_name data/test_images/photo.png --model_name netG_epoch_4_100.pth',
    append: [
      ...SRGAN,
      '--name',
      'srgan_x4',
      '--dataroot',
      './data/test_images',
      '--dataset_mode',
      'single',
      '--preprocess',
      'none',
      '--num_test',
      '1',
    ],
    why: 'its documented optional arguments; translate tests the folder --dataroot names',
    warnings: ['--test_mode has no effect', '--image_name has no effect', '--model_name has no effect'],
  },
];

/** The mosaic sample's label maps, photos and instance maps as SPADE's coco, ade20k and cityscapes layouts name them. */
function spadeLayouts(): Array<[string, string]> {
  const files: Array<[string, string]> = [];
  for (const [split, ours] of [
    ['train', 'train'],
    ['val', 'test'],
  ] as const) {
    for (const [i, stem] of ['mosaic_0001', 'mosaic_0003'].entries()) {
      const sample = ours === 'train' ? readdirSync(join(SAMPLES, 'mosaic', 'train_label'))[i]!.replace('.png', '') : stem;
      const label = `mosaic/${ours}_label/${sample}.png`;
      const image = `mosaic/${ours}_img/${sample}.jpg`;
      const instance = `mosaic/${ours}_inst/${sample}.png`;
      files.push(
        [`datasets/coco_stuff/${split}_label/${sample}.png`, label],
        [`datasets/coco_stuff/${split}_img/${sample}.jpg`, image],
        [`datasets/coco_stuff/${split}_inst/${sample}.png`, instance],
      );
      const ade = `ADE_${split}_0000000${i + 1}`;
      const adeFolder = split === 'train' ? 'training' : 'validation';
      files.push(
        [`datasets/ADEChallengeData2016/images/${adeFolder}/${ade}.jpg`, image],
        [`datasets/ADEChallengeData2016/annotations/${adeFolder}/${ade}.png`, label],
      );
      const city = `frankfurt_000000_00000${i}`;
      files.push(
        [`datasets/cityscapes/gtFine/${split}/frankfurt/${city}_gtFine_labelIds.png`, label],
        [`datasets/cityscapes/gtFine/${split}/frankfurt/${city}_gtFine_instanceIds.png`, instance],
        [`datasets/cityscapes/leftImg8bit/${split}/frankfurt/${city}_leftImg8bit.jpg`, image],
      );
    }
  }
  return files;
}

/** Where each relative path of the commands points in samples/. */
const LAYOUT: ReadonlyArray<[string, string]> = [
  ...['trainA', 'trainB', 'testA', 'testB'].map((d): [string, string] => [`datasets/maps/${d}`, `photo2gray/${d}`]),
  ['datasets/horse2zebra/trainA', 'photo2gray/trainA'],
  ['datasets/horse2zebra/testA', 'photo2gray/testA'],
  ['datasets/facades/train', 'edges2photo/train'],
  ['datasets/facades/test', 'edges2photo/test'],
  ['datasets/colorization/train', 'photo2gray/trainA'],
  ['datasets/spade_facades/train_label', 'mosaic/train_label'],
  ['datasets/spade_facades/train_img', 'mosaic/train_img'],
  ['datasets/spade_facades/val_label', 'mosaic/test_label'],
  ['datasets/spade_facades/val_img', 'mosaic/test_img'],
  ['data/sr/train', 'sr/train'],
  ['data/sr/val', 'sr/val'],
  ['data/test_images', 'sr/val'],
];

describe("the three projects' published command lines", () => {
  const home = process.cwd();
  beforeAll(() => {
    process.chdir(mkdtempSync(join(tmpdir(), 'translate-published-')));
    for (const [path, sample] of LAYOUT) {
      mkdirSync(dirname(path), { recursive: true });
      symlinkSync(join(SAMPLES, sample), path, 'dir');
    }
    for (const [path, sample] of spadeLayouts()) {
      mkdirSync(dirname(path), { recursive: true });
      symlinkSync(join(SAMPLES, sample), path, 'file');
    }
  });
  afterAll(() => process.chdir(home));

  for (const command of COMMANDS) {
    it(`${command.source}: python ${command.published}${command.why ? ` (${command.why})` : ''}`, async () => {
      for (const [from, to] of command.copies ?? []) {
        mkdirSync(dirname(to), { recursive: true });
        copyFileSync(from, to);
      }
      const [script, ...flags] = command.published.split(' ');
      const phase = script!.startsWith('train') ? 'train' : 'test';
      const run = await translate([phase, ...flags, ...command.append]);
      expect(run.code, run.stderr).toBe(0);
      for (const warning of command.warnings ?? []) expect(run.stderr).toContain(`warning: ${warning}`);
      const printed = (key: string) => run.stdout.match(new RegExp(`^ *${key}: (\\S+)`, 'm'))?.[1] ?? '';
      for (const [key, value] of Object.entries(command.resolved ?? {})) expect(printed(key), key).toBe(value);
      const written =
        phase === 'train'
          ? join('checkpoints', printed('name'), 'latest_checkpoint.json')
          : join('results', printed('name'), `${printed('phase')}_latest`, 'index.html');
      expect(existsSync(written), written).toBe(true);
    });
  }

  it("the reference's flags that print or name: --verbose prints the module trees, visdom flags warn once each, --suffix takes the model as typed", async () => {
    const visdom = [
      '--display_id',
      '0',
      '--display_port',
      '8097',
      '--display_server',
      'http://localhost',
      '--display_env',
      'main',
      '--display_ncols',
      '4',
    ];
    const run = await translate([
      'train',
      '--dataroot',
      './datasets/maps',
      '--name',
      'verbose',
      '--model',
      'cycle_gan',
      '--verbose',
      '--suffix',
      '{model}_{netG}',
      ...visdom,
      ...TINY_TRAIN,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^ResnetGenerator\(\n {2}\(model\): Sequential\(\n {4}\(0\): Pad2d\(\)\n {4}\(1\): Conv2d\(weight \[4, 3, 7, 7\], bias \[4\]\)$/m,
    );
    expect(run.stdout).toMatch(/^\[Network G_A\] Total number of parameters : \d+\.\d{3} M$/m);
    const warnings = run.stderr.split('\n').filter((line) => line.startsWith('warning: --display_'));
    expect(warnings.map((line) => line.split(' ')[1])).toEqual([
      '--display_id',
      '--display_server',
      '--display_env',
      '--display_port',
      '--display_ncols',
    ]);
    expect(existsSync(join('checkpoints', 'verbose_cycle_gan_resnet_9blocks', 'latest_checkpoint.json'))).toBe(true);
  });
});
