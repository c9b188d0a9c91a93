/**
 * The test loop on batches: every image of a batch is written under its own name with its own
 * slice of each visual and its own metrics (the same as a batch-1 run of that image), `num_test`
 * counts images (a last batch is cut), and no tensor outlives the run.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { listModels, registerModel, type ModelPlugin } from '../../src/model/plugin.js';
import { TestModel, testModelPlugin } from '../../src/model/test_model.js';
import { tensorImages } from '../../src/metrics/image.js';
import { testModel } from '../../src/engine/test.js';
import type { Options } from '../../src/options/schema.js';
import { memoryData } from './memory_data.js';
import { fixturePath, useBackend } from '../helpers.js';

/** The test model reporting the mean of each image's output as its metric. */
class MeanModel extends TestModel {
  override testMetrics(): ReadonlyArray<Record<string, number>> | null {
    return tensorImages(this.currentVisuals().fake!).map((image) => ({
      mean: Array.from(image.data).reduce((s, v) => s + v, 0) / image.data.length,
    }));
  }
}

/** A broken plugin model: one metrics record per batch. */
class FirstOnlyModel extends MeanModel {
  override testMetrics(): ReadonlyArray<Record<string, number>> | null {
    return super.testMetrics()!.slice(0, 1);
  }
}

/** A broken plugin model: its `fake` visual holds the first image only. */
class FirstFakeModel extends TestModel {
  override forward(): void {
    super.forward();
    const fake = this.visual('fake');
    tf.tidy(() => this.setVisual('fake', tf.slice(fake, [0, 0, 0, 0], [1, -1, -1, -1])));
  }
}

const plugins: ModelPlugin[] = [
  testModelPlugin,
  { ...testModelPlugin, name: 'mean_test', create: (opt, env) => new MeanModel(opt, env) },
  { ...testModelPlugin, name: 'first_only_test', create: (opt, env) => new FirstOnlyModel(opt, env) },
  { ...testModelPlugin, name: 'first_fake_test', create: (opt, env) => new FirstFakeModel(opt, env) },
];
for (const plugin of plugins) if (!listModels().some((m) => m.plugin.name === plugin.name)) registerModel(plugin, 'test loop tests');

/** A checkpoint folder holding the reference's resnet_9blocks (ngf 8) as `latest_net_G.pth`. */
function checkpoints(): string {
  const dir = mkdtempSync(join(tmpdir(), 'translate-test-loop-'));
  mkdirSync(join(dir, 'pretrained'));
  copyFileSync(fixturePath('reference/resnet_9blocks.pth'), join(dir, 'pretrained', 'latest_net_G.pth'));
  return dir;
}

function options(dir: string, results: string, overrides: Options = {}): Options {
  return {
    model: 'test',
    model_suffix: '',
    checkpoints_dir: dir,
    name: 'pretrained',
    results_dir: join(dir, results),
    phase: 'test',
    epoch: 'latest',
    load_iter: 0,
    num_test: 50,
    eval: false,
    verbose: false,
    aspect_ratio: 1,
    display_winsize: 64,
    netG: 'resnet_9blocks',
    norm: 'instance',
    no_dropout: true,
    ngf: 8,
    input_nc: 3,
    output_nc: 3,
    init_type: 'normal',
    init_gain: 0.02,
    ...overrides,
  };
}

/**
 * Makes `dir` read-only and returns the undo: chmod 0555, or as root (whom chmod does not stop) a
 * read-only bind mount of `dir` onto itself; undefined when root may not mount.
 */
function makeReadOnly(dir: string): (() => void) | undefined {
  if (process.getuid?.() !== 0) {
    chmodSync(dir, 0o555);
    return () => chmodSync(dir, 0o755);
  }
  const run = (args: string[]) => execFileSync(args[0]!, args.slice(1), { stdio: 'ignore' });
  try {
    run(['mount', '--bind', dir, dir]);
  } catch {
    return undefined;
  }
  try {
    run(['mount', '-o', 'remount,ro,bind', dir]);
  } catch {
    run(['umount', dir]);
    return undefined;
  }
  return () => run(['umount', dir]);
}

async function pixels(path: string): Promise<Buffer> {
  return (await sharp(path).raw().toBuffer({ resolveWithObject: true })).data;
}

/** What `run` returns, and how many more tensors exist after it than before. */
async function tensorsLeft<T>(run: () => Promise<T>): Promise<[T, number]> {
  const before = tf.memory().numTensors;
  const result = await run();
  return [result, tf.memory().numTensors - before];
}

