/** The VGG19 weights: the cache location, the missing-weights error, and the .pth → safetensors conversion. */
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TranslateError } from '../../src/errors.js';
import { seedEverything } from '../../src/random.js';
import { Vgg19Features, HOW_TO_GET_VGG } from '../../src/perceptual/vgg19.js';
import { writePth } from '../../src/interop/pth.js';
import { readSafetensors } from '../../src/interop/safetensors.js';
import {
  convertVgg19Weights,
  defaultVgg19Weights,
  loadVgg19,
  sha256PrefixOfUrl,
  translateCacheDir,
  vgg19CachePath,
  VGG19_URL,
} from '../../src/perceptual/index.js';
import { useBackend } from '../helpers.js';

const savedCache = process.env.XDG_CACHE_HOME;
afterEach(() => {
  if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedCache;
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
