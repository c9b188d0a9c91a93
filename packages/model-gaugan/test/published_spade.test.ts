/**
 * A SPADE generator saved as NVlabs/SPADE saves it (test/fixtures/published, made by core's
 * make_fixtures.py with SPADE's own code: spectral norm with trained weight_u/weight_v, param-free
 * BatchNorm with running statistics, both torch.save formats) reproduces SPADE's eval-mode output
 * within 1e-4 on every backend, and `translate test --model gaugan` writes the images SPADE's
 * test.py writes, within 1/255 (it tests in eval mode by default, as SPADE does).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPth, readSafetensors, tf, decodeImage } from '@translate/core';
import { main } from '../../cli/src/main.js';
import { BACKENDS, activation, maxAbsDiff, useBackend } from '../../core/test/helpers.js';
import { buildGenerator } from '../src/index.js';
import { gauganOptions } from './helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/published/${name}`, import.meta.url));
const tensors = readSafetensors(new Uint8Array(readFileSync(fixture('spade_G.safetensors')))).tensors;
/** SPADE's flags of the fixture (ngf 1, 5 labels, no instance maps, 64 px). */
const FLAGS = { ngf: 1, label_nc: 5, no_instance: true, crop_size: 64, load_size: 64, aspect_ratio: 1, num_upsampling_layers: 'normal' };

describe("a SPADE generator saved by SPADE's code", () => {
  for (const file of ['spade_G.legacy.pth', 'spade_G.zip.pth']) {
    for (const backend of BACKENDS) {
      it(`${file} reproduces SPADE's eval-mode output within 1e-4 on ${backend}`, async () => {
        await useBackend(backend);
        const g = buildGenerator(gauganOptions('test', FLAGS));
        g.loadStateDict(readPth(new Uint8Array(readFileSync(fixture(file))), file).tensors, { source: file });
        g.eval();
        const before = tf.memory().numTensors;
        const segmap = activation(tensors.get('input')!);
        const out = g.forward({ segmap });
        const expected = activation(tensors.get('output')!);
        expect(out.shape).toEqual([1, 64, 64, 3]);
        expect(maxAbsDiff(out, expected)).toBeLessThan(1e-4);
        // Train mode (batch statistics, one more power iteration) is what SPADE's test never runs: far off.
        const train = g.forward({ segmap }, { training: true, updateState: false });
        expect(maxAbsDiff(train, expected)).toBeGreaterThan(0.05);
        tf.dispose([segmap, out, expected, train]);
        expect(tf.memory().numTensors).toBe(before);
        g.dispose();
      });
    }
  }

  it("translate test --model gaugan writes SPADE test.py's images within 1/255", async () => {
    const root = mkdtempSync(join(tmpdir(), 'spade-'));
    mkdirSync(join(root, 'checkpoints', 'published_spade'), { recursive: true });
    copyFileSync(fixture('spade_G.legacy.pth'), join(root, 'checkpoints', 'published_spade', 'latest_net_G.pth'));
    let out = '';
    const argv = [
      'test',
      '--model',
      'gaugan',
      '--name',
      'published_spade',
      '--dataroot',
      root,
      '--label_dir',
      fixture('spade_labels'),
      '--image_dir',
      fixture('spade_images'),
      '--checkpoints_dir',
      join(root, 'checkpoints'),
      '--results_dir',
      join(root, 'results'),
      '--backend',
      'wasm',
      ...Object.entries(FLAGS).flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, String(v)])),
    ];
    const code = await main(argv, {
      stdout: (t) => {
        out += t;
      },
      stderr: (t) => {
        out += t;
      },
      env: {},
    });
    expect(code, out).toBe(0);
    expect(out).toMatch(/eval: True/);
    // The weights fix ngf and the norms, not how their 5 semantic channels split into labels and an
    // instance map: the flags given for that stay.
    expect(out).not.toMatch(/Using --(label_nc|no_instance|contain_dontcare_label|num_upsampling_layers) /);
    for (const stem of ['astronaut', 'chelsea']) {
      const ours = await decodeImage(join(root, 'results', 'published_spade', 'test_latest', 'images', `${stem}_synthesized_image.png`));
      const theirs = await decodeImage(fixture(`spade_test_output/synthesized_image/${stem}.png`));
      expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
      expect(maxAbsDiff(Float32Array.from(ours.data), Float32Array.from(theirs.data)), stem).toBeLessThanOrEqual(1);
    }
  });
});
