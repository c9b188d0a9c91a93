/**
 * `translate test --metrics fid,kid,lpips`: which visuals of a model are the generated and the
 * real images, and the metrics over all test images (FID and KID for the set, LPIPS per pair and
 * its mean), with the weights of `translate weights fetch` or the given files.
 */
import { OptionError } from '../errors.js';
import type { EvaluatedVisuals } from '../model/base_model.js';
import type { FeatureMatrix } from './features.js';
import { frechetDistanceOfFeatures } from './fid.js';
import type { MetricImage } from './image.js';
import { inceptionFeatures } from './inception_features.js';
import { kernelInceptionDistance } from './kid.js';
import { lpipsOfPairs } from './lpips_images.js';
import { loadFidInception, loadLpips } from './metric_weights.js';

/** The metrics `--metrics` accepts. */
export const RESULT_METRICS = ['fid', 'kid', 'lpips'] as const;

/** One of `RESULT_METRICS`. */
export type ResultMetric = (typeof RESULT_METRICS)[number];

/** Parses `--metrics` (comma-separated, case-insensitive); empty gives none. */
export function parseResultMetrics(text: string): ResultMetric[] {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  for (const n of names) {
    if (!(RESULT_METRICS as readonly string[]).includes(n))
      throw new OptionError(`--metrics: unknown metric '${n}'; known: ${RESULT_METRICS.join(', ')}.`);
  }
  return [...new Set(names)] as ResultMetric[];
}

/** The (generated, real) visuals a model declares, or an OptionError saying it has none. */
export function evaluatedVisuals(model: string, pair: EvaluatedVisuals | null, visualNames: readonly string[]): EvaluatedVisuals {
  if (!pair) {
    throw new OptionError(
      `--metrics: model '${model}' has no pair of generated and real visuals (${visualNames.join(', ')}); ` +
        'compare its results folder with the target images using `translate metrics fid --real <dir> --fake <dir>`.',
    );
  }
  return pair;
}

/** Weights files for the networks (empty: the cache). */
export interface ResultMetricWeights {
  inception?: string;
  lpips?: string;
}

/** The metrics of the whole set and, for LPIPS, of every pair. */
export interface ResultMetricValues {
  set: Record<string, number>;
  perImage: Array<Record<string, number>>;
}

/** Computes `metrics` over paired 8-bit RGB images (LPIPS with the AlexNet heads, the LPIPS default). */
export function evaluateResults(
  metrics: readonly ResultMetric[],
  real: readonly MetricImage[],
  fake: readonly MetricImage[],
  weights: ResultMetricWeights = {},
): ResultMetricValues {
  const set: Record<string, number> = {};
  const perImage: Array<Record<string, number>> = fake.map(() => ({}));
  if (metrics.includes('fid') || metrics.includes('kid')) {
    const net = loadFidInception(weights.inception || undefined);
    let a: FeatureMatrix;
    let b: FeatureMatrix;
    try {
      a = inceptionFeatures(net, real);
      b = inceptionFeatures(net, fake);
    } finally {
      net.dispose();
    }
    if (metrics.includes('fid')) set.fid = frechetDistanceOfFeatures(a, b);
    if (metrics.includes('kid')) set.kid = kernelInceptionDistance(a, b);
  }
  if (metrics.includes('lpips')) {
    const model = loadLpips('alex', weights.lpips || undefined);
    try {
      const values = lpipsOfPairs(model, real, fake);
      values.forEach((v, i) => (perImage[i]!.lpips = v));
      set.lpips = values.reduce((s, v) => s + v, 0) / values.length;
    } finally {
      model.dispose();
    }
  }
  return { set, perImage };
}

/** An 8-bit image as RGB (gray copied to the three channels, as PIL's `convert('RGB')`). */
export function toRgbImage(image: { data: Uint8Array; width: number; height: number; channels: number }): MetricImage {
  if (image.channels === 3) return image;
  if (image.channels !== 1) throw new RangeError(`Metrics need gray or RGB images; got ${image.channels} channels.`);
  const data = new Uint8Array(image.width * image.height * 3);
  for (let i = 0; i < image.width * image.height; i++) data[3 * i] = data[3 * i + 1] = data[3 * i + 2] = image.data[i]!;
  return { data, width: image.width, height: image.height, channels: 3 };
}
