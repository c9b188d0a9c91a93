/** A tiny model plugin for engine tests: one conv generator trained with L1 towards B. */
import { tf } from '../../src/tf.js';
import { BaseModel, type Batch } from '../../src/model/base_model.js';
import type { ModelPlugin } from '../../src/model/plugin.js';
import { generatorFromOptions } from '../../src/networks/from_options.js';
import { optNumber, type Options } from '../../src/options/schema.js';

/** L1 regression of B from A through `--netG` (no discriminator). */
export class TinyModel extends BaseModel {
  readonly lossNames = ['L1'] as const;
  readonly visualNames = ['real_A', 'fake_B', 'real_B'] as const;

  constructor(opt: Options, env: { isTrain: boolean }) {
    super(opt, env);
    this.addNetwork('G', generatorFromOptions(opt, { inputNc: optNumber(opt, 'input_nc'), outputNc: optNumber(opt, 'output_nc') }));
    if (env.isTrain) this.addOptimizer('G', ['G'], { lr: optNumber(opt, 'lr'), beta1: optNumber(opt, 'beta1') });
  }

  override setInput(batch: Batch): void {
    this.setVisual('real_A', batch.A as tf.Tensor4D);
    if (batch.B) this.setVisual('real_B', batch.B as tf.Tensor4D);
    this.imagePaths = (batch.A_paths as string[]) ?? [];
  }

  override forward(): void {
    this.setVisual('fake_B', this.network('G').forward(this.visual('real_A'), this.ctx()));
  }

  override optimizeParameters(): void {
    this.optimize('G', () => {
      this.forward();
      const loss = tf.mean(tf.abs(tf.sub(this.visual('fake_B'), this.visual('real_B')))) as tf.Scalar;
      this.setLoss('L1', loss);
      return loss;
    });
  }
}

/** The tiny model as a plugin. */
export const tinyPlugin: ModelPlugin = {
  name: 'tiny',
  description: 'test model',
  create: (opt, env) => new TinyModel(opt, env),
};

/** Options for a tiny resnet_6blocks generator (ngf 4). */
export const TINY_OPTIONS: Options = {
  model: 'tiny',
  input_nc: 3,
  output_nc: 3,
  ngf: 4,
  netG: 'resnet_6blocks',
  norm: 'instance',
  no_dropout: true,
  init_type: 'normal',
  init_gain: 0.02,
  lr: 0.001,
  beta1: 0.5,
};
