/**
 * The reference's BaseOptions, TrainOptions and TestOptions (pytorch-CycleGAN-and-pix2pix, 2025):
 * the same names, defaults and help, without wandb and DDP; the visdom options (and `gpu_ids`) of its
 * earlier versions are accepted without effect. SPADE's spellings of the same options are aliases
 * (`--batchSize`, `--niter`, `--which_epoch`, …). Options translate adds are marked "(translate)"
 * in their help.
 */
import { BACKEND_NAMES } from '../backend/init.js';
import { NETWORK_FILE_FORMATS } from '../engine/checkpoint.js';
import { NORM_TYPES } from '../networks/norm_layer.js';
import type { OptionSchema, OptionValue } from './schema.js';

/** Options of both `translate train` and `translate test` (the reference's BaseOptions). */
export const BASE_OPTIONS: OptionSchema = {
  // basic parameters
  dataroot: { type: 'string', help: 'path to images (should have subfolders trainA, trainB, valA, valB, etc)' },
  name: { type: 'string', default: 'experiment_name', help: 'name of the experiment. It decides where to store samples and models' },
  checkpoints_dir: { type: 'string', default: './checkpoints', help: 'models are saved here' },
  backend: {
    type: 'string',
    default: 'auto',
    choices: ['auto', ...BACKEND_NAMES],
    help: '(translate) tensor backend; auto picks the fastest that loads (tensorflow-gpu, tensorflow, wasm, cpu)',
  },
  seed: {
    type: 'int',
    default: 0,
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    help: '(translate) random seed for weight init, dropout, data order, crops, flips and the image pool; the same seed gives the same run on one backend',
  },
  // model parameters
  model: {
    type: 'string',
    default: 'cyclegan',
    help: 'chooses which model to use (`translate models` lists them) [cyclegan | pix2pix | test]',
  },
  input_nc: { type: 'int', default: 3, minimum: 1, help: '# of input image channels: 3 for RGB and 1 for grayscale' },
  output_nc: { type: 'int', default: 3, minimum: 1, help: '# of output image channels: 3 for RGB and 1 for grayscale' },
  ngf: { type: 'int', default: 64, minimum: 1, help: '# of gen filters in the last conv layer' },
  ndf: { type: 'int', default: 64, minimum: 1, help: '# of discrim filters in the first conv layer' },
  netD: {
    type: 'string',
    default: 'basic',
    help: 'specify discriminator architecture [basic | n_layers | pixel]. The basic model is a 70x70 PatchGAN. n_layers allows you to specify the layers in the discriminator',
  },
  netG: {
    type: 'string',
    default: 'resnet_9blocks',
    help: 'specify generator architecture [resnet_9blocks | resnet_6blocks | unet_256 | unet_128]',
  },
  n_layers_D: { type: 'int', default: 3, minimum: 1, help: 'only used if netD==n_layers' },
  norm: {
    type: 'string',
    default: 'instance',
    choices: NORM_TYPES,
    help: 'instance normalization or batch normalization [instance | batch | none | syncbatch]',
  },
  init_type: {
    type: 'string',
    default: 'normal',
    choices: ['normal', 'xavier', 'kaiming', 'orthogonal'],
    help: 'network initialization [normal | xavier | kaiming | orthogonal]',
  },
  init_gain: {
    type: 'float',
    default: 0.02,
    minimum: 0,
    help: 'scaling factor for normal, xavier and orthogonal.',
    aliases: ['init_variance'],
  },
  no_dropout: { type: 'bool', default: false, help: 'no dropout for the generator' },
  // dataset parameters
  dataset_mode: {
    type: 'string',
    default: 'unaligned',
    help: 'chooses how datasets are loaded. [unaligned | aligned | single | segmentation | coco | ade20k | cityscapes | custom | facades | super_resolution]',
  },
  direction: { type: 'string', default: 'AtoB', choices: ['AtoB', 'BtoA'], help: 'AtoB or BtoA' },
  serial_batches: { type: 'bool', default: false, help: 'if true, takes images in order to make batches, otherwise takes them randomly' },
  num_threads: { type: 'int', default: 4, minimum: 0, help: '# threads for loading data', aliases: ['nThreads'] },
  batch_size: { type: 'int', default: 1, minimum: 1, help: 'input batch size', aliases: ['batchSize'] },
  load_size: { type: 'int', default: 286, minimum: 1, help: 'scale images to this size' },
  crop_size: { type: 'int', default: 256, minimum: 1, help: 'then crop to this size' },
  max_dataset_size: {
    type: 'int',
    default: Infinity,
    minimum: 1,
    help: 'Maximum number of samples allowed per dataset. If the dataset directory contains more than max_dataset_size, only a subset is loaded.',
  },
  preprocess: {
    type: 'string',
    default: 'resize_and_crop',
    choices: ['resize_and_crop', 'crop', 'scale_width', 'scale_width_and_crop', 'none'],
    help: 'scaling and cropping of images at load time [resize_and_crop | crop | scale_width | scale_width_and_crop | none]',
    aliases: ['preprocess_mode'],
  },
  no_flip: { type: 'bool', default: false, help: 'if specified, do not flip the images for data augmentation' },
  display_winsize: { type: 'int', default: 256, minimum: 1, help: 'display window size for HTML' },
  // additional parameters
  epoch: {
    type: 'string',
    default: 'latest',
    help: 'which epoch to load? set to latest to use latest cached model',
    aliases: ['which_epoch'],
  },
  load_iter: {
    type: 'int',
    default: 0,
    minimum: 0,
    help: 'which iteration to load? if load_iter > 0, the code will load models by iter_[load_iter]; otherwise, the code will load models by [epoch]',
  },
  verbose: { type: 'bool', default: false, help: 'if specified, print more debugging information' },
  suffix: { type: 'string', default: '', help: 'customized suffix: opt.name = opt.name + suffix: e.g., {model}_{netG}_size{load_size}' },
  gpu_ids: {
    type: 'string',
    default: '0',
    help: 'gpu ids: e.g. 0  0,1,2, 0,2. use -1 for CPU (accepted without effect)',
    noEffect:
      'translate runs on the --backend it selects (auto: the fastest that loads, e.g. tensorflow-gpu on one GPU); use --backend cpu for the CPU',
  },
};

