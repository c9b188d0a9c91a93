import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { MultiscaleDiscriminator, NLayerDiscriminator } from '../../src/networks/index.js';
import { AvgPool2d } from '../../src/nn/index.js';
import { seedEverything } from '../../src/random.js';
import { maxAbsDiff, useBackend } from '../helpers.js';

describe('MultiscaleDiscriminator', () => {
  it('runs scale i+1 on the 3×3/2 average-pooled input and returns every feature map per scale', async () => {
    await useBackend('cpu');
    seedEverything(4);
    const ms = new MultiscaleDiscriminator(2, () => new NLayerDiscriminator({ inputNc: 3, ndf: 4, nLayers: 2, norm: 'instance' }));
    expect([...ms.stateDict().keys()].filter((k) => k.endsWith('model.0.weight'))).toEqual([
      'discriminator_0.model.0.weight',
      'discriminator_1.model.0.weight',
    ]);
    const x = tf.randomNormal([1, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const features = ms.forwardFeatures(x);
    expect(features.map((scale) => scale.map((f) => f.shape))).toEqual([
      [
        [1, 16, 16, 4],
        [1, 8, 8, 8],
        [1, 7, 7, 16],
        [1, 6, 6, 1],
      ],
      [
        [1, 8, 8, 4],
        [1, 4, 4, 8],
        [1, 3, 3, 16],
        [1, 2, 2, 1],
      ],
    ]);
    const [second] = ms
      .namedChildren()
      .filter(([n]) => n === 'discriminator_1')
      .map(([, d]) => d as NLayerDiscriminator);
    const pooled = new AvgPool2d({ kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }).forward(x);
    expect(maxAbsDiff(second!.forward(pooled), features[1]!.at(-1)!)).toBe(0);
    expect(maxAbsDiff(ms.forward(x)[0]!, features[0]!.at(-1)!)).toBe(0);
    ms.dispose();
  });
});
