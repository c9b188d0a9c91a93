/**
 * `translate train --save_format pth`: every checkpoint's network files are zip `.pth` files with
 * reference key names (what the reference's test.py torch.loads), recorded in the manifest with
 * their sha256; `--continue_train` and `translate test` read them back.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPth, readSafetensors } from '@translate/core';
import { tempDir, tinyPix2pixArgs, translate } from './helpers.js';

describe('translate train --save_format pth', () => {
  it('writes <label>_net_<Net>.pth, resumes from them and tests with them', async () => {
    const dir = tempDir();
    const common = tinyPix2pixArgs(dir, 2);
    const train = await translate(['train', ...common, '--n_epochs', '1', '--n_epochs_decay', '0', '--save_format', 'pth']);
    expect(train.code, train.stderr).toBe(0);
    const run = join(dir, 'p2p');
    const files = readdirSync(run);
    for (const f of ['latest_net_G.pth', 'latest_net_D.pth', '1_net_G.pth', 'latest_optim_G.safetensors']) expect(files).toContain(f);
    expect(files.filter((f) => f.includes('_net_') && f.endsWith('.safetensors'))).toEqual([]);
    const bytes = new Uint8Array(readFileSync(join(run, 'latest_net_G.pth')));
    const manifest = JSON.parse(readFileSync(join(run, 'latest_checkpoint.json'), 'utf8'));
    expect(manifest.networks.G).toMatchObject({ file: 'latest_net_G.pth', sha256: createHash('sha256').update(bytes).digest('hex') });
    const pth = readPth(bytes);
    expect(pth).toMatchObject({ format: 'zip', archiveName: 'latest_net_G', container: 'state dict' });
    expect(pth.tensors.get('model.model.0.weight')!.shape).toEqual([4, 3, 4, 4]);
    const inspect = await translate(['weights', 'inspect', join(run, 'latest_net_G.pth')]);
    expect(inspect.stdout).toContain("  checkpoint: network G of 'latest', model pix2pix (latest_checkpoint.json; sha256 matches)\n");
    expect(inspect.stdout).toContain('translate test --model test --netG unet_32 --ngf 4 --norm batch');

    const resumed = await translate([
      'train',
      ...common,
      '--n_epochs',
      '2',
      '--n_epochs_decay',
      '0',
      '--save_format',
      'pth',
      '--continue_train',
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain("Resuming 'latest' at epoch 2, 0 images into it (2 in total).");
    expect(readPth(new Uint8Array(readFileSync(join(run, '2_net_D.pth')))).tensors.size).toBeGreaterThan(0);
    expect(readSafetensors(new Uint8Array(readFileSync(join(run, 'latest_optim_G.safetensors')))).tensors.size).toBeGreaterThan(0);

    const results = join(dir, 'results');
    const test = await translate(['test', ...common, '--results_dir', results]);
    expect(test.code, test.stderr).toBe(0);
    expect(readdirSync(join(results, 'p2p', 'test_latest', 'images')).filter((f) => f.endsWith('_fake_B.png'))).toHaveLength(2);
  });

  it('refuses an unknown --save_format', async () => {
    const run = await translate(['train', '--dataroot', tempDir(), '--save_format', 'npz']);
    expect([run.code, run.stderr]).toEqual([2, "translate: --save_format must be one of safetensors, pth; got 'npz'.\n"]);
  });
});
