/**
 * `translate weights fetch inception|lpips-vgg|lpips-alex`: downloads the published parts of an
 * evaluation network (core's `METRIC_WEIGHTS`; `--mirror <base URL>` serves them under the same
 * file names), or takes them from `--from <folder>` on a machine without internet, verifies the
 * sha256 prefix in each file name where the publisher gives one (torch hub's `<name>-<hex>.pth` convention: pytorch-fid's `…-6726825d.pth`, torchvision's
 * backbones; LPIPS's `vgg.pth`/`alex.pth` carry none and are checked by loading every key and
 * shape), merges them into one safetensors file and caches it.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  METRIC_WEIGHTS,
  TranslateError,
  convertMetricWeights,
  metricWeightsCachePath,
  sha256PrefixOfUrl,
  type MetricWeightsName,
} from '@translate/core';
import { DownloadError, downloadFile, sha256File } from '@translate/datasets';
import type { FetchResult } from './weights.js';

/** Options of `fetchMetricWeights`. */
export interface FetchMetricWeightsOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** A folder holding the published files under their own names, used instead of downloading. */
  from?: string;
  /** A base URL serving the published files under their own names, used instead of the publishers' hosts. */
  mirror?: string;
  force?: boolean;
  log?: (line: string) => void;
}

/** Gets, verifies, merges and caches the weights of `name`; a cached file is kept unless `force`. */
export async function fetchMetricWeights(name: MetricWeightsName, options: FetchMetricWeightsOptions): Promise<FetchResult> {
  const log = options.log ?? (() => undefined);
  const target = metricWeightsCachePath(name, options.env);
  if (existsSync(target) && !options.force) return { path: target, downloaded: false };
  const parts: string[] = [];
  mkdirSync(dirname(target), { recursive: true });
  try {
    for (const part of METRIC_WEIGHTS[name].parts) {
      const file = basename(new URL(part.url).pathname);
      const { about } = part;
      const url = options.mirror ? `${options.mirror.replace(/\/+$/, '')}/${file}` : part.url;
      const dest = join(dirname(target), file);
      if (options.from) {
        const local = join(options.from, file);
        if (!existsSync(local)) throw new TranslateError(`--from ${options.from}: ${file} (${about}, from ${url}) is not there.`);
        copyFileSync(local, dest);
      } else {
        log(`Downloading ${about}: ${url}`);
        await downloadFile(url, dest).catch((err: unknown) => {
          throw new DownloadError(
            `${(err as Error).message} The ${name} weights come from ${METRIC_WEIGHTS[name].parts.map((p) => p.url).join(' and ')}; ` +
              `without internet, download them elsewhere and run \`translate weights fetch ${name} --from <folder>\`, or pass --weights <file> to the metric.`,
            { cause: err },
          );
        });
      }
      parts.push(dest);
      await verifyPrefix(dest, url, log);
    }
    log(`Merging into ${target}`);
    convertMetricWeights(name, parts, target);
  } finally {
    await Promise.all(parts.map((p) => unlink(p).catch(() => undefined)));
  }
  return { path: target, downloaded: true };
}

async function verifyPrefix(path: string, url: string, log: (line: string) => void): Promise<void> {
  const prefix = sha256PrefixOfUrl(url);
  const sha256 = await sha256File(path);
  if (prefix === null) {
    log(`  ${basename(path)}: no published checksum (sha256 ${sha256}); checked by its keys and shapes`);
    return;
  }
  if (!sha256.startsWith(prefix)) {
    throw new DownloadError(
      `${basename(path)} has sha256 ${sha256}, which does not start with ${prefix} as its published name says; it was deleted.`,
    );
  }
  log(`  ${basename(path)}: sha256 ${sha256} matches its published prefix ${prefix}`);
}
