/**
 * SPADE's VGG loss (layers relu1_1…relu5_1, weights 1/32…1, real detached) on a seeded random
 * VGG19, the weights cache location, the missing-weights error, and the .pth → safetensors conversion.
 */
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { TranslateError } from '../../src/errors.js';
import { seedEverything } from '../../src/random.js';
import { Vgg19Features, HOW_TO_GET_VGG } from '../../src/perceptual/vgg19.js';
import { writePth } from '../../src/interop/pth.js';
import { readSafetensors } from '../../src/interop/safetensors.js';
import { VGGLoss } from '../../src/spade/index.js';
import {
  convertVgg19Weights, defaultVgg19Weights, loadVgg19, sha256PrefixOfUrl, translateCacheDir, vgg19CachePath, VGG19_URL,
} from '../../src/perceptual/index.js';
import { useBackend } from '../helpers.js';

const savedCache = process.env.XDG_CACHE_HOME;
afterEach(() => {
  if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedCache;
});

describe('VGGLoss', () => {
  it('is Σ w_k·mean|φ_k(fake) − φ_k(real)| over relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 with w = 1/32, 1/16, 1/8, 1/4, 1', async () => {
    await useBackend('wasm');
    seedEverything(7);
    const vgg = new Vgg19Features();
    const fake = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const real = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 2) as tf.Tensor4D;
    const value = new VGGLoss(vgg).loss(fake, real);
    // Independent: each layer through `layerOutputs` on its own (torchvision indices 1, 6, 11, 20, 29), L1 in float64.
    const expected = (
      [['relu1_1', 1 / 32], ['relu2_1', 1 / 16], ['relu3_1', 1 / 8], ['relu4_1', 1 / 4], ['relu5_1', 1]] as const
    ).reduce((sum, [layer, w]) => {
      const [a] = vgg.layerOutputs(fake, [layer]);
      const [b] = vgg.layerOutputs(real, [layer]);
      const x = a!.dataSync();
      const y = b!.dataSync();
      let l1 = 0;
      for (let i = 0; i < x.length; i++) l1 += Math.abs(x[i]! - y[i]!);
      tf.dispose([a!, b!]);
      return sum + (w * l1) / x.length;
    }, 0);
    expect(Math.abs(value.dataSync()[0]! - expected)).toBeLessThan(1e-5 * Math.max(1, expected));
    // No gradient reaches the real image; the fake gets one.
    const [f, r] = [tf.variable(fake), tf.variable(real)];
    const { value: again, grads } = tf.variableGrads(() => new VGGLoss(vgg).loss(f as tf.Tensor4D, r as tf.Tensor4D), [f, r]);
    expect(grads[r.name]).toBeUndefined();
    expect(tf.max(tf.abs(grads[f.name]!)).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([fake, real, value, again, f, r, ...Object.values(grads)]);
    vgg.dispose();
  });

  it('with imagenetNormalize, feeds ((x + 1) / 2 − mean) / std', async () => {
    await useBackend('wasm');
    seedEverything(8);
    const vgg = new Vgg19Features();
    const fake = tf.randomUniform([1, 16, 16, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    const real = tf.randomUniform([1, 16, 16, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
    const norm = (x: tf.Tensor4D) => tf.div(tf.sub(tf.div(tf.add(x, 1), 2), tf.tensor1d([0.485, 0.456, 0.406])), tf.tensor1d([0.229, 0.224, 0.225])) as tf.Tensor4D;
    const a = new VGGLoss(vgg, { imagenetNormalize: true }).loss(fake, real).dataSync()[0]!;
    const b = new VGGLoss(vgg).loss(norm(fake), norm(real)).dataSync()[0]!;
    expect(Math.abs(a - b)).toBeLessThan(1e-5 * Math.max(1, b));
    tf.dispose([fake, real]);
    vgg.dispose();
  });
});

describe('VGG19 weights', () => {
  it('are cached under $XDG_CACHE_HOME/translate (else ~/.cache/translate) by the URL file name', () => {
    expect(translateCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe('/x/cache/translate');
    expect(translateCacheDir({ HOME: '/home/u' })).toBe('/home/u/.cache/translate');
    expect(vgg19CachePath({ HOME: '/home/u' })).toBe('/home/u/.cache/translate/vgg19-dcbb9e9d.safetensors');
    expect(sha256PrefixOfUrl(VGG19_URL)).toBe('dcbb9e9d');
    expect(sha256PrefixOfUrl('http://127.0.0.1:8000/vgg19.pth')).toBeNull();
  });

  it('missing: a TranslateError that says how to get them (never a random VGG); present in the cache: used by default', async () => {
    await useBackend('cpu');
    const cache = mkdtempSync(join(tmpdir(), 'vgg-cache-'));
    process.env.XDG_CACHE_HOME = cache;
    expect(defaultVgg19Weights()).toBeNull();
    expect(() => loadVgg19('')).toThrow(TranslateError);
    expect(() => loadVgg19('')).toThrow(HOW_TO_GET_VGG);
    expect(() => loadVgg19(join(cache, 'nope.pth'))).toThrow(/nope\.pth does not exist/);
    seedEverything(9);
    const source = new Vgg19Features();
    const pth = join(cache, 'source.pth');
    const state = source.stateDict();
    state.set('classifier.6.bias', { dtype: 'F32', shape: [3], data: new Float32Array(3) });
    writeFileSync(pth, writePth(state));
    convertVgg19Weights(pth, vgg19CachePath());
    const converted = readSafetensors(new Uint8Array(readFileSync(vgg19CachePath()))).tensors;
    expect([...converted.keys()].every((k) => k.startsWith('features.'))).toBe(true);
    expect(converted.size).toBe(32);
    expect(existsSync(`${vgg19CachePath()}.tmp`)).toBe(false);
    expect(defaultVgg19Weights()).toBe(vgg19CachePath());
    const vgg = loadVgg19('');
    expect(vgg.stateDict().get('features.28.weight')!.data).toEqual(state.get('features.28.weight')!.data);
    vgg.dispose();
    source.dispose();
  });
});
