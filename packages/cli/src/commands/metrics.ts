/**
 * `translate metrics fid|kid|lpips|psnr|ssim --real <dir> --fake <dir>` and `translate metrics
 * stats <dir> --out stats.npz`: the evaluation protocols of docs/evaluation.md on two image
 * folders (all images under each folder, sorted by path; LPIPS, PSNR and SSIM pair them in that
 * order). FID and KID use pytorch-fid's Inception with pytorch-fid's input pipeline or, with
 * `--mode clean`, clean-fid's; `--real` may also be a
 * statistics file (`metrics stats`, clean-fid's or pytorch-fid's `.npz`) for FID.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import {
  FID_MODES,
  OptionError,
  featureStatistics,
  frechetDistanceOfFeatures,
  frechetDistanceToFeatures,
  inceptionFeatures,
  initBackend,
  kernelInceptionDistance,
  loadFidInception,
  loadLpips,
  lpipsOfPairs,
  srMetrics,
  statisticsFromNpz,
  statisticsToNpz,
  type BackendRequest,
  type FeatureMatrix,
  type FidMode,
  type LpipsNet,
  type MetricImage,
  type SrChannel,
  decodeImage,
  toChannels,
} from '@translate/core';
import { listImages } from '@translate/datasets';
import type { CliContext } from '../context.js';

/** The metrics `translate metrics` computes between two folders. */
export const FOLDER_METRICS = ['fid', 'kid', 'lpips', 'psnr', 'ssim'] as const;

/** The parsed flags; the per-metric ones exist (with commander's defaults) only on their metric's command. */
interface MetricOptions {
  real: string;
  fake: string;
  weights?: string;
  backend: string;
  batch_size?: string;
  mode?: FidMode;
  net?: LpipsNet;
  subsets?: string;
  subset_size?: string;
  seed?: string;
  channel?: SrChannel;
  shave?: string;
}

/** Every image under `dir` (sorted by path) as 8-bit RGB, as PIL's `convert('RGB')` gives (alpha dropped, gray copied). */
export async function readRgbFolder(dir: string, warn: (message: string) => void): Promise<MetricImage[]> {
  const files = await listImages(dir, { warn });
  if (files.length === 0) throw new OptionError(`${dir} holds no images.`);
  const images: MetricImage[] = [];
  for (const file of files) {
    const rgb = toChannels(await decodeImage(file), 3, 'drop', file);
    const data = rgb.data instanceof Uint16Array ? Uint8Array.from(rgb.data, (v) => Math.round(v / 257)) : rgb.data;
    images.push({ data, width: rgb.width, height: rgb.height, channels: 3 });
  }
  return images;
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new OptionError(`${flag} must be a positive integer; got '${value}'.`);
  return n;
}

/** The Inception features of every folder in `dirs`, the network loaded once. */
async function features(dirs: readonly string[], o: MetricOptions, ctx: CliContext): Promise<FeatureMatrix[]> {
  const batchSize = positiveInt(o.batch_size!, '--batch_size');
  const folders: MetricImage[][] = [];
  for (const dir of dirs) folders.push(await readRgbFolder(dir, (m) => ctx.io.stderr(`${m}\n`)));
  const net = loadFidInception(o.weights, ctx.io.env);
  try {
    return folders.map((images) => inceptionFeatures(net, images, { batchSize, mode: o.mode }));
  } finally {
    net.dispose();
  }
}

