/**
 * The reference's one-direction `test` model: loads `<epoch>_net_G<model_suffix>` (e.g. a
 * published `latest_net_G.pth`, or `latest_net_G_A` of a CycleGAN run with `--model_suffix _A`)
 * and translates single images (`dataset_mode single`). Visuals `real` and `fake`.
 */
import type { tf } from '../tf.js';
import { OptionError } from '../errors.js';
import { generatorFromOptions } from '../networks/from_options.js';
import { optNumber, optString, type Options } from '../options/schema.js';
import { BaseModel, type Batch } from './base_model.js';
import type { ModelEnvironment, ModelPlugin } from './plugin.js';

/** One generator applied to one folder of images. */
export class TestModel extends BaseModel {
  readonly lossNames = [] as const;
  readonly visualNames = ['real', 'fake'] as const;
  private readonly generatorName: string;

  constructor(opt: Options, env: ModelEnvironment) {
    super(opt, env);
    if (env.isTrain) throw new OptionError('The test model cannot be trained: use --model cyclegan or --model pix2pix for training.');
    this.generatorName = `G${optString(opt, 'model_suffix')}`;
    this.addNetwork(
      this.generatorName,
      generatorFromOptions(opt, { inputNc: optNumber(opt, 'input_nc'), outputNc: optNumber(opt, 'output_nc') }),
    );
  }

  override setInput(batch: Batch): void {
    this.setVisual('real', batch.A as tf.Tensor4D);
    this.imagePaths = (batch.A_paths as string[] | undefined) ?? [];
  }

  override forward(): void {
    this.setVisual('fake', this.network(this.generatorName).forward(this.visual('real'), this.ctx()));
  }

  override optimizeParameters(): void {
    throw new OptionError('The test model cannot be trained.');
  }
}

/** The `test` model plugin. */
export const testModelPlugin: ModelPlugin = {
  name: 'test',
  description: 'Applies one generator (e.g. a pretrained latest_net_G.pth) to a folder of images; test only.',
  options: {
    model_suffix: {
      type: 'string',
      default: '',
      help: 'In checkpoints_dir, [epoch]_net_G[model_suffix] is loaded as the generator (e.g. _A for a CycleGAN G_A).',
      phase: 'test',
    },
  },
  defaults: { dataset_mode: 'single' },
  create: (opt, env) => new TestModel(opt, env),
};
