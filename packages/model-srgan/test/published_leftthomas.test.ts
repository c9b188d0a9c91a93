/**
 * leftthomas/SRGAN's generators load and reproduce the author's model.py: its own published ×2
 * file (netG_epoch_2_100.pth of January 2018: legacy format, saved on a GPU, trunk ending in conv +
 * PReLU; test/fixtures/leftthomas_2018, see make_fixture.py) and a ×4 generator of today's model.py
 * saved as its train.py saves (test/fixtures/published, see core's make_fixtures.py). `translate
 * test` writes the image the author's test_image.py writes, within 1/255 (test_image.py truncates
 * through ToPILImage; translate rounds, as BasicSR does).
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPth, readSafetensors, tf, decodeImage } from '@translate/core';
import { main } from '../../cli/src/main.js';
import { BACKENDS, maxAbsDiff, useBackend } from '../../core/test/helpers.js';
import { SRResNetGenerator, type TrunkEnd } from '../src/index.js';
import { tempDir } from './helpers.js';

/** One checkpoint of leftthomas's and what its author's code made of one image. */
interface Case {
  folder: string;
  weights: string;
  tensors: string;
  scale: number;
  trunkEnd: TrunkEnd;
  image: string;
  authorImage: string;
}

const CASES: Case[] = [
  // The author's own published x2 file of January 2018 (legacy, saved on a GPU; trunk ends in conv + PReLU).
  {
    folder: 'leftthomas_2018',
    weights: 'netG_epoch_2_100.pth',
    tensors: 'expected.safetensors',
    scale: 2,
    trunkEnd: 'prelu',
    image: 'astronaut_40x32.png',
    authorImage: 'out_srf_2_astronaut_40x32.png',
  },
  // A x4 generator of today's model.py (trunk ends in conv + BatchNorm), saved as its train.py saves, made by core's make_fixtures.py.
  {
    folder: 'published',
    weights: 'netG_epoch_4_100.pth',
    tensors: 'netG_epoch_4_100.safetensors',
    scale: 4,
    trunkEnd: 'bn',
    image: 'lr_coffee_24.png',
    authorImage: 'test_image_output/out_srf_4_lr_coffee_24.png',
  },
];

const fixture = (c: Case, name: string) => fileURLToPath(new URL(`./fixtures/${c.folder}/${name}`, import.meta.url));
const weightsOf = (c: Case) => readPth(new Uint8Array(readFileSync(fixture(c, c.weights))), c.weights);

describe("leftthomas/SRGAN's generators as its train.py saves them", () => {
  it('the published x2 file is a legacy-format state dict of 5 residual blocks with a PReLU trunk end', () => {
    const ck = weightsOf(CASES[0]!);
    expect(ck.format).toBe('legacy');
    expect(ck.container).toBe('state dict');
    expect(ck.tensors.get('block7.1.weight')!.shape).toEqual([1]); // PReLU, not BatchNorm2d(64)
    expect(ck.tensors.has('block2.bn1.num_batches_tracked')).toBe(false); // written before torch 0.4.1
  });

  for (const c of CASES) {
    for (const backend of BACKENDS) {
      it(`${c.folder}/${c.weights} equals the author's Generator(${c.scale}) output within 1e-4 on ${backend} (forward and lean inference)`, async () => {
        await useBackend(backend);
        const g = new SRResNetGenerator({ scale: c.scale, nBlocks: 5, ngf: 64, inputNc: 3, outputNc: 3, trunkEnd: c.trunkEnd });
        g.loadStateDict(weightsOf(c).tensors);
        g.eval();
        const expected = readSafetensors(new Uint8Array(readFileSync(fixture(c, c.tensors)))).tensors;
        const nchw = (name: string) =>
          tf.tidy(
            () =>
              tf.transpose(
                tf.tensor(expected.get(name)!.data as Float32Array, expected.get(name)!.shape as [number, number, number, number]),
                [0, 2, 3, 1],
              ) as tf.Tensor4D,
          );
        const [x, y] = [nchw('input'), nchw('output')];
        const before = tf.memory().numTensors;
        for (const out of [g.forward(x), g.infer(x)]) {
          expect(out.shape).toEqual(y.shape);
          expect(maxAbsDiff(out, y)).toBeLessThan(1e-4);
          out.dispose();
        }
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([x, y]);
        g.dispose();
      });
    }

    it(`translate test --model srgan on ${c.folder}/${c.weights} (no --n_blocks) writes the author's test_image.py image within 1/255`, async () => {
      const root = tempDir();
      mkdirSync(join(root, 'checkpoints', 'lt'), { recursive: true });
      mkdirSync(join(root, 'photos'));
      copyFileSync(fixture(c, c.weights), join(root, 'checkpoints', 'lt', 'latest_net_G.pth'));
      copyFileSync(fixture(c, c.image), join(root, 'photos', c.image));
      let out = '';
      const argv = [
        'test',
        '--model',
        'srgan',
        '--dataset_mode',
        'single',
        '--preprocess',
        'none',
        '--dataroot',
        join(root, 'photos'),
        '--name',
        'lt',
      ];
      // --n_blocks 5 and --trunk_end come from the weights.
      const flags = [
        '--checkpoints_dir',
        join(root, 'checkpoints'),
        '--results_dir',
        join(root, 'results'),
        '--scale',
        String(c.scale),
        '--backend',
        'wasm',
      ];
      const code = await main([...argv, ...flags], {
        stdout: (t) => {
          out += t;
        },
        stderr: (t) => {
          out += t;
        },
        env: {},
      });
      expect(code, out).toBe(0);
      expect(out).toContain('Using --n_blocks 5 from the weights in latest_net_G.pth (not 16).');
      const ours = await decodeImage(join(root, 'results', 'lt', 'test_latest', 'images', c.image.replace('.png', '_SR.png')));
      const theirs = await decodeImage(fixture(c, c.authorImage));
      expect([ours.width, ours.height, ours.channels]).toEqual([theirs.width, theirs.height, theirs.channels]);
      expect(maxAbsDiff(Float32Array.from(ours.data), Float32Array.from(theirs.data))).toBeLessThanOrEqual(1);
    });
  }
});
