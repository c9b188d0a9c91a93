/**
 * `translate export --format onnx` end to end: a tiny CycleGAN trained through the CLI exports
 * G_A.onnx and G_B.onnx, whose onnxruntime outputs equal the generator's (float) and `translate
 * test`'s images; a reference checkpoint (pre-0.4 .pth) exports and reproduces the reference
 * test.py's images; `--triton` lays out a model repository; a network with a layer that has no
 * ONNX form fails with one message; `--format tfjs` is refused, pointing to web and onnx.
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import {
  Conv2d,
  Module,
  ResnetGenerator,
  Sequential,
  decodeImage,
  imageSignature,
  initBackend,
  readSafetensors,
  registerGenerator,
  tf,
  type GeneratorSpec,
  type OnnxGraph,
  type OnnxSignature,
} from '@translate/core';
import { tritonConfig } from '../src/export/triton.js';
import { SAMPLES, tempDir, translate } from './helpers.js';

/** Runs an ONNX model on one NCHW float input named `input`. */
async function runOnnx(file: string, data: Float32Array, dims: number[]): Promise<{ data: Float32Array; dims: number[] }> {
  const session = await InferenceSession.create(new Uint8Array(readFileSync(file)));
  const { output } = await session.run({ input: new Tensor('float32', data, dims) });
  await session.release();
  return { data: output!.data as Float32Array, dims: [...output!.dims] };
}

/** The largest difference between 8-bit HWC `levels` and the levels trunc((y + 1) / 2 · 255) of the NCHW output `y` (as test and test.py save). */
function worstLevel(levels: ArrayLike<number>, output: Float32Array, channels: number): number {
  const pixels = levels.length / channels;
  let worst = 0;
  for (let i = 0; i < levels.length; i++) {
    const y = output[(i % channels) * pixels + Math.floor(i / channels)]!;
    worst = Math.max(worst, Math.abs(Math.min(255, Math.max(0, Math.trunc(((y + 1) / 2) * 255))) - levels[i]!));
  }
  return worst;
}

/** An 8-bit HWC image as translate's network input: NCHW in [-1, 1]. */
function toInput({
  data,
  width,
  height,
  channels,
}: {
  data: ArrayLike<number>;
  width: number;
  height: number;
  channels: number;
}): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const c = i % channels;
    const pixel = Math.floor(i / channels);
    out[c * width * height + pixel] = (data[i]! / 255) * 2 - 1;
  }
  return out;
}

const checkpoints = tempDir();
const cycleGan = ['--name', 'cg', '--checkpoints_dir', checkpoints];

beforeAll(async () => {
  const train = await translate([
    'train',
    '--model',
    'cyclegan',
    '--dataroot',
    join(SAMPLES, 'photo2gray'),
    ...cycleGan,
    '--ngf',
    '4',
    '--ndf',
    '4',
    '--load_size',
    '36',
    '--crop_size',
    '32',
    '--max_dataset_size',
    '2',
    '--n_epochs',
    '1',
    '--n_epochs_decay',
    '0',
    '--backend',
    'cpu',
    '--seed',
    '3',
  ]);
  expect(train.stderr).toBe('');
  expect(train.code).toBe(0);
  await initBackend('cpu', { log: () => {} });
});

