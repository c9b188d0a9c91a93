import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { defineD, defineG, generatorNames, UnetGenerator, ResnetGenerator } from '../../src/networks/index.js';
import { InputShapeError, OptionError } from '../../src/errors.js';
import { seedEverything } from '../../src/random.js';
import type { RawTensor } from '../../src/interop/raw_tensor.js';
import { useBackend } from '../helpers.js';

const spec = { inputNc: 3, outputNc: 3, ngf: 16, norm: 'batch' as const, useDropout: false };

function stats(raw: RawTensor) {
  const d = raw.data as Float32Array;
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
  return { mean, std };
}

describe('init_type (the reference init_weights)', () => {
  it.each([
    // unet_128 down conv model.model.1.model.1: torch shape [32, 16, 4, 4], fan_in 256, fan_out 512
    ['normal', 0.02, 0.02],
    ['xavier', 0.02, 0.02 * Math.sqrt(2 / (256 + 512))],
    ['kaiming', 0.02, Math.sqrt(2 / 256)],
  ])('%s with gain %f draws conv weights with std %f and zero biases', async (type, gain, expectedStd) => {
    await useBackend('cpu');
    seedEverything(1);
    const net = defineG('unet_128', { ...spec, initType: type, initGain: gain });
    const state = net.stateDict();
    const w = stats(state.get('model.model.1.model.1.weight')!);
    expect(Math.abs(w.mean)).toBeLessThan(expectedStd * 0.1);
    expect(w.std).toBeGreaterThan(expectedStd * 0.95);
    expect(w.std).toBeLessThan(expectedStd * 1.05);
    expect(Array.from(state.get('model.model.3.bias')!.data as Float32Array).every((b) => b === 0)).toBe(true);
    const bn = stats(state.get('model.model.1.model.2.weight')!);
    expect(Math.abs(bn.mean - 1)).toBeLessThan(0.02);
    expect(Array.from(state.get('model.model.1.model.2.bias')!.data as Float32Array).every((b) => b === 0)).toBe(true);
    net.dispose();
  });

  it('orthogonal gives rows that are orthogonal with norm gain', async () => {
    await useBackend('cpu');
    const net = defineD('basic', { inputNc: 3, ndf: 4, norm: 'instance', nLayersD: 3, initType: 'orthogonal', initGain: 0.5 });
    const w = net.stateDict().get('model.2.weight')!; // torch [8, 4, 4, 4]: 8 rows of 64
    const d = w.data as Float32Array;
    const row = (i: number) => d.subarray(i * 64, (i + 1) * 64);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, k) => s + x * b[k]!, 0);
    for (let i = 0; i < 8; i++) {
      expect(dot(row(i), row(i))).toBeCloseTo(0.25, 4);
      for (let j = 0; j < i; j++) expect(Math.abs(dot(row(i), row(j)))).toBeLessThan(1e-5);
    }
    net.dispose();
  });

  it('an unknown --init_type or --netG is an OptionError listing the known names', () => {
    expect(() => defineG('unet_512', { ...spec, initType: 'normal', initGain: 0.02 })).toThrow(OptionError);
    expect(() => defineG('unet_512', { ...spec, initType: 'normal', initGain: 0.02 })).toThrow(/Known: .*resnet_9blocks.*unet_256/);
    expect(generatorNames()).toEqual(expect.arrayContaining(['resnet_9blocks', 'resnet_6blocks', 'unet_128', 'unet_256']));
    expect(() => defineG('resnet_6blocks', { ...spec, initType: 'uniform', initGain: 0.02 })).toThrow(/Unknown --init_type 'uniform'/);
  });
});

describe('input sizes a network cannot take', () => {
  it('U-Net 256 on 200 px and ResNet on 30 px are clear InputShapeErrors', async () => {
    await useBackend('cpu');
    const unet = new UnetGenerator({ ...spec, ngf: 2, numDowns: 8 });
    const x = tf.zeros([1, 200, 200, 3]) as tf.Tensor4D;
    expect(() => unet.forward(x)).toThrow(InputShapeError);
    expect(() => unet.forward(x)).toThrow(/unet_256 needs height and width that are multiples of 256.*got 200×200/);
    const resnet = new ResnetGenerator({ ...spec, ngf: 2, norm: 'instance', nBlocks: 1 });
    expect(() => resnet.forward(tf.zeros([1, 30, 30, 3]) as tf.Tensor4D)).toThrow(/multiples of 4/);
    tf.dispose(x);
    unet.dispose();
    resnet.dispose();
  });
});
