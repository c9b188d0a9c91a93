/** SRResNet and the SRGAN discriminator: reference parameter counts (docs/reference.md §3.6), keys, shapes. */
import { describe, expect, it } from 'vitest';
import { tf } from '@translate/core';
import { SRResNetGenerator } from '../src/generator.js';
import { SRGANDiscriminator } from '../src/discriminator.js';
import { useBackend } from '../../core/test/helpers.js';

const full = { ngf: 64, inputNc: 3, outputNc: 3 };

describe('SRGAN networks', () => {
  it('count the reference parameters: G×4 16 blocks 1,549,462; 5 blocks 734,219 (×2 586,506, ×8 881,932); D 5,215,425', async () => {
    await useBackend('cpu');
    const counts: Array<[number, number, number]> = [
      [4, 16, 1_549_462],
      [4, 5, 734_219],
      [2, 5, 586_506],
      [8, 5, 881_932],
    ];
    for (const [scale, nBlocks, expected] of counts) {
      const g = new SRResNetGenerator({ ...full, scale, nBlocks });
      expect(g.numParameters(), `×${scale} ${nBlocks} blocks`).toBe(expected);
      g.dispose();
    }
    const d = new SRGANDiscriminator({ inputNc: 3, ndf: 64 });
    expect(d.numParameters()).toBe(5_215_425);
    d.dispose();
  });

  it("uses leftthomas/SRGAN's state-dict keys", async () => {
    await useBackend('cpu');
    const g = new SRResNetGenerator({ ngf: 8, inputNc: 3, outputNc: 3, scale: 4, nBlocks: 5 });
    const keys = [...g.stateDict().keys()];
    expect(keys).toEqual(
      expect.arrayContaining([
        'block1.0.weight',
        'block1.1.weight',
        'block2.conv1.weight',
        'block2.bn1.running_var',
        'block2.prelu.weight',
        'block6.bn2.bias',
        'block7.0.weight',
        'block7.1.weight',
        'block8.0.conv.weight',
        'block8.0.prelu.weight',
        'block8.1.conv.bias',
        'block8.2.weight',
        'block8.2.bias',
      ]),
    );
    expect(keys.some((k) => k.startsWith('block9'))).toBe(false);
    const d = new SRGANDiscriminator({ inputNc: 3, ndf: 8 });
    const dKeys = [...d.stateDict().keys()];
    expect(dKeys).toEqual(
      expect.arrayContaining([
        'net.0.weight',
        'net.2.weight',
        'net.3.running_mean',
        'net.21.running_var',
        'net.24.weight',
        'net.26.weight',
        'net.26.bias',
      ]),
    );
    expect(d.stateDict().get('net.26.weight')!.shape).toEqual([1, 128, 1, 1]);
    g.dispose();
    d.dispose();
  });

  it('upscales by the scale factor into [0, 1]; D gives one logit per image for any size', async () => {
    await useBackend('cpu');
    for (const scale of [2, 4, 8]) {
      const g = new SRResNetGenerator({ ngf: 4, inputNc: 3, outputNc: 3, scale, nBlocks: 1 });
      const y = g.forward(tf.randomUniform([2, 5, 7, 3], 0, 1, 'float32', 1) as tf.Tensor4D);
      expect(y.shape).toEqual([2, 5 * scale, 7 * scale, 3]);
      expect(tf.min(y).arraySync()).toBeGreaterThanOrEqual(0);
      expect(tf.max(y).arraySync()).toBeLessThanOrEqual(1);
      tf.dispose(y);
      g.dispose();
    }
    const d = new SRGANDiscriminator({ inputNc: 3, ndf: 4 });
    for (const [h, w] of [
      [24, 24],
      [13, 37],
      [1, 1],
    ] as const) {
      const logits = d.forward(tf.zeros([3, h, w, 3]) as tf.Tensor4D);
      expect(logits.shape).toEqual([3, 1, 1, 1]);
      logits.dispose();
    }
    d.dispose();
  });
});
