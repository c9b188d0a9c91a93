/** Option schemas of the `srresnet` and `srgan` plugins. */
import { VGG19_LAYERS, type OptionSchema } from '@translate/core';

/** Options of `srresnet` (and, through it, `srgan`): the generator, and tiled inference. */
export const SRRESNET_OPTIONS: OptionSchema = {
  scale: {
    type: 'int',
    default: 4,
    minimum: 2,
    help: 'super-resolution factor: 2, 4 or 8 (the dataset uses the same --scale)',
    aliases: ['upscale_factor'],
  },
  num_epochs: {
    type: 'int',
    default: 0,
    minimum: 0,
    help: "leftthomas/SRGAN's train epoch number: all epochs at one learning rate, so --num_epochs N sets --n_epochs N --n_epochs_decay 0; 0: not given",
    phase: 'train',
    sets: (value) => ({ n_epochs: value, n_epochs_decay: 0 }),
  },
  test_mode: {
    type: 'string',
    default: 'GPU',
    choices: ['GPU', 'CPU'],
    help: "leftthomas/SRGAN's test_image.py: using GPU or CPU (accepted without effect)",
    phase: 'test',
    noEffect: 'translate runs on the --backend it selects; use --backend cpu for the CPU',
  },
  image_name: {
    type: 'string',
    default: '',
    help: "leftthomas/SRGAN's test_image.py: test low resolution image name (accepted without effect)",
    phase: 'test',
    noEffect:
      'translate tests every image under --dataroot; put the image in a folder and pass --dataroot <folder> --dataset_mode single --preprocess none',
  },
  model_name: {
    type: 'string',
    default: 'netG_epoch_4_100.pth',
    help: "leftthomas/SRGAN's generator model epoch name (accepted without effect)",
    phase: 'test',
    noEffect: "translate loads <checkpoints_dir>/<name>/<epoch>_net_G: save leftthomas's file there as latest_net_G.pth",
  },
  n_blocks: {
    type: 'int',
    default: 16,
    minimum: 1,
    help: '(translate) residual blocks of the SRResNet generator (16 as in the SRGAN paper; leftthomas/SRGAN uses 5)',
  },
  trunk_end: {
    type: 'string',
    default: 'bn',
    choices: ['bn', 'prelu'],
    help: "(translate) the layer after the generator trunk's last conv: bn (the SRGAN paper, leftthomas/SRGAN's model.py today) or prelu (leftthomas's model.py of January 2018, which wrote its published netG_epoch_{2,4,8}_100.pth)",
  },
  tile: {
    type: 'int',
    default: 256,
    minimum: 0,
    help: '(translate) inputs larger than this many low-resolution pixels run tile by tile, so memory stays bounded; 0: whole images',
    phase: 'test',
  },
  tile_overlap: {
    type: 'int',
    default: -1,
    minimum: -1,
    help: "(translate) low-resolution pixels of context around each tile; -1: the generator's receptive radius, so tiles equal whole-image inference",
    phase: 'test',
  },
};

/** Options `srgan` adds: the warm start, the loss weights, VGG and the noisy labels. */
export const SRGAN_OPTIONS: OptionSchema = {
  pretrained_G: {
    type: 'string',
    default: '',
    help: '(translate) start G from an SRResNet checkpoint folder (latest_net_G) or a generator .safetensors/.pth file; empty: from scratch',
    phase: 'train',
  },
  lambda_mse: {
    type: 'float',
    default: 1,
    minimum: 0,
    help: '(translate) weight of the pixel MSE term of the generator loss',
    phase: 'train',
  },
  lambda_vgg: {
    type: 'float',
    default: 0.006,
    minimum: 0,
    help: '(translate) weight of the VGG19 feature MSE term; 0 turns it off (no VGG weights needed)',
    phase: 'train',
  },
  lambda_adv: {
    type: 'float',
    default: 0.001,
    minimum: 0,
    help: '(translate) weight of the adversarial term of the generator loss',
    phase: 'train',
  },
  vgg_layer: {
    type: 'string',
    default: 'relu5_4',
    choices: Object.keys(VGG19_LAYERS),
    help: '(translate) VGG19 layer of the perceptual loss (SRGAN: relu5_4 = VGG54; relu2_2 = VGG22)',
    phase: 'train',
  },
  vgg_weights: {
    type: 'string',
    default: '',
    help: '(translate) torchvision VGG19 weights (.pth or .safetensors) for the perceptual loss; get them with `translate weights fetch vgg19`',
    phase: 'train',
  },
  target_real: {
    type: 'string',
    default: 'uniform(0.7,1.2)',
    help: "(translate) D's label for real images: a number or uniform(lo,hi) drawn per image per step",
    phase: 'train',
  },
  target_fake: {
    type: 'string',
    default: 'uniform(0,0.3)',
    help: "(translate) D's label for generated images: a number or uniform(lo,hi)",
    phase: 'train',
  },
  no_label_noise: {
    type: 'bool',
    default: false,
    help: '(translate) plain labels 1 and 0 for D instead of --target_real/--target_fake',
    phase: 'train',
  },
};
