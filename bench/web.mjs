#!/usr/bin/env node
/**
 * The browser page's bundle size and first-image latency (not a test): exports a resnet_9blocks
 * ngf 64 CycleGAN generator (random weights) with `--format web`'s writer, then per backend that
 * headless Chromium offers (WebGPU, WebGL on SwiftShader, wasm) opens the page from file:// on a
 * fresh page `runs` times and times: page load to ready (weights + backend), the first 256×256
 * image (shader compilation / warm-up included) and a second one. Figures are the median with min
 * and max. Prints one JSON line; `benchWeb()` returns the same object (for bench/run.mjs).
 *
 *   node bench/web.mjs [--runs 3] [--size 256]
 * Needs `pnpm build` (the page assets) and /usr/bin/chromium.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { ResnetGenerator, writeImage } from '../packages/core/dist/index.js';
import { writeWeb } from '../packages/cli/dist/export/web.js';
import { summary } from './stats.mjs';

const CHROMIUM_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'];

/** Bytes and gzip bytes of a file. */
function sizeOf(path) {
  const bytes = readFileSync(path);
  return { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/** Writes the export of a random-weight resnet_9blocks ngf 64 generator into a temp folder. */
async function exportGenerator() {
  const out = mkdtempSync(join(tmpdir(), 'translate-web-bench-'));
  const module = new ResnetGenerator({ inputNc: 3, outputNc: 3, ngf: 64, norm: 'instance', useDropout: false, nBlocks: 9 });
  await writeWeb({
    plugin: null,
    options: { model: 'cyclegan', name: 'bench_resnet_9blocks' },
    networks: [{ name: 'G_A', module }],
    out,
    triton: false,
    float16: false,
    log: () => {},
  });
  module.dispose();
  return out;
}

/** A size×size test photo (smooth colour ramps) next to the export. */
async function testPhoto(dir, size) {
  const data = new Uint8Array(size * size * 3).map(
    (_, i) => (i % 3 === 0 ? (i / 3) % size : i % 3 === 1 ? Math.floor(i / 3 / size) : 128) & 255,
  );
  const file = join(dir, 'photo.png');
  await writeImage(file, { data, width: size, height: size, channels: 3 });
  return file;
}

/** One fresh page on `backend`: ms to ready, to the first output, to a second output; null if the backend is unavailable. */
async function timeOnce(browser, dir, photo, backend) {
  const page = await browser.newPage();
  try {
    const started = Date.now();
    await page.goto(`${pathToFileURL(join(dir, 'index.html')).href}?backend=${backend}`);
    await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state), null, { timeout: 300_000 });
    if ((await page.evaluate(() => document.body.dataset.state)) !== 'ready') return null;
    const ready = Date.now() - started;
    const image = async () => {
      const t0 = Date.now();
      await page.evaluate(() => (document.body.dataset.state = 'picking'));
      await page.setInputFiles('#file', photo);
      await page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 600_000 });
      return Date.now() - t0;
    };
    const first = await image();
    return { ready, first, second: await image() };
  } finally {
    await page.close();
  }
}

/** Runs the measurement; see the module comment. */
export async function benchWeb({ runs = 3, size = 256 } = {}) {
  const dir = await exportGenerator();
  const photo = await testPhoto(dir, size);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const latency = {};
  const version = browser.version();
  try {
    for (const backend of ['webgpu', 'webgl', 'wasm']) {
      const times = [];
      for (let i = 0; i < runs; i++) {
        const t = await timeOnce(browser, dir, photo, backend);
        if (t === null) break;
        times.push(t);
      }
      latency[backend] =
        times.length === 0 ? null : Object.fromEntries(['ready', 'first', 'second'].map((k) => [k, summary(times.map((t) => t[k]))]));
    }
  } finally {
    await browser.close();
  }
  return {
    bench: 'web',
    network: `resnet_9blocks ngf 64, ${size}×${size}, random weights`,
    chromium: version,
    bundle: sizeOf(join(dir, 'translate-web.js')),
    wasmBinary: sizeOf(join(dir, 'tfjs-backend-wasm-simd.js')),
    weights: manifest.shards.reduce((n, s) => n + s.bytes, 0),
    latencyMs: latency,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, size: { type: 'string', default: '256' } } });
  const result = await benchWeb({ runs: Number(values.runs), size: Number(values.size) });
  console.log(JSON.stringify(result));
}
