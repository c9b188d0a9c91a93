/**
 * The published weights of the evaluation networks, where to download them, and how they are
 * loaded: `translate weights fetch inception|lpips-vgg|lpips-alex` downloads every part, checks the
 * sha256 prefix torch hub's naming puts in a file name (`<name>-<first hex digits of sha256>.pth`)
 * where the publisher gives one, merges the parts into one safetensors state dict (the keys of
 * `FidInceptionV3` / `Lpips`) and caches it under `$XDG_CACHE_HOME/translate/`. `--weights <file>`
 * takes such a file, or pytorch-fid's `.pth` directly for Inception.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TranslateError } from '../errors.js';
import { readPth } from '../interop/pth.js';
import { readSafetensors, writeSafetensors } from '../interop/safetensors.js';
import type { RawStateDict } from '../interop/raw_tensor.js';
import { translateCacheDir } from '../perceptual/vgg_weights.js';
import { FidInceptionV3 } from './inception/fid_inception.js';
import { Lpips, lpipsStateFromParts, type LpipsNet } from './lpips.js';

/** Names `translate weights fetch` knows for the metrics. */
export type MetricWeightsName = 'inception' | 'lpips-vgg' | 'lpips-alex';

/** One published file and what it is. */
export interface WeightsPart {
  url: string;
  about: string;
}

/** Every metric network's published parts (backbone first for LPIPS) and its cache file name. */
export const METRIC_WEIGHTS: Readonly<Record<MetricWeightsName, { parts: WeightsPart[]; cacheFile: string }>> = {
  inception: {
    parts: [
      {
        url: 'https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth',
        about: "pytorch-fid's FID Inception (TensorFlow 2015-12-05 graph)",
      },
    ],
    cacheFile: 'pt_inception-2015-12-05-6726825d.safetensors',
  },
  'lpips-vgg': {
    parts: [
      { url: 'https://download.pytorch.org/models/vgg16-397923af.pth', about: "torchvision's ImageNet VGG16" },
      {
        url: 'https://github.com/richzhang/PerceptualSimilarity/raw/master/lpips/weights/v0.1/vgg.pth',
        about: 'LPIPS v0.1 linear heads (VGG)',
      },
    ],
    cacheFile: 'lpips-v0.1-vgg.safetensors',
  },
  'lpips-alex': {
    parts: [
      { url: 'https://download.pytorch.org/models/alexnet-owt-7be5be79.pth', about: "torchvision's ImageNet AlexNet" },
      {
        url: 'https://github.com/richzhang/PerceptualSimilarity/raw/master/lpips/weights/v0.1/alex.pth',
        about: 'LPIPS v0.1 linear heads (AlexNet)',
      },
    ],
    cacheFile: 'lpips-v0.1-alex.safetensors',
  },
};

/** The cached safetensors file of `name`. */
export function metricWeightsCachePath(name: MetricWeightsName, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return join(translateCacheDir(env), METRIC_WEIGHTS[name].cacheFile);
}

/** Reads a `.pth` or `.safetensors` state dict. */
export function readStateFile(path: string): RawStateDict {
  const bytes = new Uint8Array(readFileSync(path));
  return path.endsWith('.safetensors') ? readSafetensors(bytes, path).tensors : readPth(bytes, path).tensors;
}

/** `file`, else the cache; neither is an error saying how to get the weights. */
function weightsFile(name: MetricWeightsName, file: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const path = file || metricWeightsCachePath(name, env);
  if (existsSync(path)) return path;
  const urls = METRIC_WEIGHTS[name].parts.map((p) => p.url).join(' and ');
  throw new TranslateError(
    file
      ? `Weights file ${file} does not exist.`
      : `The ${name} weights are not cached at ${path}. Run \`translate weights fetch ${name}\` on a machine with internet (it downloads ${urls}), or pass --weights <file>.`,
    { usage: Boolean(file) },
  );
}

/** pytorch-fid's Inception with the weights of `file` (its `.pth` or our safetensors), or of the cache. */
export function loadFidInception(file?: string, env: Readonly<Record<string, string | undefined>> = process.env): FidInceptionV3 {
  const path = weightsFile('inception', file, env);
  const net = new FidInceptionV3();
  try {
    net.loadPublishedState(readStateFile(path), path);
  } catch (err) {
    net.dispose();
    throw err;
  }
  return net;
}

/** LPIPS v0.1 on `kind` with the weights of `file` (an LPIPS state dict) or of the cache. */
export function loadLpips(kind: LpipsNet, file?: string, env: Readonly<Record<string, string | undefined>> = process.env): Lpips {
  const path = weightsFile(kind === 'vgg' ? 'lpips-vgg' : 'lpips-alex', file, env);
  const model = new Lpips(kind);
  try {
    model.loadPublishedState(readStateFile(path), path);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

/**
 * Merges the downloaded parts of `name` (paths in `METRIC_WEIGHTS` order) into one state dict,
 * checks that it loads into the network (every key and shape), and writes it atomically to `outPath`.
 */
export function convertMetricWeights(name: MetricWeightsName, partPaths: readonly string[], outPath: string): void {
  const parts = partPaths.map(readStateFile);
  const state =
    name === 'inception'
      ? new Map([...parts[0]!].filter(([k]) => !k.startsWith('fc.')))
      : lpipsStateFromParts(name === 'lpips-vgg' ? 'vgg' : 'alex', parts[0]!, parts[1]!);
  const probe = name === 'inception' ? new FidInceptionV3() : new Lpips(name === 'lpips-vgg' ? 'vgg' : 'alex');
  try {
    probe.loadStateDict(state, { source: partPaths.join(' + ') });
  } finally {
    probe.dispose();
  }
  mkdirSync(dirname(outPath), { recursive: true });
  const tmp = `${outPath}.tmp`;
  writeFileSync(tmp, writeSafetensors(state, { format: 'pt', source: METRIC_WEIGHTS[name].parts.map((p) => p.url).join(' ') }));
  renameSync(tmp, outPath);
}
