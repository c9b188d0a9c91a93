/**
 * `translate metrics` on the fixture folders of packages/core/test/metrics/fixtures/eval with
 * `--weights` files holding the fixtures' deterministic weights (written here, never downloaded),
 * against the values of the reference implementations (eval/reference.json); the stats file; the
 * usage errors (exit 2); missing weights and an unreachable download host (exit 1); and
 * `translate test --metrics fid,kid,lpips` on a tiny pix2pix (metrics.csv, the page, and the same
 * numbers as `translate metrics` on the written fake_B/real_B images).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FidInceptionV3, Lpips, readNpz, writeSafetensors } from '@translate/core';
import { deterministicState } from '../../core/test/metrics/deterministic_weights.js';
import { tempDir, tinyPix2pixArgs, translate } from './helpers.js';

const evalDir = fileURLToPath(new URL('../../core/test/metrics/fixtures/eval', import.meta.url));
const real = join(evalDir, 'real');
const fake = join(evalDir, 'fake');
const reference = JSON.parse(readFileSync(join(evalDir, 'reference.json'), 'utf8')) as {
  fid_images: number;
  fid_images_clean: number;
  kid_images: number;
  lpips_alex: number[];
};
const relative = (x: number, y: number) => Math.abs(x / y - 1);

function printed(stdout: string, metric: string): number {
  const match = new RegExp(`^${metric} (\\S+)$`, 'm').exec(stdout);
  if (!match) throw new Error(`no '${metric}' line in: ${stdout}`);
  return Number(match[1]);
}

describe('translate metrics', () => {
  const dir = tempDir();
  const inception = join(dir, 'inception.safetensors');
  const lpips = join(dir, 'lpips_alex.safetensors');
  const backend = ['--backend', 'wasm'];
  beforeAll(() => {
    const net = new FidInceptionV3();
    writeFileSync(inception, writeSafetensors(deterministicState(net)));
    net.dispose();
    const model = new Lpips('alex');
    writeFileSync(lpips, writeSafetensors(deterministicState(model)));
    model.dispose();
  });

  it('fid and kid equal pytorch-fid / clean-fid within 1e-3 relative', async () => {
    const fid = await translate(['metrics', 'fid', '--real', real, '--fake', fake, '--weights', inception, ...backend]);
    expect(fid.code, fid.stderr).toBe(0);
    expect(relative(printed(fid.stdout, 'fid'), reference.fid_images)).toBeLessThan(1e-3);
    const kid = await translate([
      'metrics',
      'kid',
      '--real',
      real,
      '--fake',
      fake,
      '--weights',
      inception,
      '--batch_size',
      '3',
      ...backend,
    ]);
    expect(kid.code, kid.stderr).toBe(0);
    expect(relative(printed(kid.stdout, 'kid'), reference.kid_images)).toBeLessThan(1e-3);
  });

  it("stats --mode clean writes clean-fid's mu/sigma .npz, and fid --real <stats> equals clean-mode FID", async () => {
    const out = join(dir, 'real_stats.npz');
    const run = await translate(['metrics', 'stats', real, '--out', out, '--mode', 'clean', '--weights', inception, ...backend]);
    expect(run.code, run.stderr).toBe(0);
    const arrays = readNpz(new Uint8Array(readFileSync(out)));
    expect(arrays.get('mu')!.shape).toEqual([2048]);
    expect(arrays.get('sigma')!.shape).toEqual([2048, 2048]);
    expect(arrays.get('mu')!.data).toBeInstanceOf(Float64Array);
    const features = readNpz(new Uint8Array(readFileSync(join(evalDir, 'inception_features.npz')))).get('clean_real')!.data;
    const mu0 = (features[0]! + features[2048]! + features[4096]! + features[6144]!) / 4;
    expect(Math.abs(arrays.get('mu')!.data[0]! - mu0)).toBeLessThan(1e-5);
    const fid = await translate(['metrics', 'fid', '--real', out, '--fake', fake, '--mode', 'clean', '--weights', inception, ...backend]);
    expect(fid.code, fid.stderr).toBe(0);
    expect(relative(printed(fid.stdout, 'fid'), reference.fid_images_clean)).toBeLessThan(1e-3);
    const absent = await translate(['metrics', 'fid', '--real', join(dir, 'absent.npz'), '--fake', fake, ...backend]);
    expect([absent.code, absent.stderr]).toEqual([2, expect.stringContaining('no such statistics file')]);
  });

  it("lpips (alex) equals the mean of lpips's forward within 1e-3 relative", async () => {
    const run = await translate(['metrics', 'lpips', '--net', 'alex', '--real', real, '--fake', fake, '--weights', lpips, ...backend]);
    expect(run.code, run.stderr).toBe(0);
    const want = reference.lpips_alex.reduce((a, b) => a + b, 0) / reference.lpips_alex.length;
    expect(relative(printed(run.stdout, 'lpips'), want)).toBeLessThan(1e-3);
  });

  it('psnr and ssim of a folder against itself are infinite and 1', async () => {
    const psnr = await translate(['metrics', 'psnr', '--real', real, '--fake', real, ...backend]);
    expect(psnr.code, psnr.stderr).toBe(0);
    expect(printed(psnr.stdout, 'psnr')).toBe(Infinity);
    const ssim = await translate(['metrics', 'ssim', '--real', real, '--fake', real, '--channel', 'rgb', ...backend]);
    expect(printed(ssim.stdout, 'ssim')).toBeCloseTo(1, 12);
  });

  it('usage errors exit 2', async () => {
    expect((await translate(['metrics', 'fid', '--real', real])).code).toBe(2);
    const batch = await translate([
      'metrics',
      'fid',
      '--real',
      real,
      '--fake',
      fake,
      '--batch_size',
      '0',
      '--weights',
      inception,
      ...backend,
    ]);
    expect([batch.code, batch.stderr]).toEqual([2, expect.stringContaining("--batch_size must be a positive integer; got '0'")]);
    expect((await translate(['metrics', 'lpips', '--real', real, '--fake', fake, '--net', 'squeeze'])).code).toBe(2);
    const missing = await translate(['metrics', 'fid', '--real', real, '--fake', fake, '--weights', join(dir, 'nope.pth'), ...backend]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('nope.pth does not exist')]);
  });

  it('without cached weights it says how to fetch them (exit 1)', async () => {
    const run = await translate(['metrics', 'kid', '--real', real, '--fake', fake, ...backend], { XDG_CACHE_HOME: tempDir() });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('translate weights fetch inception');
    expect(run.stderr).toContain('pt_inception-2015-12-05-6726825d.pth');
  });

  it('translate test --metrics writes FID/KID (mean row) and LPIPS (per image) to metrics.csv and the page', async () => {
    const common = tinyPix2pixArgs(dir, 3);
    expect((await translate(['train', ...common, '--n_epochs', '1', '--n_epochs_decay', '0'])).code).toBe(0);
    const results = join(dir, 'results');
    const weights = ['--inception_weights', inception, '--lpips_weights', lpips];
    const bad = await translate(['test', ...common, '--results_dir', results, '--metrics', 'fid,is']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("--metrics: unknown metric 'is'; known: fid, kid, lpips")]);
    const run = await translate(['test', ...common, '--results_dir', results, '--metrics', 'fid,kid,lpips', ...weights]);
    expect(run.code, run.stderr).toBe(0);
    const web = join(results, 'p2p', 'test_latest');
    const csv = readFileSync(join(web, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('image,lpips,fid,kid');
    expect(csv).toHaveLength(1 + 3 + 1);
    expect(csv[1]).toMatch(/^[^,]+,[\d.e-]+,,$/);
    const [, meanLpips, fid, kid] = csv[4]!.split(',').map(Number);
    expect(readFileSync(join(web, 'index.html'), 'utf8')).toContain(`fid ${fid!.toFixed(4)}`);
    const folders = { real: join(dir, 'real_B'), fake: join(dir, 'fake_B') };
    for (const [side, suffix] of [
      ['real', '_real_B.png'],
      ['fake', '_fake_B.png'],
    ] as const) {
      mkdirSync(folders[side]);
      for (const f of readdirSync(join(web, 'images')).filter((f) => f.endsWith(suffix)))
        copyFileSync(join(web, 'images', f), join(folders[side], f));
    }
    const again = await translate(['metrics', 'fid', '--real', folders.real, '--fake', folders.fake, '--weights', inception, ...backend]);
    expect(relative(printed(again.stdout, 'fid'), fid!)).toBeLessThan(1e-9);
    const kidAgain = await translate([
      'metrics',
      'kid',
      '--real',
      folders.real,
      '--fake',
      folders.fake,
      '--weights',
      inception,
      ...backend,
    ]);
    expect(relative(printed(kidAgain.stdout, 'kid'), kid!)).toBeLessThan(1e-9);
    const lpipsAgain = await translate([
      'metrics',
      'lpips',
      '--real',
      folders.real,
      '--fake',
      folders.fake,
      '--weights',
      lpips,
      ...backend,
    ]);
    expect(relative(printed(lpipsAgain.stdout, 'lpips'), meanLpips!)).toBeLessThan(1e-9);
  });
});

describe('translate weights fetch inception|lpips-*', () => {
  it('an unreachable host is a clear error naming the file, the URL and the offline route', async () => {
    const cache = tempDir();
    const run = await translate(['weights', 'fetch', 'inception', '--mirror', 'http://127.0.0.1:9/mirror'], { XDG_CACHE_HOME: cache });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Cannot reach http://127.0.0.1:9/mirror/pt_inception-2015-12-05-6726825d.pth');
    expect(run.stderr).toContain(
      'https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth',
    );
    expect(run.stderr).toContain('--from <folder>');
    expect(existsSync(join(cache, 'translate', 'pt_inception-2015-12-05-6726825d.safetensors'))).toBe(false);
  });

  it('--from checks the published sha256 prefix and refuses a file that does not match', async () => {
    const from = tempDir();
    writeFileSync(join(from, 'alexnet-owt-7be5be79.pth'), 'not the weights');
    const run = await translate(['weights', 'fetch', 'lpips-alex', '--from', from], { XDG_CACHE_HOME: tempDir() });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/alexnet-owt-7be5be79\.pth has sha256 [0-9a-f]{64}, which does not start with 7be5be79/);
    const absent = await translate(['weights', 'fetch', 'lpips-vgg', '--from', from], { XDG_CACHE_HOME: tempDir() });
    expect(absent.stderr).toContain('vgg16-397923af.pth');
  });
});