describe('translate export --format onnx', () => {
  it('writes G_A.onnx, G_B.onnx and export.json; G_A equals the generator and translate test', async () => {
    const out = join(tempDir(), 'onnx');
    const run = await translate(['export', ...cycleGan, '--format', 'onnx', '--out', out, '--backend', 'cpu']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['G_A.onnx', 'G_B.onnx', 'export.json']);
    expect(run.stdout).toContain('Exported G_A (ResnetGenerator, train mode) as ONNX');
    const manifest = JSON.parse(readFileSync(join(out, 'export.json'), 'utf8'));
    expect(manifest).toMatchObject({
      format: 'onnx',
      opset: 17,
      model: 'cyclegan',
      name: 'cg',
      architecture: { netG: 'resnet_9blocks', ngf: 4, norm: 'instance' },
      notes: [],
    });
    expect(manifest.preprocessing).toMatchObject({ input_nc: 3, output_nc: 3, load_size: 36, crop_size: 32 });
    expect(manifest.networks.map((n: { name: string; file: string; mode: string }) => [n.name, n.file, n.mode])).toEqual([
      ['G_A', 'G_A.onnx', 'train'],
      ['G_B', 'G_B.onnx', 'train'],
    ]);
    expect(manifest.networks[0].inputs[0]).toMatchObject({ name: 'input', dims: ['N', 3, 'H', 'W'] });

    // translate test on a whole 64×64 image (no crop, so the network's input is the file's pixels).
    const results = tempDir();
    const test = await translate([
      'test',
      '--model',
      'cyclegan',
      '--dataroot',
      join(SAMPLES, 'photo2gray'),
      ...cycleGan,
      '--results_dir',
      results,
      '--preprocess',
      'none',
      '--num_test',
      '1',
      '--backend',
      'cpu',
    ]);
    expect(test.code).toBe(0);
    const images = join(results, 'cg', 'test_latest', 'images');
    const stem = readdirSync(images)
      .find((f) => f.endsWith('_fake_B.png'))!
      .replace('_fake_B.png', '');
    const realA = await decodeImage(join(SAMPLES, 'photo2gray', 'testA', `${stem}.jpg`));
    const fakeB = await decodeImage(join(images, `${stem}_fake_B.png`));
    const dims = [1, 3, realA.height, realA.width];
    const onnx = await runOnnx(join(out, 'G_A.onnx'), toInput(realA), dims);
    expect(onnx.dims).toEqual([1, 3, 64, 64]);

    // Float: the generator with the checkpoint's weights.
    const net = new ResnetGenerator({ inputNc: 3, outputNc: 3, ngf: 4, norm: 'instance', useDropout: false, nBlocks: 9 });
    net.loadStateDict(readSafetensors(new Uint8Array(readFileSync(join(checkpoints, 'cg', 'latest_net_G_A.safetensors')))).tensors);
    const expected = tf.tidy(
      () =>
        tf
          .transpose(
            net.forward(tf.transpose(tf.tensor(toInput(realA), dims as [number, number, number, number]), [0, 2, 3, 1]) as tf.Tensor4D),
            [0, 3, 1, 2],
          )
          .dataSync() as Float32Array,
    );
    net.dispose();
    const floatDiff = Math.max(...expected.map((v, i) => Math.abs(v - onnx.data[i]!)));
    expect(floatDiff).toBeLessThan(1e-4);

    // 8-bit: translate test's fake_B.png; a value within 1e-4 of a level boundary may land one level off.
    expect(worstLevel(fakeB.data, onnx.data, 3)).toBeLessThanOrEqual(1);
  });

  it("a reference checkpoint (pre-0.4 .pth, resnet_6blocks) exports through --model test and gives test.py's images", async () => {
    const published = (name: string) => fileURLToPath(new URL(`../../core/test/fixtures/published/${name}`, import.meta.url));
    const root = tempDir();
    mkdirSync(join(root, 'run'));
    copyFileSync(published('resnet_G.pre04_instancenorm.legacy.pth'), join(root, 'run', 'latest_net_G.pth'));
    const out = join(root, 'onnx');
    const run = await translate([
      'export',
      '--model',
      'test',
      '--netG',
      'resnet_6blocks',
      '--ngf',
      '4',
      '--norm',
      'instance',
      '--no_dropout',
      '--name',
      'run',
      '--checkpoints_dir',
      root,
      '--format',
      'onnx',
      '--out',
      out,
      '--backend',
      'cpu',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['G.onnx', 'export.json']);
    for (const stem of ['astronaut_64', 'chelsea_64x48']) {
      const input = await decodeImage(published(`testpy_input/${stem}.png`));
      const expected = await decodeImage(published(`testpy_output/${stem}_fake.png`));
      const onnx = await runOnnx(join(out, 'G.onnx'), toInput(input), [1, 3, input.height, input.width]);
      expect(worstLevel(expected.data, onnx.data, 3), stem).toBeLessThanOrEqual(1);
    }
  });

  it('--triton --eval writes a model repository: <name>_<network>/config.pbtxt and 1/model.onnx', async () => {
    const out = join(tempDir(), 'models');
    const run = await translate(['export', ...cycleGan, '--format', 'onnx', '--triton', '--eval', '--out', out, '--backend', 'cpu']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Exported G_B (ResnetGenerator, eval mode) as ONNX');
    expect(readdirSync(out).sort()).toEqual(['cg_G_A', 'cg_G_B']);
    expect(readdirSync(join(out, 'cg_G_A')).sort()).toEqual(['1', 'config.pbtxt', 'export.json']);
    const config = readFileSync(join(out, 'cg_G_A', 'config.pbtxt'), 'utf8');
    const body = config
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .join('\n');
    expect(body).toBe(
      [
        'name: "cg_G_A"',
        'platform: "onnxruntime_onnx"',
        'max_batch_size: 8',
        'input [',
        '  {',
        '    name: "input"',
        '    data_type: TYPE_FP32',
        '    dims: [ 3, -1, -1 ]',
        '  }',
        ']',
        'output [',
        '  {',
        '    name: "output"',
        '    data_type: TYPE_FP32',
        '    dims: [ 3, -1, -1 ]',
        '  }',
        ']',
        'dynamic_batching { }',
        '',
      ].join('\n'),
    );
    expect(config.split('\n')[0]).toBe('# cyclegan G_A (ResnetGenerator, eval mode), exported by translate.');
    expect(config).toContain('send fixed-size tiles');
    const session = await InferenceSession.create(new Uint8Array(readFileSync(join(out, 'cg_G_A', '1', 'model.onnx'))));
    expect([session.inputNames, session.outputNames]).toEqual([['input'], ['output']]);
    await session.release();
    expect(JSON.parse(readFileSync(join(out, 'cg_G_B', 'export.json'), 'utf8')).networks[0].file).toBe('1/model.onnx');
  });

  it('config.pbtxt of a network with batch statistics has no Triton batching: batch dim in dims, max_batch_size 0', () => {
    const signature = imageSignature(
      { channels: 3, description: 'image' },
      { channels: 2, description: 'image' },
    ) as OnnxSignature<unknown>;
    const config = tritonConfig('p2p_G', { bytes: new Uint8Array(), signature, notes: [], batchDependent: true }, 'pix2pix G');
    expect(config).toContain('max_batch_size: 0\n');
    expect(config).toContain('dims: [ -1, 3, -1, -1 ]');
    expect(config).toContain('dims: [ -1, 2, -1, -1 ]');
    expect(config).not.toContain('dynamic_batching');
    expect(config).toContain('requests are not batched together');
  });

  it('a generator with a layer that has no ONNX form fails with one message naming it', async () => {
    /** x·sigmoid(x): a layer of a plugin's own, without toOnnx. */
    class Swish extends Module {
      override forward(x: tf.Tensor4D): tf.Tensor4D {
        return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
      }
    }
    class SwishGenerator extends Module {
      private readonly model: Sequential;
      constructor(private readonly spec: GeneratorSpec) {
        super();
        this.model = this.addModule(
          'model',
          new Sequential([new Conv2d({ inChannels: spec.inputNc, outChannels: spec.outputNc, kernelSize: 3, padding: 1 }), new Swish()]),
        );
      }
      override forward(x: tf.Tensor4D): tf.Tensor4D {
        return this.model.forward(x);
      }
      override toOnnx(graph: OnnxGraph, x: string, prefix: string): string {
        return this.model.toOnnx(graph, x, `${prefix}model.`);
      }
      override onnxSignature(): OnnxSignature<tf.Tensor4D> {
        return imageSignature(
          { channels: this.spec.inputNc, description: 'image' },
          { channels: this.spec.outputNc, description: 'image' },
        );
      }
    }
    registerGenerator('onnx_test_swish', (spec) => new SwishGenerator(spec));
    const name = ['--name', 'swish', '--checkpoints_dir', checkpoints];
    const train = await translate([
      'train',
      '--model',
      'pix2pix',
      '--netG',
      'onnx_test_swish',
      '--dataroot',
      join(SAMPLES, 'edges2photo'),
      ...name,
      '--ndf',
      '4',
      '--load_size',
      '32',
      '--crop_size',
      '32',
      '--max_dataset_size',
      '1',
      '--n_epochs',
      '1',
      '--n_epochs_decay',
      '0',
      '--backend',
      'cpu',
    ]);
    expect(train.code).toBe(0);
    const out = tempDir();
    const run = await translate(['export', ...name, '--format', 'onnx', '--out', out, '--backend', 'cpu']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "translate: Layer Swish ('model.1') has no ONNX export; implement toOnnx(graph, input, prefix) on it to export this network.\n",
    );
    expect(readdirSync(out)).toEqual([]);
  });

  it('--format tfjs is a usage error that points to --format web and --format onnx', async () => {
    const out = tempDir();
    const run = await translate(['export', ...cycleGan, '--format', 'tfjs', '--out', out, '--backend', 'cpu']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^translate: --format tfjs is not supported: .*Use --format web .* or --format onnx .*see docs\/export\.md\.\n$/,
    );
    expect(readdirSync(out)).toEqual([]);
  });
});