/** What a visdom option of the reference's earlier TrainOptions does not do in translate. */
const NO_VISDOM = 'translate has no visdom display; it writes web/index.html (and TensorBoard events with --tensorboard)';

/** Options only `translate train` has (the reference's TrainOptions). */
export const TRAIN_OPTIONS: OptionSchema = {
  // HTML visualization parameters
  display_freq: { type: 'int', default: 400, minimum: 1, help: 'frequency of showing training results on screen' },
  update_html_freq: { type: 'int', default: 1000, minimum: 1, help: 'frequency of saving training results to html' },
  display_id: {
    type: 'int',
    default: 1,
    minimum: -1,
    help: 'window id of the web display (visdom; accepted without effect)',
    noEffect: NO_VISDOM,
  },
  display_server: {
    type: 'string',
    default: 'http://localhost',
    help: 'visdom server of the web display (accepted without effect)',
    noEffect: NO_VISDOM,
  },
  display_env: { type: 'string', default: 'main', help: 'visdom display environment name (accepted without effect)', noEffect: NO_VISDOM },
  display_port: {
    type: 'int',
    default: 8097,
    minimum: 0,
    maximum: 65535,
    help: 'visdom port of the web display (accepted without effect)',
    noEffect: NO_VISDOM,
  },
  display_ncols: {
    type: 'int',
    default: 4,
    minimum: 0,
    help: 'if positive, display all images in a single visdom web panel with certain number of images per row (accepted without effect)',
    noEffect: NO_VISDOM,
  },
  print_freq: { type: 'int', default: 100, minimum: 1, help: 'frequency of showing training results on console' },
  no_html: { type: 'bool', default: false, help: 'do not save intermediate training results to [opt.checkpoints_dir]/[opt.name]/web/' },
  // experiment tracking
  tensorboard: {
    type: 'bool',
    default: false,
    help: "(translate) write TensorBoard event files to [opt.checkpoints_dir]/[opt.name]/logs/: the losses every print_freq, the visuals every display_freq (SPADE's --tf_log)",
    aliases: ['tf_log'],
  },
  use_wandb: {
    type: 'bool',
    default: false,
    help: "the reference's W&B logging, refused: translate cannot write W&B runs; use --tensorboard, then upload its logs/ folder with `wandb sync --sync-tensorboard`",
  },
  wandb_project_name: {
    type: 'string',
    default: 'CycleGAN-and-pix2pix',
    help: 'specify wandb project name (meaningless in translate, which refuses --use_wandb; pass it to `wandb sync --project` instead)',
  },
  // network saving and loading parameters
  save_latest_freq: { type: 'int', default: 5000, minimum: 1, help: 'frequency of saving the latest results' },
  save_epoch_freq: { type: 'int', default: 5, minimum: 1, help: 'frequency of saving checkpoints at the end of epochs' },
  save_by_iter: { type: 'bool', default: false, help: 'whether saves model by iteration' },
  save_format: {
    type: 'string',
    default: 'safetensors',
    choices: NETWORK_FILE_FORMATS,
    help: "(translate) format of the checkpoints' network files: safetensors, or pth (zip format, reference key names: what the reference's test.py loads with torch.load); optimizer state stays safetensors",
  },
  continue_train: {
    type: 'bool',
    default: false,
    help: 'continue training: load the latest model (translate resumes the epoch, iteration, learning rate and optimizer state; no --epoch_count needed)',
  },
  dry_run: {
    type: 'bool',
    default: false,
    help: '(translate) check the set-up and exit: read the data, build the networks, load the checkpoint with --continue_train and run one training step on the first batch; writes nothing',
  },
  epoch_count: {
    type: 'int',
    default: 1,
    minimum: 1,
    help: 'the starting epoch count, we save the model by <epoch_count>, <epoch_count>+<save_latest_freq>, ...',
  },
  phase: { type: 'string', default: 'train', help: 'train, val, test, etc' },
  // training parameters
  n_epochs: { type: 'int', default: 100, minimum: 0, help: 'number of epochs with the initial learning rate', aliases: ['niter'] },
  n_epochs_decay: {
    type: 'int',
    default: 100,
    minimum: 0,
    help: 'number of epochs to linearly decay learning rate to zero',
    aliases: ['niter_decay'],
  },
  beta1: { type: 'float', default: 0.5, minimum: 0, exclusiveMaximum: 1, help: 'momentum term of adam' },
  lr: { type: 'float', default: 0.0002, minimum: 0, help: 'initial learning rate for adam' },
  gan_mode: {
    type: 'string',
    default: 'lsgan',
    help: 'the type of GAN objective. [vanilla | minimax | lsgan | hinge | wgan | wgangp | ebgan | fgan:<divergence>]. vanilla GAN loss is the cross-entropy objective used in the original GAN paper.',
  },
  lambda_gp: {
    type: 'float',
    default: 10,
    minimum: 0,
    help: "(translate) weight of wgangp's gradient penalty (the reference's cal_gradient_penalty default); 0 trains --gan_mode wgangp as the reference does, which never applies it",
  },
  pool_size: { type: 'int', default: 50, minimum: 0, help: 'the size of image buffer that stores previously generated images' },
  lr_policy: {
    type: 'string',
    default: 'linear',
    choices: ['linear', 'step', 'plateau', 'cosine'],
    help: "learning rate policy. [linear | step | plateau | cosine]; plateau follows the model's metric, or the epoch's mean summed loss when the model sets none",
  },
  lr_decay_iters: { type: 'int', default: 50, minimum: 1, help: 'multiply by a gamma every lr_decay_iters epochs (step policy)' },
};

