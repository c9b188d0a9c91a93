/**
 * Numbers are checked against their declared range before any tensor exists: every numeric option
 * of every registered model and dataset mode declares one, an out-of-range value is one message
 * naming the flag and the range (exit 2), and training spans, finished runs and checkpoint
 * manifests of another layout are refused with advice.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRange, inRange, listModels, resolveSchema, type Phase } from '@translate/core';
import { datasetModeNames, getDatasetMode } from '@translate/datasets';
import { registerBuiltinModels } from '../src/builtins.js';
import { tempDir, tempFile, tinyPix2pixArgs, translate } from './helpers.js';

registerBuiltinModels();

describe('declared ranges', () => {
  it('every numeric option of every model and dataset mode declares a range that holds its default', () => {
    const unbounded: string[] = [];
    let checked = 0;
    for (const phase of ['train', 'test'] as Phase[]) {
      for (const { plugin } of listModels()) {
        for (const mode of datasetModeNames()) {
          const { schema } = resolveSchema({
            phase,
            layers: [{ source: 'test', values: { model: plugin.name, dataset_mode: mode } }],
            datasetMode: getDatasetMode,
          });
          for (const [key, spec] of Object.entries(schema)) {
            if (spec.type !== 'int' && spec.type !== 'float') continue;
            checked++;
            if (describeRange(spec) === undefined) unbounded.push(`${plugin.name}/${mode}/${phase}: ${key}`);
            else if (spec.default !== undefined)
              expect(inRange(spec, spec.default), `${key} default ${spec.default} is not ${describeRange(spec)}`).toBe(true);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect([...new Set(unbounded)]).toEqual([]);
  });
});

describe('out-of-range numbers: one message naming the flag, exit 2, no tensor', () => {
  const cases: Array<[string[], string]> = [
    [['--ngf', '0'], "--ngf must be at least 1 (# of gen filters in the last conv layer); got '0'."],
    [['--ndf', '-4'], "--ndf must be at least 1 (# of discrim filters in the first conv layer); got '-4'."],
    [['--pool_size', '-1'], "--pool_size must be at least 0 (the size of image buffer that stores previously generated images); got '-1'."],
    [['--beta1', '5'], "--beta1 must be at least 0 and below 1 (momentum term of adam); got '5'."],
    [['--beta1', '1'], "--beta1 must be at least 0 and below 1 (momentum term of adam); got '1'."],
    [['--lr', 'inf'], "--lr expects a number, got 'inf'."],
    [['--batch_size', '0'], "--batch_size must be at least 1 (input batch size); got '0'."],
    [['--seed', '-3'], '--seed must be at least 0 and at most 9007199254740991'],
    [
      ['--seed', '99999999999999999999'],
      "--seed is too large: '99999999999999999999' cannot be held exactly; integers must lie within ±9007199254740991 (2^53 - 1).",
    ],
  ];
  for (const [flags, message] of cases) {
    it(flags.join(' '), async () => {
      const dir = tempDir();
      const { code, stderr, stdout } = await translate(['train', ...tinyPix2pixArgs(dir, 2), ...flags]);
      expect(code).toBe(2);
      expect(stderr.startsWith(`translate: ${message}`), stderr).toBe(true);
      expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(stdout).toBe('');
      expect(existsSync(join(dir, 'p2p'))).toBe(false);
    });
  }

  it('a config file names the key, file and line', async () => {
    const config = tempFile('run.yaml', 'dataroot: d\nlr: -0.1\n');
    const { code, stderr } = await translate(['train', '--config', config]);
    expect(code).toBe(2);
    expect(stderr).toBe(`translate: 'lr' (${config}:2) must be at least 0 (initial learning rate for adam); got -0.1.\n`);
  });

  it('the largest exact seed is accepted', async () => {
    const dir = tempDir();
    const run = await translate(['train', ...tinyPix2pixArgs(dir, 1), '--seed', '9007199254740991', '--dry_run']);
    expect(run.code, run.stderr).toBe(0);
  });
});

describe('training spans', () => {
  it('--n_epochs 0 --n_epochs_decay 0 is refused before the data is read', async () => {
    const dir = tempDir();
    const { code, stderr } = await translate([
      'train',
      ...tinyPix2pixArgs(dir, 2),
      '--dataroot',
      '/nonexistent',
      '--n_epochs',
      '0',
      '--n_epochs_decay',
      '0',
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'translate: Nothing to train: epochs run from 1 (--epoch_count) to --n_epochs + --n_epochs_decay = 0 + 0 = 0. Give at least one epoch (e.g. --n_epochs 1), or pass --dry_run to check the set-up without training.\n',
    );
  });

  it('--dry_run trains one step on the first batch, prints its losses and writes nothing', async () => {
    const dir = tempDir();
    const { code, stdout, stderr } = await translate([
      'train',
      ...tinyPix2pixArgs(dir, 3),
      '--n_epochs',
      '0',
      '--n_epochs_decay',
      '0',
      '--dry_run',
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(
      /\(epoch: 1, iters: 1, time: 0\.000, data: 0\.000\) G_GAN: \d+\.\d{3} G_L1: \d+\.\d{3} D_real: \d+\.\d{3} D_fake: \d+\.\d{3}/,
    );
    expect(stdout).toContain('Dry run: 3 training images, the networks and one step on the first batch of 1 work; nothing was written.');
    expect(existsSync(join(dir, 'p2p'))).toBe(false);
  });

  it('--continue_train on a finished run says so (exit 2) and leaves the run untouched', async () => {
    const dir = tempDir();
    const args = [...tinyPix2pixArgs(dir, 1), '--n_epochs', '1', '--n_epochs_decay', '0'];
    expect((await translate(['train', ...args])).code).toBe(0);
    const options = readFileSync(join(dir, 'p2p', 'train_opt.txt'), 'utf8');
    const again = await translate(['train', ...args, '--continue_train']);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      `translate: --continue_train: the run in ${join(dir, 'p2p')} has already finished: its checkpoint 'latest' is at the end of epoch 1, and --n_epochs + --n_epochs_decay is 1. To train longer, raise --n_epochs or --n_epochs_decay; to test it, run 'translate test' with the same --name.\n`,
    );
    expect(readFileSync(join(dir, 'p2p', 'train_opt.txt'), 'utf8')).toBe(options);
    const longer = await translate(['train', ...args, '--continue_train', '--n_epochs', '2']);
    expect(longer.code, longer.stderr).toBe(0);
    expect(longer.stdout).toContain('End of epoch 2 / 2');
  });
});

describe('checkpoint manifests and files of another layout', () => {
  async function finishedRun(): Promise<{ dir: string; args: string[]; experiment: string }> {
    const dir = tempDir();
    const args = [...tinyPix2pixArgs(dir, 1), '--n_epochs', '1', '--n_epochs_decay', '0'];
    expect((await translate(['train', ...args])).code).toBe(0);
    return { dir, args, experiment: join(dir, 'p2p') };
  }

  it('an unknown manifest version is refused with advice', async () => {
    const { args, experiment } = await finishedRun();
    const path = join(experiment, 'latest_checkpoint.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"version": 1', '"version": 7'));
    const { code, stderr } = await translate(['train', ...args, '--continue_train', '--n_epochs', '2']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `translate: ${path} has manifest version 7; this translate reads version 1. A newer translate wrote it: upgrade translate (translate --version shows yours), or delete it to load the network files alone (without the training state).\n`,
    );
  });

  it('a JSON file that is not a manifest is refused', async () => {
    const { dir, experiment } = await finishedRun();
    const path = join(experiment, 'latest_checkpoint.json');
    writeFileSync(path, '[1, 2]\n');
    const { code, stderr } = await translate(['test', ...tinyPix2pixArgs(dir, 1), '--num_test', '1', '--results_dir', tempDir()]);
    expect(code).toBe(2);
    expect(stderr).toContain(`translate: ${path} is not a translate checkpoint manifest`);
  });

  it('a garbage optimizer file is named (its hash is checked first)', async () => {
    const { args, experiment } = await finishedRun();
    const manifestPath = join(experiment, 'latest_checkpoint.json');
    const optimizer = join(experiment, 'latest_optim_G.safetensors');
    writeFileSync(optimizer, 'garbage');
    // A manifest that lists the garbage file's hash, as if it had been saved that way.
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.optimizers.G.sha256 = createHash('sha256').update('garbage').digest('hex');
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const { code, stderr } = await translate(['train', ...args, '--continue_train', '--n_epochs', '2']);
    expect(code).toBe(2);
    expect(stderr).toBe(`translate: ${optimizer}: invalid safetensors file: truncated: 7 bytes, the 8-byte header length is missing\n`);
  });
});
