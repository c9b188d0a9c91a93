import { describe, expect, it } from 'vitest';
import { translate, tempDir, tempFile } from './helpers.js';

/** The `key: value` line of train_opt.txt text, trimmed of its padding. */
function optionLine(text: string, key: string): string | undefined {
  return text
    .split('\n')
    .find((line) => line.startsWith(`${key.padStart(25)}: `))
    ?.replace(/ +(\t|$)/, '$1')
    .trim();
}

describe('translate train: option resolution', () => {
  it('command-line flags override the YAML config, which overrides the defaults', async () => {
    const config = tempFile('run.yaml', 'model: pix2pix\nngf: 32\nlr: 0.001\nname: from_yaml\nno_flip: true\n');
    const { code, stdout, stderr } = await translate([
      'train',
      '--config',
      config,
      '--dataroot',
      tempDir(),
      '--ngf',
      '16',
      '--name',
      'from_flags',
      '--backend',
      'cpu',
      '--seed',
      '7',
    ]);
    // train_opt.txt's text is printed first; the empty dataroot then stops the run.
    expect(code).toBe(2);
    expect(stderr).toContain('translate: ');
    expect(stdout.startsWith('----------------- Options ---------------\n')).toBe(true);
    expect(stdout.endsWith('----------------- End -------------------\n')).toBe(true);
    expect(optionLine(stdout, 'ngf')).toBe('ngf: 16\t[default: 64]');
    expect(optionLine(stdout, 'lr')).toBe('lr: 0.001\t[default: 0.0002]');
    expect(optionLine(stdout, 'name')).toBe('name: from_flags\t[default: experiment_name]');
    expect(optionLine(stdout, 'no_flip')).toBe('no_flip: True\t[default: False]');
    expect(optionLine(stdout, 'model')).toBe('model: pix2pix\t[default: cyclegan]');
    expect(optionLine(stdout, 'netG')).toBe('netG: unet_256');
    expect(optionLine(stdout, 'backend')).toBe('backend: cpu\t[default: auto]');
    expect(optionLine(stdout, 'seed')).toBe('seed: 7\t[default: 0]');
    expect(optionLine(stdout, 'lambda_L1')).toBe('lambda_L1: 100.0');
  });

  it('presence flags, --suffix and the cycle_gan alias', async () => {
    const { stdout } = await translate([
      'train',
      '--model',
      'cycle_gan',
      '--dataroot',
      tempDir(),
      '--continue_train',
      '--suffix',
      '{model}_{netG}',
      '--backend',
      'cpu',
    ]);
    expect(optionLine(stdout, 'continue_train')).toBe('continue_train: True\t[default: False]');
    expect(optionLine(stdout, 'model')).toBe('model: cyclegan');
    expect(optionLine(stdout, 'name')).toBe('name: experiment_name_cycle_gan_resnet_9blocks\t[default: experiment_name]'); // {model} as typed, as the reference
  });
});

describe('translate test: bool flags and eval mode', () => {
  /** The printed `eval` line of `translate test <flags>` (an empty dataroot stops the run after printing). */
  async function evalLine(flags: string[]): Promise<string | undefined> {
    const { stdout } = await translate(['test', '--dataroot', tempDir(), '--backend', 'cpu', ...flags]);
    return optionLine(stdout, 'eval');
  }

  it('gaugan tests in eval mode by default (as SPADE); --eval false or --eval=false keeps train-mode norms', async () => {
    expect(await evalLine(['--model', 'gaugan'])).toBe('eval: True');
    expect(await evalLine(['--model', 'gaugan', '--eval', 'false'])).toBe('eval: False\t[default: True]');
    expect(await evalLine(['--model', 'gaugan', '--eval=false'])).toBe('eval: False\t[default: True]');
    expect(await evalLine(['--model', 'gaugan', '--eval', 'true'])).toBe('eval: True');
  });

  it('other models keep the reference default (off); a bare --eval turns it on', async () => {
    expect(await evalLine(['--model', 'pix2pix'])).toBe('eval: False');
    expect(await evalLine(['--model', 'cyclegan'])).toBe('eval: False');
    expect(await evalLine(['--model', 'pix2pix', '--eval'])).toBe('eval: True\t[default: False]');
    expect(await evalLine(['--model', 'pix2pix', '--eval', '--phase', 'val'])).toBe('eval: True\t[default: False]');
  });

  it('a flag turns off what the config file turns on; a bool flag with another value is a usage error', async () => {
    const config = tempFile('run.yaml', 'model: pix2pix\neval: true\n');
    expect(await evalLine(['--config', config])).toBe('eval: True\t[default: False]');
    expect(await evalLine(['--config', config, '--eval', 'false'])).toBe('eval: False');
    const bad = await translate(['test', '--model', 'gaugan', '--dataroot', tempDir(), '--eval', 'maybe']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--eval expects true or false, got 'maybe'.");
  });
});

describe('translate models', () => {
  it('lists every model with its aliases, description, changed defaults and options', async () => {
    const { code, stdout } = await translate(['models']);
    expect(code).toBe(0);
    expect(stdout).toContain('cyclegan (also: cycle_gan)  [@translate/model-cyclegan]\n  CycleGAN: unpaired image-to-image translation');
    expect(stdout).toContain('  sets: no_dropout=True\n');
    expect(stdout).toMatch(/--lambda_identity <float> +use identity mapping\..*\(default: 0\.5; train only\)\n/);
    expect(stdout).toContain('pix2pix  [@translate/model-pix2pix]\n');
    expect(stdout).toContain(
      '  sets: norm=batch, netG=unet_256, dataset_mode=aligned\n  when training, sets: pool_size=0, gan_mode=vanilla\n',
    );
    expect(stdout).toMatch(/--lambda_L1 <float> +weight for L1 loss \(default: 100\.0; train only\)\n/);
    expect(stdout).toContain('gaugan  [@translate/model-gaugan]\n');
    expect(stdout).toContain('  when testing, sets: eval=True\n');
    expect(stdout).toMatch(/--use_vae \[bool\] +enable training with an image encoder\. \(default: False\)\n/);
    expect(stdout).toContain('test  [@translate/core]\n');
    expect(stdout).toMatch(/--model_suffix <value> +In checkpoints_dir, .*\(default: ''; test only\)\n/);
  });
});

describe('translate doctor', () => {
  it('reports the backends, the models and the dataset modes', async () => {
    const { code, stdout } = await translate(['doctor']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}cpu +available +@tensorflow\/tfjs-backend-cpu/m);
    expect(stdout).toMatch(/^ {2}tensorflow-gpu +(available|unavailable) +@tensorflow\/tfjs-node-gpu/m);
    // A default install has no TensorFlow backend; doctor names the one command that adds each.
    expect(stdout).toContain(
      '  tensorflow      unavailable  @tensorflow/tfjs-node  @tensorflow/tfjs-node is not installed (opt-in)\n                  To add it: pnpm add -w @tensorflow/tfjs-node@4.22.0\n',
    );
    expect(stdout).toMatch(/^ {2}winograd +on +3x3 stride-1 convs/m);
    expect(stdout).toMatch(/^Models: cyclegan, pix2pix, .*test$/m);
    expect(stdout).toMatch(/^Dataset modes: .*aligned.*unaligned/m);
  });
});
