import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { discriminatorNames, generatorNames, listModels } from '@translate/core';
import { datasetModeNames } from '@translate/datasets';
import { translate, tempFile } from './helpers.js';

/** The help lines of `--flag`, joined (commander wraps descriptions). */
function flagHelp(help: string, flag: string): string {
  const lines = help.split('\n');
  const start = lines.findIndex((line) => line.trimStart().startsWith(`${flag} `) || line.trim() === flag);
  if (start < 0) return '';
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => !/^ {20,}\S/.test(line));
  return [lines[start]!, ...rest.slice(0, end < 0 ? rest.length : end)]
    .map((line) => line.trim())
    .join(' ')
    .replace(/ {2,}/g, ' ');
}

describe('--help', () => {
  it("train --model cyclegan --help lists the model's options and its defaults", async () => {
    const { code, stdout, stderr } = await translate(['train', '--model', 'cyclegan', '--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('Usage: translate train [options]');
    expect(stdout).toContain("Options of model 'cyclegan':");
    expect(flagHelp(stdout, '--lambda_A <float>')).toBe('--lambda_A <float> weight for cycle loss (A -> B -> A) (default: 10.0)');
    expect(flagHelp(stdout, '--dataroot <value>')).toContain('(required)');
    expect(flagHelp(stdout, '--no_dropout [bool]')).toBe(
      '--no_dropout [bool] no dropout for the generator (default: on; --no_dropout false turns it off)',
    );
    expect(stdout).toContain('Training options:');
    expect(flagHelp(stdout, '--n_epochs, --niter <int>')).toBe(
      '--n_epochs, --niter <int> number of epochs with the initial learning rate (default: 100)',
    );
    expect(flagHelp(stdout, '--norm <value>')).toContain('(default: instance)');
    expect(stdout).toContain("Options of dataset mode 'unaligned':");
    expect(stdout).not.toContain('--lambda_L1');
  });

  it('pix2pix shows its options and the defaults it changes', async () => {
    const { code, stdout } = await translate(['train', '--model=pix2pix', '--help']);
    expect(code).toBe(0);
    expect(flagHelp(stdout, '--lambda_L1 <float>')).toBe('--lambda_L1 <float> weight for L1 loss (default: 100.0)');
    expect(flagHelp(stdout, '--netG <value>')).toContain('(default: unet_256)');
    expect(flagHelp(stdout, '--gan_mode <value>')).toContain('(default: vanilla)');
    expect(stdout).toContain("Options of dataset mode 'aligned':");
    expect(stdout).not.toContain('--lambda_A');
  });

  it('the reference alias cycle_gan works', async () => {
    const { code, stdout } = await translate(['train', '--model', 'cycle_gan', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain("Options of model 'cyclegan':");
  });

  it('the model can come from the --config file', async () => {
    const config = tempFile('run.yaml', 'model: pix2pix\n');
    const { stdout } = await translate(['train', '--config', config, '--help']);
    expect(stdout).toContain("Options of model 'pix2pix':");
  });

  it('test --help: test options and the test model by default, no training options', async () => {
    const { code, stdout } = await translate(['test', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Test options:');
    expect(flagHelp(stdout, '--results_dir <value>')).toBe('--results_dir <value> saves results here. (default: ./results/)');
    expect(flagHelp(stdout, '--model <value>')).toContain('(default: test)');
    expect(flagHelp(stdout, '--load_size <int>')).toContain('(default: 256)');
    expect(stdout).toContain("Options of model 'test':");
    expect(stdout).toContain('--model_suffix <value>');
    expect(stdout).not.toContain('--n_epochs');
    expect(stdout).not.toContain('Training options:');
  });

  it('test --model gaugan --help: eval is on by default (SPADE tests in eval mode); other models keep it off', async () => {
    const gaugan = await translate(['test', '--model', 'gaugan', '--help']);
    expect(gaugan.code).toBe(0);
    expect(flagHelp(gaugan.stdout, '--eval [bool]')).toBe(
      '--eval [bool] use eval mode during test time. (default: on; --eval false turns it off)',
    );
    const pix2pix = await translate(['test', '--model', 'pix2pix', '--help']);
    expect(flagHelp(pix2pix.stdout, '--eval [bool]')).toBe('--eval [bool] use eval mode during test time.');
  });

  it('translate help train is translate train --help', async () => {
    const { code, stdout } = await translate(['help', 'train']);
    expect(code).toBe(0);
    expect(stdout).toContain("Options of model 'cyclegan':");
  });

  it('translate --help lists the commands', async () => {
    const { code, stdout } = await translate(['--help']);
    expect(code).toBe(0);
    for (const command of ['train', 'test', 'models', 'doctor', 'datasets']) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('--version and -V print the version of packages/cli/package.json and exit 0', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) expect(await translate([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('lists every registered model, generator, discriminator and dataset mode', async () => {
    const models = listModels().map(({ plugin }) => plugin.name);
    const top = (await translate(['--help'])).stdout.replace(/\s+/g, ' ');
    expect(top).toContain(`(models: ${models.join(', ')})`);
    const { stdout } = await translate(['train', '--help']);
    expect(flagHelp(stdout, '--model <value>')).toContain(`[${models.join(' | ')}]`);
    expect(flagHelp(stdout, '--netG <value>')).toContain(`[${generatorNames().join(' | ')}]`);
    expect(flagHelp(stdout, '--netD <value>')).toContain(`[${discriminatorNames().join(' | ')}]`);
    expect(flagHelp(stdout, '--dataset_mode <value>')).toContain(`[${datasetModeNames().join(' | ')}]`);
    for (const name of ['gaugan', 'srresnet', 'srgan', 'colorization']) expect(models).toContain(name);
    for (const name of ['unet_32', 'unet_64']) expect(generatorNames()).toContain(name);
  });
});
