/**
 * `translate new-model foo` writes a package that installs (pnpm, from the local store when it can),
 * builds, passes its own test, trains through `translate train --plugin <dir>` and is tested
 * through `translate test --plugin <dir>`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir, translate } from '../helpers.js';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const samples = join(repo, 'samples/edges2photo');
const tiny = ['--load_size', '32', '--crop_size', '32', '--backend', 'cpu', '--ngf', '4', '--ndf', '4'];

describe('translate new-model', () => {
  it('writes a plugin package that builds, passes its test, trains and tests through --plugin', async () => {
    const dir = join(tempDir(), 'foo');
    const created = await translate(['new-model', 'foo', '--dir', dir]);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(readdirSync(dir, { recursive: true }).map(String).sort()).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'src',
      'src/index.ts',
      'test',
      'test/foo.test.ts',
      'tsconfig.json',
    ]);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(manifest.name).toBe('translate-model-foo');
    expect(manifest.peerDependencies).toEqual({ '@translate/core': '^0.1.0' });
    expect(manifest.devDependencies!['@translate/core']).toBe(`link:${relative(realpathSync(dir), join(repo, 'packages/core'))}`);

    execFileSync('pnpm', ['install', '--prefer-offline'], { cwd: dir, stdio: 'pipe' });
    const ownTest = execFileSync('pnpm', ['test'], { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
    expect(ownTest).toMatch(/# pass 1\n# fail 0/);

    const checkpoints = join(dir, 'checkpoints');
    const train = await translate([
      'train',
      '--plugin',
      dir,
      '--model',
      'foo',
      '--dataroot',
      samples,
      '--netG',
      'unet_32',
      '--max_dataset_size',
      '2',
      '--n_epochs',
      '1',
      '--n_epochs_decay',
      '0',
      '--print_freq',
      '1',
      '--checkpoints_dir',
      checkpoints,
      '--name',
      'run',
      ...tiny,
    ]);
    expect(train.stderr).toBe('');
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/ lambda_L1: 100\.0 *\n/);
    expect(train.stdout).toContain('saving the model at the end of epoch 1, iters 2');
    for (const file of ['latest_net_G.safetensors', 'latest_net_D.safetensors', 'loss_log.txt'])
      expect(existsSync(join(checkpoints, 'run', file)), file).toBe(true);
    expect(readFileSync(join(checkpoints, 'run', 'loss_log.txt'), 'utf8')).toMatch(
      /G_GAN: [\d.]+ G_L1: [\d.]+ D_real: [\d.]+ D_fake: [\d.]+/,
    );

    const results = join(dir, 'results');
    const test = await translate([
      'test',
      '--plugin',
      dir,
      '--model',
      'foo',
      '--dataroot',
      samples,
      '--checkpoints_dir',
      checkpoints,
      '--results_dir',
      results,
      '--name',
      'run',
      '--num_test',
      '2',
      '--load_size',
      '32',
      '--crop_size',
      '32',
      '--backend',
      'cpu',
    ]);
    expect(test.stderr).toBe('');
    expect(test.code).toBe(0);
    const images = readdirSync(join(results, 'run', 'test_latest', 'images')).sort();
    expect(images.filter((f) => f.endsWith('_fake_B.png'))).toHaveLength(2);
    expect(existsSync(join(results, 'run', 'test_latest', 'index.html'))).toBe(true);
  });

  it('refuses a model name that cannot be a flag value and a folder that is not empty', async () => {
    const bad = await translate(['new-model', 'My-GAN', '--dir', join(tempDir(), 'x')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("translate: Model name 'My-GAN' must start with a lower-case letter");
    const full = tempDir();
    writeFileSync(join(full, 'keep.txt'), '');
    const taken = await translate(['new-model', 'foo', '--dir', full]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toBe(`translate: ${full} is not empty; choose another --dir.\n`);
  });
});
