/**
 * `translate weights`: `inspect` and `convert` weight files (own modules), `fetch
 * inception|lpips-vgg|lpips-alex` for the evaluation metrics (weights_fetch_metrics.ts), and `fetch vgg19`, which
 * downloads torchvision's ImageNet VGG19 weights (resuming a partial download), checks the sha256
 * prefix that torchvision puts in the file name, converts the `features.*` tensors once to
 * safetensors and caches them under `$XDG_CACHE_HOME/translate/` (default `~/.cache/translate/`),
 * where `--vgg_weights` finds them by default.
 */
import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { TranslateError, VGG19_URL, convertVgg19Weights, sha256PrefixOfUrl, vgg19CachePath } from '@translate/core';
import { DownloadError, downloadFile, sha256File } from '@translate/datasets';
import type { CliContext } from '../context.js';
import { addWeightsConvertCommand } from './weights_convert.js';
import { addWeightsInspectCommand } from './weights_inspect.js';
import { fetchMetricWeights } from './weights_fetch_metrics.js';

/** The weights `translate weights fetch` knows. */
export const FETCHABLE_WEIGHTS = ['vgg19', 'inception', 'lpips-vgg', 'lpips-alex'] as const;

/** Options of `fetchVgg19`. */
export interface FetchVgg19Options {
  /** Where to download from (default torchvision's URL); its file name must carry the sha256 prefix. */
  url?: string;
  /** Environment for the cache location (`XDG_CACHE_HOME`, `HOME`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Download again even when the cache holds the file. */
  force?: boolean;
  log?: (line: string) => void;
}

/** What a fetch produced: the cached safetensors file, and whether it was there already. */
export interface FetchResult {
  path: string;
  downloaded: boolean;
  sha256?: string;
}

/** Downloads, verifies, converts and caches VGG19's weights; a cached file is kept unless `force`. */
export async function fetchVgg19(options: FetchVgg19Options): Promise<FetchResult> {
  const url = options.url ?? VGG19_URL;
  const log = options.log ?? (() => undefined);
  const prefix = sha256PrefixOfUrl(url);
  if (prefix === null) {
    throw new TranslateError(
      `--url ${url}: the file name carries no sha256 prefix (torchvision names its files <name>-<first 8 hex digits of the sha256>.pth), so the download could not be verified.`,
    );
  }
  const target = vgg19CachePath(options.env, url);
  if (existsSync(target) && !options.force) return { path: target, downloaded: false };
  const pth = join(dirname(target), basename(new URL(url).pathname));
  log(`Downloading ${url}`);
  let shown = -1;
  await downloadFile(url, pth, (got, total) => {
    const percent = total ? Math.floor((got / total) * 10) * 10 : -1;
    if (percent > shown) {
      shown = percent;
      log(`  ${percent}% of ${(total! / 1048576).toFixed(0)} MB`);
    }
  });
  const sha256 = await sha256File(pth);
  if (!sha256.startsWith(prefix)) {
    await unlink(pth);
    throw new DownloadError(
      `The file from ${url} has sha256 ${sha256}, which does not start with ${prefix} as its name says; it was deleted. Try again, or another mirror with --url.`,
    );
  }
  log(`Verified sha256 ${sha256}; converting to ${target}`);
  convertVgg19Weights(pth, target);
  await unlink(pth);
  return { path: target, downloaded: true, sha256 };
}

/** Adds `weights inspect <file>`, `weights convert <in> <out>` and `weights fetch <name>`. */
export function addWeightsCommand(program: Command, ctx: CliContext): void {
  const weights = program
    .command('weights')
    .description(
      'inspect and convert weight files (.pth, .safetensors); download and cache pretrained weights that losses (VGG19) and metrics (Inception, LPIPS) need',
    )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  translate weights inspect latest_net_G.pth          format, keys and shapes, and the translate network and flags it is',
        '  translate weights convert model.pth model.safetensors --key params_ema',
        '  translate weights convert old_legacy.pth latest_net_G.pth   rewrite a legacy .pth in the zip format',
        '  translate weights fetch vgg19                       VGG19 for the perceptual losses (needs internet)',
        "  translate weights fetch inception                   pytorch-fid's Inception for `translate metrics fid|kid`",
        '  translate weights fetch lpips-alex --from ~/dl      LPIPS from files downloaded elsewhere (offline machines)',
      ].join('\n'),
    );
  addWeightsInspectCommand(weights, ctx);
  addWeightsConvertCommand(weights, ctx);
  weights
    .command('fetch')
    .description(`download, verify (sha256), convert and cache pretrained weights; known: ${FETCHABLE_WEIGHTS.join(', ')}`)
    .argument('<name>', FETCHABLE_WEIGHTS.join(' | '))
    .option(
      '--url <url>',
      `vgg19: download from this URL (e.g. a mirror) instead of ${VGG19_URL}; the sha256 prefix in its file name is checked`,
    )
    .option('--from <folder>', 'inception, lpips-*: take the published files from this folder (same file names) instead of downloading')
    .option('--mirror <base-url>', 'inception, lpips-*: download the published files by name from this base URL')
    .option('--force', 'download again even if the cache has the file')
    .action(async (name: string, o: { url?: string; from?: string; mirror?: string; force?: boolean }) => {
      if (!(FETCHABLE_WEIGHTS as readonly string[]).includes(name))
        throw new TranslateError(`Unknown weights '${name}'. Known: ${FETCHABLE_WEIGHTS.join(', ')}.`);
      const log = (line: string) => ctx.io.stderr(`${line}\n`);
      if (name !== 'vgg19') {
        if (o.url)
          throw new TranslateError(`--url is for vgg19; ${name} has several published files: use --mirror <base-url> or --from <folder>.`);
        const result = await fetchMetricWeights(name as 'inception' | 'lpips-vgg' | 'lpips-alex', {
          from: o.from,
          mirror: o.mirror,
          force: o.force,
          env: ctx.io.env,
          log,
        });
        ctx.io.stdout(`${result.downloaded ? 'Cached' : 'Already cached:'} ${result.path}\n`);
        ctx.io.stdout('`translate metrics` uses it by default (or pass --weights <file>).\n');
        return;
      }
      const result = await fetchVgg19({ url: o.url, force: o.force, env: ctx.io.env, log });
      ctx.io.stdout(`${result.downloaded ? 'Cached' : 'Already cached:'} ${result.path}\n`);
      ctx.io.stdout("GauGAN's VGG loss uses it by default (or pass --vgg_weights <file>).\n");
    });
}
