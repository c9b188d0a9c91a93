import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { BaseModel, type Batch } from '../../src/model/base_model.js';
import { generatorFromOptions } from '../../src/networks/from_options.js';
import { TranslateError } from '../../src/errors.js';
import { TINY_OPTIONS } from '../engine/tiny_model.js';
import { useBackend } from '../helpers.js';

/** Regression through the default step: only `backwardG` and `updateOrder` are declared. */
class DefaultStepModel extends BaseModel {
  readonly lossNames = ['L1'];
  readonly visualNames = ['fake_B'];
  protected override readonly updateOrder = ['G'] as const;

  constructor(withBackward: boolean) {
    super(TINY_OPTIONS, { isTrain: true });
    this.addNetwork('G', generatorFromOptions(TINY_OPTIONS, { inputNc: 3, outputNc: 3 }));
    this.addOptimizer('G', ['G'], { lr: 0.01 });
    if (!withBackward) (this as { backwardG?: BaseModel['backwardG'] }).backwardG = undefined;
  }

  override setInput(batch: Batch): void {
    this.setVisual('real_A', batch.A as tf.Tensor4D);
  }

  override forward(): void {
    this.setVisual('fake_B', this.network('G').forward(this.visual('real_A'), this.ctx()));
  }

  override backwardG(): tf.Scalar {
    this.replayForward(() => this.forward());
    const loss = tf.mean(tf.abs(tf.sub(this.visual('fake_B'), this.visual('real_A')))) as tf.Scalar;
    this.setLoss('L1', loss);
    return loss;
  }
}

describe('the default optimizeParameters', () => {
  it('updates each optimizer of updateOrder on its backward<step>() and keeps the tensor count', async () => {
    await useBackend('wasm');
    const model = new DefaultStepModel(true);
    expect(model.missingBackwardSteps()).toEqual([]);
    const x = tf.randomUniform([1, 8, 8, 3], -1, 1, 'float32', 2) as tf.Tensor4D;
    const before = model.network('G').stateDict().get('model.1.weight')!.data.slice();
    model.setInput({ A: x });
    model.optimizeParameters();
    const count = tf.memory().numTensors;
    model.optimizeParameters();
    expect(tf.memory().numTensors).toBe(count);
    expect(model.currentLosses().L1).toBeGreaterThan(0);
    expect(model.network('G').stateDict().get('model.1.weight')!.data).not.toEqual(before);
    model.dispose();
    x.dispose();
  });

  it('names the backward step a model lacks', async () => {
    await useBackend('cpu');
    const model = new DefaultStepModel(false);
    expect(model.missingBackwardSteps()).toEqual(['backwardG']);
    const x = tf.zeros([1, 8, 8, 3]) as tf.Tensor4D;
    model.setInput({ A: x });
    expect(() => model.optimizeParameters()).toThrow(TranslateError);
    expect(() => model.optimizeParameters()).toThrow('DefaultStepModel has no backwardG()');
    model.dispose();
    x.dispose();
  });
});
