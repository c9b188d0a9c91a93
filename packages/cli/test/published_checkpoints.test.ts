/**
 * `translate test` on checkpoints saved as the reference saves them (core's test/fixtures/published):
 * the images equal those of the reference's own test.py within 1/255, whatever the file's format or
 * container; a file that cannot load is one message (exit 2) naming the file and what it is, and
 * nothing is written to the checkpoint folder.
 */
import { decodeImage } from '@translate/core';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir, translate } from './helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../core/test/fixtures/published/${name}`, import.meta.url));

/** A checkpoint folder `<root>/checkpoints/run` holding `file` as latest_net_G.pth. */
function checkpointWith(file: string | Uint8Array): { root: string; dir: string } {
  const root = tempDir();
  const dir = join(root, 'checkpoints', 'run');
  mkdirSync(dir, { recursive: true });
  if (typeof file === 'string') copyFileSync(fixture(file), join(dir, 'latest_net_G.pth'));
  else writeFileSync(join(dir, 'latest_net_G.pth'), file);
  return { root, dir };
}

const REFERENCE_FLAGS = [
  '--model',
  'test',
  '--netG',
  'resnet_6blocks',
  '--ngf',
  '4',
  '--norm',
  'instance',
  '--no_dropout',
  '--preprocess',
  'none',
];

function testArgs(root: string, architecture = REFERENCE_FLAGS): string[] {
  return [
    'test',
    ...architecture,
    '--name',
    'run',
    '--dataroot',
    fixture('testpy_input'),
    '--checkpoints_dir',
    join(root, 'checkpoints'),
    '--results_dir',
    join(root, 'results'),
    '--backend',
    'wasm',
  ];
}

/** The largest difference between the image translate wrote for `stem` and the reference's test.py's. */
async function worstLevel(root: string, stem: string): Promise<number> {
  const ours = await decodeImage(join(root, 'results', 'run', 'test_latest', 'images', `${stem}_fake.png`));
  const theirs = await decodeImage(fixture(`testpy_output/${stem}_fake.png`));
  expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
  let worst = 0;
  for (let i = 0; i < ours.data.length; i++) worst = Math.max(worst, Math.abs(ours.data[i]! - theirs.data[i]!));
  return worst;
}

describe("translate test on the reference's checkpoints", () => {
  for (const file of [
    'resnet_G.legacy.pth',
    'resnet_G.zip.pth',
    'resnet_G.dataparallel.legacy.pth',
    'resnet_G.pre04_instancenorm.legacy.pth',
    'resnet_G.module.legacy.pth',
    'resnet_G.wrapped.zip.pth',
  ]) {
    it(`${file}: the images of the reference's test.py, within 1/255`, async () => {
      const { root } = checkpointWith(file);
      const run = await translate(testArgs(root));
      expect(run.code, run.stderr).toBe(0);
      for (const stem of ['astronaut_64', 'chelsea_64x48']) expect(await worstLevel(root, stem), stem).toBeLessThanOrEqual(1);
    });
  }

  for (const file of ['resnet_G.legacy.pth', 'resnet_G.module.zip.pth']) {
    it(`${file} without architecture flags: read from the weights, said, and the same images`, async () => {
      const { root } = checkpointWith(file);
      const run = await translate(testArgs(root, ['--model', 'test', '--preprocess', 'none']));
      expect(run.code, run.stderr).toBe(0);
      for (const [flag, value, instead] of [
        ['netG', 'resnet_6blocks', 'resnet_9blocks'],
        ['ngf', '4', '64'],
        ['no_dropout', 'true', 'false'],
      ]) {
        expect(run.stdout).toContain(`Using --${flag} ${value} from the weights in latest_net_G.pth (not ${instead}).`);
      }
      for (const stem of ['astronaut_64', 'chelsea_64x48']) expect(await worstLevel(root, stem), stem).toBeLessThanOrEqual(1);
    });
  }

  it('weights that options cannot make fit: the error names the network and its flags', async () => {
    const { root } = checkpointWith('patch_D.zip.pth');
    const run = await translate(testArgs(root));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /latest_net_G\.pth holds basic discriminator \(70×70 PatchGAN, 3 layers\), ndf 8, instance norm, 3 input channels \(--netD basic --ndf 8 --norm instance\), not the network these options build/,
    );
  });

  const bad: Array<[string, string | Uint8Array, RegExp]> = [
    ['a pickled module of another class', 'not_a_state_dict.zip.pth', /pickled whole module of class fixture_nets\.TinyNet/],
    ['a TorchScript archive', 'scripted.pt', /TorchScript archive/],
    ['a truncated legacy file', new Uint8Array(0), /not a PyTorch checkpoint/],
    ['an HTML error page saved as .pth', new TextEncoder().encode('<html><body>404 Not Found</body></html>'), /not a PyTorch checkpoint/],
  ];
  for (const [what, file, message] of bad) {
    it(`${what}: one message naming the file, exit 2, nothing written to the checkpoint folder`, async () => {
      const { root, dir } = checkpointWith(file);
      const run = await translate(testArgs(root));
      expect(run.code).toBe(2);
      const errors = run.stderr.trim().split('\n');
      expect(errors, run.stderr).toHaveLength(1);
      expect(errors[0]).toMatch(message);
      expect(errors[0]!.startsWith(`translate: ${join(dir, 'latest_net_G.pth')}: `)).toBe(true);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(readdirSync(dir)).toEqual(['latest_net_G.pth']);
    });
  }
});
