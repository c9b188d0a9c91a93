/**
 * GauGAN's options with SPADE's names, defaults and help (docs/reference.md §2.1), and the defaults it
 * changes in the shared schemas. `label_nc`, `contain_dontcare_label`, `no_instance` and
 * `aspect_ratio` come from the label-map dataset modes (`segmentation` by default; SPADE's
 * `coco`, `ade20k`, `cityscapes`, `custom`, `facades`).
 */
import { FEATURE_LOSS_KINDS, type ModelPlugin, type OptionSchema } from '@translate/core';
import { UPSAMPLING_LAYERS } from './generator.js';

/** The SPADE generator's norm (SPADEGenerator's option hook sets it). */
export const DEFAULT_NORM_G = 'spectralspadesyncbatch3x3';

/** Options GauGAN adds. */
export const GAUGAN_OPTIONS: OptionSchema = {
  norm_G: {
    type: 'string',
    default: DEFAULT_NORM_G,
    help: 'instance normalization or batch normalization: [spectral]spade<instance|batch|syncbatch><k>x<k> for --netG spade; with --netG pix2pixhd the default becomes instance',
  },
  norm_D: { type: 'string', default: 'spectralinstance', help: 'instance normalization or batch normalization' },
  norm_E: { type: 'string', default: 'spectralinstance', help: 'instance normalization or batch normalization' },
  num_upsampling_layers: {
    type: 'string',
    default: 'normal',
    choices: Object.keys(UPSAMPLING_LAYERS),
    help: "If 'more', adds upsampling layer between the two middle resnet blocks. If 'most', also add one more upsampling + resnet layer at the end of the generator",
  },
  z_dim: { type: 'int', default: 256, minimum: 1, help: 'dimension of the latent z vector' },
  use_vae: { type: 'bool', default: false, help: 'enable training with an image encoder.' },
  resnet_n_downsample: { type: 'int', default: 4, minimum: 0, help: 'number of downsampling layers in netG (pix2pixhd)' },
  resnet_n_blocks: { type: 'int', default: 9, minimum: 0, help: 'number of residual blocks in the global generator network (pix2pixhd)' },
  resnet_kernel_size: { type: 'int', default: 3, minimum: 1, help: 'kernel size of the resnet block (pix2pixhd)' },
  resnet_initial_kernel_size: { type: 'int', default: 7, minimum: 1, help: 'kernel size of the first convolution (pix2pixhd)' },
  netD_subarch: {
    type: 'string',
    default: 'n_layer',
    choices: ['n_layer'],
    help: 'architecture of each discriminator (--netD multiscale)',
  },
  num_D: { type: 'int', default: 2, minimum: 1, help: 'number of discriminators to be used in multiscale' },
  style_image: {
    type: 'string',
    default: '',
    help: "(translate) with --use_vae: a photo whose style (encoded by netE) every test image takes; default: each test image's own photo, as the reference",
    phase: 'test',
  },
  beta2: {
    type: 'float',
    default: 0.9,
    minimum: 0,
    exclusiveMaximum: 1,
    help: 'momentum term of adam (with --no_TTUR the defaults of --beta1/--beta2 become 0.5/0.999)',
    phase: 'train',
  },
  no_TTUR: { type: 'bool', default: false, help: 'Use TTUR training scheme (off: lr_G = lr_D = lr)', phase: 'train' },
  D_steps_per_G: {
    type: 'int',
    default: 1,
    minimum: 1,
    help: 'number of discriminator iterations per generator iterations.',
    phase: 'train',
  },
  lambda_feat: { type: 'float', default: 10.0, minimum: 0, help: 'weight for feature matching loss', phase: 'train' },
  lambda_vgg: { type: 'float', default: 10.0, minimum: 0, help: 'weight for vgg loss', phase: 'train' },
  lambda_kld: { type: 'float', default: 0.05, minimum: 0, help: 'weight for the KL divergence of the encoder (--use_vae)', phase: 'train' },
  no_ganFeat_loss: { type: 'bool', default: false, help: 'if specified, do *not* use discriminator feature matching loss', phase: 'train' },
  no_vgg_loss: { type: 'bool', default: false, help: 'if specified, do *not* use VGG feature matching loss', phase: 'train' },
  feat_loss: {
    type: 'string',
    default: 'l1',
    choices: FEATURE_LOSS_KINDS,
    help: '(translate) distance of the feature matching loss [l1 | l2]',
    phase: 'train',
  },
  vgg_weights: {
    type: 'string',
    default: '',
    help: '(translate) ImageNet VGG19 weights for the VGG loss (torchvision .pth or safetensors); default: the cache that `translate weights fetch vgg19` fills',
    phase: 'train',
  },
  vgg_imagenet_norm: {
    type: 'bool',
    default: false,
    help: '(translate) feed VGG ImageNet-normalised [0, 1] images (the reference feeds the [-1, 1] images as they are)',
    phase: 'train',
  }, // SPADE's flags that have no effect there either, or whose effect translate always has.
  nef: {
    type: 'int',
    default: 16,
    minimum: 1,
    help: '# of encoder filters in the first conv layer (accepted without effect)',
    noEffect: "SPADE's encoder reads --ngf, not --nef; so does translate's",
  },
  load_from_opt_file: {
    type: 'bool',
    default: false,
    help: 'load the options from checkpoints and use that as default (translate always does so for the options that shape the networks)',
    noEffect: 'translate always takes the options that shape the networks from the checkpoint it loads (test, --continue_train)',
  },
  cache_filelist_read: {
    type: 'bool',
    default: false,
    help: 'reads from the file list cache (accepted without effect)',
    noEffect: 'translate lists the image folders on every run',
  },
  cache_filelist_write: {
    type: 'bool',
    default: false,
    help: 'saves the current filelist into a text file, so that it loads faster (accepted without effect)',
    noEffect: 'translate lists the image folders on every run',
  },
  debug: {
    type: 'bool',
    default: false,
    help: 'only do one epoch and displays at each iteration (accepted without effect)',
    noEffect: 'SPADE declares --debug and reads it nowhere; for a short run use --max_dataset_size and --n_epochs',
    phase: 'train',
  },
  optimizer: {
    type: 'string',
    default: 'adam',
    help: 'the optimizer (accepted without effect: Adam, as SPADE)',
    noEffect: 'SPADE declares --optimizer and reads it nowhere; translate, as SPADE, trains with Adam',
    phase: 'train',
  },
};

/** Defaults GauGAN changes in both phases. */
export const GAUGAN_DEFAULTS: NonNullable<ModelPlugin['defaults']> = {
  netG: 'spade',
  netD: 'multiscale',
  n_layers_D: 4,
  init_type: 'xavier',
  dataset_mode: 'segmentation',
};

/** Defaults GauGAN changes for training (SPADE's train options). */
export const GAUGAN_TRAIN_DEFAULTS: NonNullable<ModelPlugin['trainDefaults']> = {
  gan_mode: 'hinge',
  beta1: 0.0,
  n_epochs: 50,
  n_epochs_decay: 0,
  display_freq: 100,
  save_epoch_freq: 10,
};

/**
 * Defaults GauGAN changes for testing: eval mode (BatchNorm running statistics, no spectral-norm
 * power iteration), as SPADE's test.py always calls `model.eval()`; `--eval false` keeps train mode.
 */
export const GAUGAN_TEST_DEFAULTS: NonNullable<ModelPlugin['testDefaults']> = {
  eval: true,
};
