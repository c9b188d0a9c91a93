import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { VGG19_LAYERS, Vgg19Features } from '../../src/perceptual/vgg19.js';
import { writePth } from '../../src/interop/pth.js';
import { TranslateError } from '../../src/errors.js';
import { useBackend } from '../helpers.js';

describe('VGG19 features', () => {
  it("has torchvision's keys, shapes and parameter count (vgg19().features: 20,024,384)", async () => {
    await useBackend('cpu');
    const vgg = new Vgg19Features();
    const state = vgg.stateDict();
    expect(state.get('features.0.weight')!.shape).toEqual([64, 3, 3, 3]);
    expect(state.get('features.34.weight')!.shape).toEqual([512, 512, 3, 3]);
    expect([...state.keys()].filter((k) => k.endsWith('.weight'))).toHaveLength(16);
    expect(vgg.numParameters()).toBe(20_024_384);
    expect(VGG19_LAYERS).toMatchObject({ relu1_1: 1, relu2_1: 6, relu2_2: 8, relu3_1: 11, relu4_1: 20, relu5_1: 29, relu5_4: 35 });
    vgg.dispose();
  });

  it('returns the requested ReLU outputs at their resolutions and loads a torchvision-style .pth (classifier keys ignored)', async () => {
    await useBackend('wasm');
    const source = new Vgg19Features();
    const state = source.stateDict();
    state.set('classifier.0.weight', { dtype: 'F32', shape: [2, 2], data: new Float32Array(4) });
    const dir = mkdtempSync(join(tmpdir(), 'vgg-'));
    writeFileSync(join(dir, 'vgg19.pth'), writePth(state));
    const vgg = new Vgg19Features();
    vgg.loadWeightsFile(join(dir, 'vgg19.pth'));
    expect(vgg.stateDict().get('features.10.weight')!.data).toEqual(state.get('features.10.weight')!.data);
    const x = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const [a, b] = vgg.layerOutputs(x, ['relu1_1', 'relu3_1']);
    expect(a!.shape).toEqual([1, 32, 32, 64]);
    expect(b!.shape).toEqual([1, 8, 8, 256]);
    expect(() => vgg.loadWeightsFile(join(dir, 'missing.pth'))).toThrow(TranslateError);
    expect(() => vgg.layerOutputs(x, ['relu9_9'])).toThrow(/Unknown VGG19 layer 'relu9_9'/);
    tf.dispose([x, a!, b!]);
    vgg.dispose();
    source.dispose();
  });
});