/** The largest difference of two 8-bit images of one size. */
function worst(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

describe('test_opt.txt', () => {
  it('is written beside the checkpoints, or into the results folder (with one line saying so) when that folder is read-only', async (ctx) => {
    await useBackend('wasm');
    const dir = checkpoints();
    const writable = await testModel(options(dir, 'rw'), { data: memoryData(1, 16, 5, 1), log: () => undefined, optionsText: 'first\n' });
    expect(readFileSync(join(dir, 'pretrained', 'test_opt.txt'), 'utf8')).toBe('first\n');
    expect(existsSync(join(writable.webDir, 'test_opt.txt'))).toBe(false);

    const readOnly = checkpoints();
    const folder = join(readOnly, 'pretrained');
    const undo = makeReadOnly(folder);
    if (undo === undefined) return ctx.skip();
    const lines: string[] = [];
    try {
      const result = await testModel(options(readOnly, 'ro'), {
        data: memoryData(1, 16, 5, 1),
        log: (l) => lines.push(l),
        optionsText: 'second\n',
      });
      expect(result.images).toBe(1);
      expect(readFileSync(join(result.webDir, 'test_opt.txt'), 'utf8')).toBe('second\n');
      expect(existsSync(join(folder, 'test_opt.txt'))).toBe(false);
      expect(lines.filter((l) => l.includes('test_opt.txt'))).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${folder} is not writable \\((EACCES|EROFS|EPERM)\\); wrote test_opt.txt to ${join(result.webDir, 'test_opt.txt')} instead\\.$`,
          ),
        ),
      ]);
    } finally {
      undo();
    }
  });
});

describe('test loop on batches', () => {
  it('--batch_size 3 writes 3 images, each as a batch-1 run writes it, and frees every tensor', async () => {
    await useBackend('wasm');
    const dir = checkpoints();
    const lines: string[] = [];
    const [batched, left] = await tensorsLeft(() =>
      testModel(options(dir, 'batched'), { data: memoryData(3, 32, 5, 3), log: (l) => lines.push(l) }),
    );
    expect(left).toBe(0);
    expect(batched.images).toBe(3);
    expect(lines).toContain(`Wrote 3 results to ${join(batched.webDir, 'index.html')}`);
    const single = await testModel(options(dir, 'single'), { data: memoryData(3, 32, 5, 1), log: () => undefined });
    const files = ['img0', 'img1', 'img2'].flatMap((stem) => [`${stem}_real.png`, `${stem}_fake.png`]);
    expect(readdirSync(join(batched.webDir, 'images')).sort()).toEqual([...files].sort());
    for (const file of files) {
      // One level: the batched convolution may round differently before the 8-bit truncation.
      expect(
        worst(await pixels(join(batched.webDir, 'images', file)), await pixels(join(single.webDir, 'images', file))),
        file,
      ).toBeLessThanOrEqual(1);
    }
    // Three different inputs, three different outputs.
    const fakes = await Promise.all([0, 1, 2].map((k) => pixels(join(batched.webDir, 'images', `img${k}_fake.png`))));
    expect(worst(fakes[0]!, fakes[1]!)).toBeGreaterThan(10);
    expect(worst(fakes[1]!, fakes[2]!)).toBeGreaterThan(10);
    const html = readFileSync(join(batched.webDir, 'index.html'), 'utf8');
    for (const file of files) expect(html).toContain(`images/${file}`);
  });

  it('num_test counts images: batches of 2 with --num_test 3 write 3 images (the second batch is cut)', async () => {
    await useBackend('wasm');
    const dir = checkpoints();
    const lines: string[] = [];
    const result = await testModel(options(dir, 'cut', { num_test: 3 }), { data: memoryData(5, 16, 7, 2), log: (l) => lines.push(l) });
    expect(result.images).toBe(3);
    const written = readdirSync(join(result.webDir, 'images'));
    expect(written.filter((f) => f.endsWith('_fake.png'))).toHaveLength(3);
    expect(written).toHaveLength(6);
    expect(lines.filter((l) => l.startsWith('processing'))).toEqual([
      expect.stringMatching(/^processing \(0000\)-th image\.\.\. \["img\d\.png","img\d\.png"\]$/),
    ]);
  });

  it("metrics per image: each row of metrics.csv is that image's own (as with --batch_size 1), and the mean is over images", async () => {
    await useBackend('wasm');
    const dir = checkpoints();
    const batched = await testModel(options(dir, 'batched', { model: 'mean_test' }), {
      data: memoryData(3, 16, 5, 3),
      log: () => undefined,
    });
    const single = await testModel(options(dir, 'single', { model: 'mean_test' }), { data: memoryData(3, 16, 5, 1), log: () => undefined });
    const table = (web: string) =>
      new Map(
        readFileSync(join(web, 'metrics.csv'), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((r) => r.split(',') as [string, string])
          .map(([k, v]) => [k, Number(v)]),
      );
    const [b, s] = [table(batched.webDir), table(single.webDir)];
    expect([...b.keys()].sort()).toEqual(['img0', 'img1', 'img2', 'mean']);
    for (const stem of ['img0', 'img1', 'img2']) expect(b.get(stem)!, stem).toBeCloseTo(s.get(stem)!, 5);
    expect(new Set(['img0', 'img1', 'img2'].map((k) => b.get(k)!.toFixed(4))).size).toBe(3);
    expect(b.get('mean')!).toBeCloseTo((b.get('img0')! + b.get('img1')! + b.get('img2')!) / 3, 9);
    expect(batched.metrics!.mean).toBeCloseTo(b.get('mean')!, 9);
  });

  it('a model giving fewer metric records or visual images than inputs is an error naming it', async () => {
    await useBackend('wasm');
    const dir = checkpoints();
    await expect(
      testModel(options(dir, 'bad', { model: 'first_only_test' }), { data: memoryData(2, 16, 5, 2), log: () => undefined }),
    ).rejects.toThrow("Model 'first_only_test': testMetrics() gave 1 record(s) for a batch of 2 image(s); it must give one per image.");
    await expect(
      testModel(options(dir, 'bad', { model: 'first_fake_test' }), { data: memoryData(2, 16, 5, 2), log: () => undefined }),
    ).rejects.toThrow(
      "Model 'first_fake_test': visual 'fake' holds 1 image(s) but 'real' holds 2; every visual must hold one image per input of the batch.",
    );
  });
});
