/**
 * The test loop (`translate test`): loads a checkpoint (its stored architecture is applied, so
 * `--netG/--norm/--no_dropout` need not be repeated), runs up to `num_test` images (a batch of
 * `--batch_size` images is written image by image, as SPADE does; the last batch is cut at
 * `num_test`) and writes `results/<name>/<phase>_<epoch>/images/<basename>_<visual>.png` and
 * `index.html`, plus `metrics.csv` (per image and mean) for models whose `testMetrics()` reports
 * numbers or when `--metrics fid,kid,lpips` asks for the evaluation metrics (FID/KID are set-level:
 * they fill the mean row; LPIPS has a value per image).
 */
import { join, basename, extname } from 'node:path';
import { mkdirSync } from 'node:fs';
import { TranslateError } from '../errors.js';
import { withFrozenWeights } from '../backend/frozen_weights.js';
import type { tf } from '../tf.js';
import { optNumber, optString, type Options } from '../options/schema.js';
import { openTrainedModel } from './trained_model.js';
import { disposeBatch, type DataSource } from './data.js';
import { tensorToImage, writePng } from './images.js';
import { resultsPage } from './html.js';
import { writeFileAtomic } from './atomic_files.js';
import { writeOptionsFile } from './options_file.js';
import { evaluateResults, evaluatedVisuals, parseResultMetrics, toRgbImage } from '../metrics/results_evaluation.js';
import type { MetricImage } from '../metrics/image.js';

/** What `testModel` needs besides options. */
export interface TestHooks {
  data: DataSource;
  log?: (line: string) => void;
  /** Text of `test_opt.txt` (the CLI formats it with the defaults): written beside the checkpoints, or into the results folder when that folder is read-only. */
  optionsText?: string;
}

/** What a test run wrote. */
export interface TestResult {
  webDir: string;
  images: number;
  /** Mean of each `testMetrics()` value over the images, and the `--metrics` values (FID/KID of the set, mean LPIPS). */
  metrics?: Record<string, number>;
}

/** Runs a trained model on a dataset and writes the results page. */
export async function testModel(options: Options, hooks: TestHooks): Promise<TestResult> {
  const log = hooks.log ?? ((line: string) => console.log(line));
  const trained = await openTrainedModel(options, log).catch(async (error: unknown) => {
    await hooks.data.close?.();
    throw error;
  });
  const { plugin, options: opt, model, dir } = trained;
  try {
    const loadIter = optNumber(opt, 'load_iter');
    const webDir = join(
      optString(opt, 'results_dir'),
      optString(opt, 'name'),
      `${optString(opt, 'phase')}_${optString(opt, 'epoch')}${loadIter > 0 ? `_iter${loadIter}` : ''}`,
    );
    if (hooks.optionsText) writeOptionsFile('test_opt.txt', hooks.optionsText, dir, webDir, log);
    const numTest = optNumber(opt, 'num_test');
    const aspectRatio = optNumber(opt, 'aspect_ratio');
    const rows: Array<{ name: string; images: Array<{ src: string; label: string }> }> = [];
    const metricRows: Array<[string, Record<string, number>]> = [];
    const evaluation = parseResultMetrics(optionalString(opt, 'metrics'));
    const pair = evaluation.length > 0 ? evaluatedVisuals(plugin.name, model.evaluatedVisuals, model.visualNames) : null;
    const evaluated = { real: [] as MetricImage[], fake: [] as MetricImage[], stems: [] as string[] };
    for await (const { batch } of hooks.data.epoch(1)) {
      if (rows.length >= numTest) {
        disposeBatch(batch);
        break;
      }
      model.setInput(batch);
      withFrozenWeights(() => model.test());
      model.computeVisuals();
      disposeBatch(batch);
      const visuals = Object.entries(model.currentVisuals());
      const start = rows.length;
      const size = batchImages(plugin.name, visuals, model.imagePaths);
      const count = Math.min(size, numTest - start);
      const metrics = model.testMetrics();
      if (metrics && metrics.length !== size) {
        throw new TranslateError(
          `Model '${plugin.name}': testMetrics() gave ${metrics.length} record(s) for a batch of ${size} image(s); it must give one per image.`,
          { usage: false },
        );
      }
      const paths = Array.from({ length: count }, (_, i) => model.imagePaths[i] ?? `image_${start + i}`);
      // The reference logs every 5th image; a batch logs when it holds one.
      if (Math.ceil(start / 5) * 5 < start + count)
        log(`processing (${String(start).padStart(4, '0')})-th image... ${JSON.stringify(paths)}`);
      for (const [i, path] of paths.entries()) {
        const stem = basename(path, extname(path));
        const images: Array<{ src: string; label: string }> = [];
        for (const [visual, tensor] of visuals) {
          const file = `images/${stem}_${visual}.png`;
          const image = tensorToImage(tensor, i);
          await writePng(join(webDir, file), image, aspectRatio);
          images.push({ src: file, label: visual });
          if (visual === pair?.fake) evaluated.fake.push(toRgbImage(image));
          if (visual === pair?.real) evaluated.real.push(toRgbImage(image));
        }
        if (pair) evaluated.stems.push(stem);
        const own = metrics?.[i];
        if (own) metricRows.push([stem, own]);
        rows.push({ name: own ? `${stem}: ${formatMetrics(own)}` : stem, images });
      }
    }
    const scores = pair
      ? evaluateResults(evaluation, evaluated.real, evaluated.fake, {
          inception: optionalString(opt, 'inception_weights'),
          lpips: optionalString(opt, 'lpips_weights'),
        })
      : null;
    if (scores) mergeEvaluation(metricRows, evaluated.stems, scores.perImage);
    const title =
      `Experiment = ${optString(opt, 'name')}, Phase = ${optString(opt, 'phase')}, Epoch = ${optString(opt, 'epoch')}` +
      (scores ? ` (${formatMetrics(scores.set)} over ${evaluated.fake.length} images)` : '');
    mkdirSync(webDir, { recursive: true });
    writeFileAtomic(join(webDir, 'index.html'), resultsPage({ title, rows, width: optNumber(opt, 'display_winsize') }));
    log(`Wrote ${rows.length} results to ${join(webDir, 'index.html')}`);
    if (metricRows.length === 0 && !scores) return { webDir, images: rows.length };
    const means = { ...(metricRows.length > 0 ? meanMetrics(metricRows.map(([, m]) => m)) : {}), ...scores?.set };
    writeFileAtomic(join(webDir, 'metrics.csv'), metricsCsv([...metricRows, ['mean', means]]));
    log(`Mean over ${metricRows.length} images: ${formatMetrics(means)} (${join(webDir, 'metrics.csv')})`);
    return { webDir, images: rows.length, metrics: means };
  } finally {
    model.dispose();
    await hooks.data.close?.();
  }
}

