/**
 * `translate weights fetch vgg19` against a local HTTP server on 127.0.0.1 (never the real host):
 * download, sha256-prefix check from the file name, conversion to a features-only safetensors
 * file in $XDG_CACHE_HOME/translate, no second download, and the refusals.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Vgg19Features, readSafetensors, seedEverything, writePth, type RawStateDict } from '@translate/core';
import { translate } from './helpers.js';

let server: Server;
let base: string;
let requests = 0;
const files = new Map<string, Uint8Array>();
let good: string;
let source: RawStateDict;

beforeAll(async () => {
  seedEverything(5);
  const vgg = new Vgg19Features();
  source = vgg.stateDict();
  vgg.dispose();
  const withClassifier: RawStateDict = new Map([
    ...source,
    ['classifier.0.weight', { dtype: 'F32', shape: [4, 2], data: new Float32Array(8) }],
  ]);
  const bytes = writePth(withClassifier);
  const prefix = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
  good = `vgg19-${prefix}.pth`;
  files.set(`/${good}`, bytes);
  files.set('/vgg19-00000000.pth', bytes);
  files.set('/vgg19.pth', bytes);
  server = createServer((req, res) => {
    requests++;
    const body = files.get(req.url ?? '');
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': body.length }).end(Buffer.from(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('translate weights fetch vgg19', () => {
  it('downloads, verifies the sha256 prefix, caches features-only safetensors under $XDG_CACHE_HOME/translate, and does not download twice', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'weights-'));
    const env = { XDG_CACHE_HOME: cache };
    const first = await translate(['weights', 'fetch', 'vgg19', '--url', `${base}/${good}`], env);
    expect(first.code, first.stderr).toBe(0);
    const target = join(cache, 'translate', good.replace('.pth', '.safetensors'));
    expect(first.stdout).toContain(`Cached ${target}`);
    expect(readdirSync(join(cache, 'translate'))).toEqual([good.replace('.pth', '.safetensors')]);
    const cached = readSafetensors(new Uint8Array(readFileSync(target))).tensors;
    expect([...cached.keys()].sort()).toEqual([...source.keys()].sort());
    expect(cached.get('features.34.weight')!.data).toEqual(source.get('features.34.weight')!.data);
    const seen = requests;
    const again = await translate(['weights', 'fetch', 'vgg19', '--url', `${base}/${good}`], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Already cached: ${target}`);
    expect(requests).toBe(seen);
  });

  it('refuses a file whose sha256 does not start with the prefix in its name, and deletes it', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'weights-'));
    const run = await translate(['weights', 'fetch', 'vgg19', '--url', `${base}/vgg19-00000000.pth`], { XDG_CACHE_HOME: cache });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/does not start with 00000000 as its name says; it was deleted/);
    expect(readdirSync(join(cache, 'translate'))).toEqual([]);
  });

  it('usage errors: a URL whose file name carries no sha256 prefix, unknown weights', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'weights-'));
    const noPrefix = await translate(['weights', 'fetch', 'vgg19', '--url', `${base}/vgg19.pth`], { XDG_CACHE_HOME: cache });
    expect(noPrefix.code).toBe(2);
    expect(noPrefix.stderr).toMatch(/--url .*vgg19\.pth: the file name carries no sha256 prefix/);
    const unknown = await translate(['weights', 'fetch', 'resnet50'], { XDG_CACHE_HOME: cache });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown weights 'resnet50'. Known: vgg19/);
    expect(existsSync(join(cache, 'translate'))).toBe(false);
  });
});
