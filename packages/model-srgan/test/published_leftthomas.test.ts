/**
 * leftthomas/SRGAN's own published ×2 generator (netG_epoch_2_100.pth of January 2018: a legacy-format
 * file saved on a GPU, whose trunk ends in conv + PReLU) loads and reproduces the author's model.py
 * of that commit, and `translate test` writes the image the author's test_image.py writes (within
 * 1/255: test_image.py truncates through ToPILImage, translate rounds as BasicSR does).
 * Fixtures: test/fixtures/leftthomas_2018 (see its make_fixture.py).
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPth, readSafetensors, tf } from '@translate/core';
import { decodeImage } from '@translate/datasets';
import { main } from '../../cli/src/main.js';
import { BACKENDS, maxAbsDiff, useBackend } from '../../core/test/helpers.js';
import { SRResNetGenerator } from '../src/index.js';
import { tempDir } from './helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/leftthomas_2018/${name}`, import.meta.url));
const expected = readSafetensors(new Uint8Array(readFileSync(fixture('expected.safetensors')))).tensors;
const nchw = (name: string) => {
  const raw = expected.get(name)!;
  return tf.transpose(tf.tensor(raw.data as Float32Array, raw.shape), [0, 2, 3, 1]) as tf.Tensor4D;
};

describe("leftthomas/SRGAN's published netG_epoch_2_100.pth", () => {
  it('is a legacy-format state dict of 5 residual blocks with a PReLU trunk end', () => {
    const ck = readPth(new Uint8Array(readFileSync(fixture('netG_epoch_2_100.pth'))));
    expect(ck.format).toBe('legacy');
    expect(ck.container).toBe('state dict');
    expect(ck.tensors.get('block7.1.weight')!.shape).toEqual([1]); // PReLU, not BatchNorm2d(64)
    expect(ck.tensors.has('block2.bn1.num_batches_tracked')).toBe(false); // written before torch 0.4.1
  });

  for (const backend of BACKENDS) {
    it(`equals the author's Generator(2) output within 1e-4 on ${backend} (forward and lean inference)`, async () => {
      await useBackend(backend);
      const g = new SRResNetGenerator({ scale: 2, nBlocks: 5, ngf: 64, inputNc: 3, outputNc: 3, trunkEnd: 'prelu' });
      g.loadStateDict(readPth(new Uint8Array(readFileSync(fixture('netG_epoch_2_100.pth')))).tensors);
      g.eval();
      const [x, y] = [nchw('input'), nchw('output')];
      const before = tf.memory().numTensors;
      for (const out of [g.forward(x), g.infer(x)]) {
        expect(out.shape).toEqual([1, 64, 80, 3]);
        expect(maxAbsDiff(out, y)).toBeLessThan(1e-4);
        out.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, y]);
      g.dispose();
    });
  }

  it("translate test writes the author's test_image.py image within 1/255", async () => {
    const root = tempDir();
    mkdirSync(join(root, 'checkpoints', 'lt2'), { recursive: true });
    mkdirSync(join(root, 'photos'));
    copyFileSync(fixture('netG_epoch_2_100.pth'), join(root, 'checkpoints', 'lt2', 'latest_net_G.pth'));
    copyFileSync(fixture('astronaut_40x32.png'), join(root, 'photos', 'astronaut_40x32.png'));
    let out = '';
    const argv = ['test', '--model', 'srresnet', '--dataset_mode', 'single', '--preprocess', 'none', '--dataroot', join(root, 'photos'), '--name', 'lt2'];
    const flags = ['--checkpoints_dir', join(root, 'checkpoints'), '--results_dir', join(root, 'results'), '--scale', '2', '--n_blocks', '5', '--trunk_end', 'prelu', '--backend', 'wasm'];
    const code = await main([...argv, ...flags], { stdout: (t) => void (out += t), stderr: (t) => void (out += t), env: {} });
    expect(code, out).toBe(0);
    const ours = await decodeImage(join(root, 'results', 'lt2', 'test_latest', 'images', 'astronaut_40x32_SR.png'));
    const theirs = await decodeImage(fixture('out_srf_2_astronaut_40x32.png'));
    expect([ours.width, ours.height, ours.channels]).toEqual([theirs.width, theirs.height, theirs.channels]);
    expect(maxAbsDiff(Float32Array.from(ours.data), Float32Array.from(theirs.data))).toBeLessThanOrEqual(1);
  });
});