/**
 * The number of images in the batch the model just ran: the first dimension its visuals share
 * (without visuals, its image paths). Visuals of different batch sizes are a plugin bug.
 */
function batchImages(model: string, visuals: ReadonlyArray<[string, tf.Tensor4D]>, paths: readonly string[]): number {
  if (visuals.length === 0) return Math.max(1, paths.length);
  const [first, firstTensor] = visuals[0]!;
  const n = firstTensor.shape[0];
  const odd = visuals.find(([, t]) => t.shape[0] !== n);
  if (odd) {
    throw new TranslateError(
      `Model '${model}': visual '${odd[0]}' holds ${odd[1].shape[0]} image(s) but '${first}' holds ${n}; every visual must hold one image per input of the batch.`,
      { usage: false },
    );
  }
  return n;
}

/** A string option that programmatic callers of `testModel` may leave out (the evaluation options): '' when absent. */
function optionalString(opt: Options, key: string): string {
  return opt[key] === undefined ? '' : optString(opt, key);
}

/** Adds the per-image evaluation values to the model's own rows (a row per image when the model has none). */
function mergeEvaluation(
  rows: Array<[string, Record<string, number>]>,
  stems: readonly string[],
  perImage: ReadonlyArray<Record<string, number>>,
): void {
  if (rows.length === 0) stems.forEach((stem) => rows.push([stem, {}]));
  rows.forEach(([, values], i) => Object.assign(values, perImage[i]));
}

/** `name value, …` with 4 decimals. */
function formatMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join(', ');
}

/** The mean of every key over the rows (the keys of the first row). */
function meanMetrics(rows: ReadonlyArray<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.keys(rows[0]!).map((k) => [k, rows.reduce((s, r) => s + (r[k] ?? NaN), 0) / rows.length]));
}

/** CSV with an `image` column and one column per metric (every key of any row; a value a row lacks is empty). */
function metricsCsv(rows: ReadonlyArray<[string, Record<string, number>]>): string {
  const keys = [...new Set(rows.flatMap(([, m]) => Object.keys(m)))];
  const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return `${[['image', ...keys].join(','), ...rows.map(([name, m]) => [quote(name), ...keys.map((k) => (k in m ? String(m[k]) : ''))].join(','))].join('\n')}\n`;
}