/** Options only `translate test` has (the reference's TestOptions). */
export const TEST_OPTIONS: OptionSchema = {
  results_dir: { type: 'string', default: './results/', help: 'saves results here.' },
  aspect_ratio: { type: 'float', default: 1.0, exclusiveMinimum: 0, help: 'aspect ratio of result images' },
  phase: { type: 'string', default: 'test', help: 'train, val, test, etc' },
  eval: { type: 'bool', default: false, help: 'use eval mode during test time.' },
  num_test: { type: 'int', default: 50, minimum: 1, help: 'how many test images to run', aliases: ['how_many'] },
  metrics: {
    type: 'string',
    default: '',
    help: 'evaluate the results: comma list of fid, kid, lpips (docs/evaluation.md), over the generated and real visuals (fake_B/real_B, synthesized_image/real_image, SR/HR); written to metrics.csv and the page',
  },
  inception_weights: {
    type: 'string',
    default: '',
    help: 'Inception weights for --metrics fid,kid (default: the cache of `translate weights fetch inception`)',
  },
  lpips_weights: {
    type: 'string',
    default: '',
    help: 'LPIPS (AlexNet) weights for --metrics lpips (default: the cache of `translate weights fetch lpips-alex`)',
  },
};

/**
 * Defaults the test phase changes (the reference's `TestOptions.set_defaults`): the `test` model,
 * `load_size` equal to `crop_size`'s default so that test images are not cropped, and (translate)
 * inputs in order and unflipped, which the reference's test.py forces after parsing.
 */
export const TEST_DEFAULTS: Readonly<Record<string, OptionValue>> = {
  model: 'test',
  load_size: BASE_OPTIONS.crop_size!.default!,
  serial_batches: true,
  no_flip: true,
};
