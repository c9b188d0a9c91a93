/**
 * Where translate keeps torchvision's ImageNet VGG19 weights: fetched once from the official URL
 * (`translate weights fetch vgg19`), verified by the sha256 prefix torchvision puts in the file
 * name, converted to safetensors (the `features.*` tensors only) and cached under
 * `$XDG_CACHE_HOME/translate/` (default `~/.cache/translate/`).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { TranslateError } from '../errors.js';
import { readPth } from '../interop/pth.js';
import { writeSafetensors } from '../interop/safetensors.js';
import type { RawStateDict } from '../interop/raw_tensor.js';
import { HOW_TO_GET_VGG, Vgg19Features } from './vgg19.js';

/** torchvision's VGG19 ImageNet weights. */
export const VGG19_URL = 'https://download.pytorch.org/models/vgg19-dcbb9e9d.pth';

/**
 * The sha256 prefix that torchvision names its files by (`<name>-<first 8 hex digits>.pth`) in a
 * URL's file name, or null when the name carries none.
 */
export function sha256PrefixOfUrl(url: string): string | null {
  const file = new URL(url).pathname.split('/').pop() ?? '';
  return /-([a-f0-9]{8,})\.[^.]+$/.exec(file)?.[1] ?? null;
}

/** The cache folder: `$XDG_CACHE_HOME/translate`, else `~/.cache/translate`. */
export function translateCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'translate');
}

/** The cached safetensors file of the weights at `url` (its file name with `.safetensors`). */
export function vgg19CachePath(env: Readonly<Record<string, string | undefined>> = process.env, url = VGG19_URL): string {
  const file = new URL(url).pathname
    .split('/')
    .pop()!
    .replace(/\.[^.]+$/, '');
  return join(translateCacheDir(env), `${file}.safetensors`);
}

/** The default `--vgg_weights`: the cached official weights when they are there, else null. */
export function defaultVgg19Weights(env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  const path = vgg19CachePath(env);
  return existsSync(path) ? path : null;
}

/**
 * A frozen VGG19 with the weights of `path`, or of the cache when `path` is empty. No file at all
 * is a TranslateError that says how to get one (never a random VGG); `flag` names the option.
 */
export function loadVgg19(path: string, flag = '--vgg_weights'): Vgg19Features {
  const file = path || defaultVgg19Weights();
  if (!file) {
    throw new TranslateError(
      `The VGG perceptual loss needs ImageNet VGG19 weights: ${flag} was not given and ${vgg19CachePath()} does not exist. ${HOW_TO_GET_VGG}`,
    );
  }
  const vgg = new Vgg19Features();
  try {
    vgg.loadWeightsFile(file);
  } catch (err) {
    vgg.dispose();
    throw err;
  }
  return vgg;
}

/**
 * Converts torchvision's VGG19 `.pth` to a safetensors file of its `features.*` tensors, written
 * atomically (a temporary file renamed into place, folders created). The file must load into `Vgg19Features`.
 */
export function convertVgg19Weights(pthPath: string, outPath: string): void {
  const all = readPth(new Uint8Array(readFileSync(pthPath)), pthPath).tensors;
  const features: RawStateDict = new Map([...all].filter(([k]) => k.startsWith('features.')));
  const probe = new Vgg19Features();
  try {
    probe.loadStateDict(features, { source: pthPath });
  } finally {
    probe.dispose();
  }
  mkdirSync(dirname(outPath), { recursive: true });
  const tmp = `${outPath}.tmp`;
  writeFileSync(tmp, writeSafetensors(features, { format: 'pt', source: 'torchvision vgg19 features' }));
  renameSync(tmp, outPath);
}