async function computeMetric(metric: (typeof FOLDER_METRICS)[number], o: MetricOptions, ctx: CliContext): Promise<number> {
  const warn = (m: string) => ctx.io.stderr(`${m}\n`);
  if (metric === 'fid') {
    if (o.real.endsWith('.npz')) {
      if (!existsSync(o.real))
        throw new OptionError(
          `--real ${o.real}: no such statistics file (write one with \`translate metrics stats <dir> --out ${o.real}\`).`,
        );
      const stats = statisticsFromNpz(new Uint8Array(readFileSync(o.real)), o.real);
      const [fake] = await features([o.fake], o, ctx);
      return frechetDistanceToFeatures(stats, fake!);
    }
    const [real, fake] = await features([o.real, o.fake], o, ctx);
    return frechetDistanceOfFeatures(real!, fake!);
  }
  if (metric === 'kid') {
    const seed = Number(o.seed!);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new OptionError(`--seed must be a non-negative integer; got '${o.seed}'.`);
    const options = { numSubsets: positiveInt(o.subsets!, '--subsets'), maxSubsetSize: positiveInt(o.subset_size!, '--subset_size'), seed };
    const [real, fake] = await features([o.real, o.fake], o, ctx);
    return kernelInceptionDistance(real!, fake!, options);
  }
  const [real, fake] = [await readRgbFolder(o.real, warn), await readRgbFolder(o.fake, warn)];
  if (real.length !== fake.length)
    throw new OptionError(`${metric} compares image pairs: ${o.real} holds ${real.length} images and ${o.fake} holds ${fake.length}.`);
  if (metric === 'lpips') {
    const model = loadLpips(o.net!, o.weights, ctx.io.env);
    try {
      return mean(lpipsOfPairs(model, real, fake));
    } finally {
      model.dispose();
    }
  }
  const shave = Number(o.shave!);
  if (!Number.isInteger(shave) || shave < 0) throw new OptionError(`--shave must be a non-negative integer; got '${o.shave}'.`);
  const unit = (img: MetricImage): MetricImage => ({ ...img, data: Float64Array.from(img.data, (v) => v / 255) });
  return mean(real.map((r, i) => srMetrics(unit(fake[i]!), unit(r), { channel: o.channel!, shave })[metric]));
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** `--backend` for every metric; `--weights` where a network runs; the Inception flags for FID, KID and stats. */
function addCommonOptions(cmd: Command, network: 'inception' | 'lpips' | 'none'): Command {
  cmd.option('--backend <name>', 'tensor backend: auto, tensorflow-gpu, tensorflow, wasm, cpu', 'auto');
  if (network === 'none') return cmd;
  cmd.option(
    '--weights <file>',
    `${network === 'inception' ? 'Inception' : 'LPIPS'} weights file (default: the cache of \`translate weights fetch\`)`,
  );
  if (network === 'lpips') return cmd;
  return cmd
    .option('--batch_size <n>', 'images per Inception forward pass', '8')
    .addOption(
      new Option('--mode <mode>', "input protocol: legacy_pytorch (pytorch-fid's bilinear resize) or clean (clean-fid's PIL bicubic)")
        .choices([...FID_MODES])
        .default('legacy_pytorch'),
    );
}

/** Adds `translate metrics <metric>` and `translate metrics stats`. */
export function addMetricsCommand(program: Command, ctx: CliContext): void {
  const metrics = program
    .command('metrics')
    .description(
      'evaluate generated images against real ones: FID, KID (pytorch-fid Inception), LPIPS v0.1, PSNR/SSIM; precompute FID statistics',
    )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  translate metrics fid --real datasets/horse2zebra/testB --fake results/h2z/test_latest/fake',
        '  translate metrics stats datasets/horse2zebra/testB --out h2z_testB.npz',
        '  translate metrics fid --real h2z_testB.npz --fake results/h2z/test_latest/fake',
        '  translate metrics lpips --net alex --real a --fake b',
      ].join('\n'),
    );
  for (const metric of FOLDER_METRICS) {
    const network = metric === 'fid' || metric === 'kid' ? 'inception' : metric === 'lpips' ? 'lpips' : 'none';
    const cmd = addCommonOptions(metrics.command(metric).description(`${metric.toUpperCase()} between --real and --fake`), network)
      .requiredOption('--real <dir>', metric === 'fid' ? 'folder of real images, or a statistics .npz' : 'folder of real images')
      .requiredOption('--fake <dir>', 'folder of generated images');
    if (metric === 'kid')
      cmd
        .option('--subsets <n>', 'subsets averaged (clean-fid: 100)', '100')
        .option('--subset_size <n>', 'images per subset at most (clean-fid: 1000)', '1000')
        .option('--seed <n>', 'seed of the subset draws', '0');
    if (metric === 'lpips') cmd.addOption(new Option('--net <name>', 'LPIPS backbone').choices(['vgg', 'alex']).default('alex'));
    if (metric === 'psnr' || metric === 'ssim')
      cmd
        .addOption(new Option('--channel <c>', 'compare the Y channel (MATLAB rgb2ycbcr) or RGB').choices(['y', 'rgb']).default('y'))
        .option('--shave <n>', 'border pixels cropped on each side (the SR scale)', '0');
    cmd.action(async (o: MetricOptions) => {
      await initBackend(o.backend as BackendRequest, { log: (line) => ctx.io.stderr(`${line}\n`) });
      const value = await computeMetric(metric, o, ctx);
      ctx.io.stdout(`${metric} ${value}\n`);
    });
  }
  addCommonOptions(
    metrics.command('stats').description("write the FID statistics (mu, sigma) of a folder, in clean-fid's .npz format"),
    'inception',
  )
    .argument('<dir>', 'folder of images')
    .requiredOption('--out <file>', 'statistics file to write (.npz)')
    .action(async (dir: string, o: MetricOptions & { out: string }) => {
      await initBackend(o.backend as BackendRequest, { log: (line) => ctx.io.stderr(`${line}\n`) });
      const [folder] = await features([dir], o, ctx);
      const stats = featureStatistics(folder!);
      writeFileSync(o.out, statisticsToNpz(stats));
      ctx.io.stdout(`Wrote the statistics of ${dir} (${stats.dim} dims) to ${o.out}\n`);
    });
}
