import { beforeAll, describe, expect, it } from 'vitest';
import { OptionError, TranslateError } from '../../src/errors.js';
import { registerModel } from '../../src/model/plugin.js';
import { BASE_OPTIONS } from '../../src/options/base_options.js';
import { resolveOptions, resolveSchema, schemaValues, type OptionLayer } from '../../src/options/resolve.js';
import { datasetMode, registerTestPlugins } from './plugins.js';

beforeAll(registerTestPlugins);

const cli = (values: Record<string, unknown>): OptionLayer => ({ source: 'the command line', values, commandLine: true });
const yaml = (values: Record<string, unknown>, lines: Record<string, number> = {}): OptionLayer => ({ source: 'run.yaml', values, lines });
const train = (...layers: OptionLayer[]) => resolveOptions({ phase: 'train', layers, datasetMode }).options;
const test = (...layers: OptionLayer[]) => resolveOptions({ phase: 'test', layers, datasetMode }).options;
const error = (fn: () => unknown): OptionError => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OptionError);
    expect((err as OptionError).usage).toBe(true);
    return err as OptionError;
  }
  throw new Error('expected an OptionError');
};

describe('resolveOptions: defaults', () => {
  it('train with the default model (cyclegan): base + train + model options, model overrides applied', () => {
    const opt = train(cli({ dataroot: 'd' }));
    expect(opt).toMatchObject({
      model: 'cyclegan',
      dataroot: 'd',
      netG: 'resnet_9blocks',
      norm: 'instance',
      no_dropout: true,
      gan_mode: 'lsgan',
      pool_size: 50,
      lambda_A: 10,
      lambda_identity: 0.5,
      phase: 'train',
      dataset_mode: 'unaligned',
      backend: 'auto',
      seed: 0,
    });
    expect(opt).not.toHaveProperty('results_dir');
    expect(opt).not.toHaveProperty('lambda_L1');
  });

  it('pix2pix changes base and train defaults and the dataset mode', () => {
    const opt = train(cli({ dataroot: 'd', model: 'pix2pix' }));
    expect(opt).toMatchObject({
      netG: 'unet_256',
      norm: 'batch',
      dataset_mode: 'aligned',
      pool_size: 0,
      gan_mode: 'vanilla',
      no_dropout: false,
      lambda_L1: 100,
    });
  });

  it('test phase: model test, load_size = crop_size, single dataset, test-only options', () => {
    const opt = test(cli({ dataroot: 'd' }));
    expect(opt).toMatchObject({
      model: 'test',
      load_size: 256,
      crop_size: 256,
      phase: 'test',
      num_test: 50,
      results_dir: './results/',
      aspect_ratio: 1,
      eval: false,
      dataset_mode: 'single',
      model_suffix: '',
      serial_batches: true,
      no_flip: true,
    });
    expect(opt).not.toHaveProperty('n_epochs');
  });

  it('train-only model options do not exist when testing', () => {
    const opt = test(cli({ dataroot: 'd', model: 'pix2pix' }));
    expect(opt).toMatchObject({ model: 'pix2pix', netG: 'unet_256', dataset_mode: 'aligned' });
    expect(opt).not.toHaveProperty('lambda_L1');
    expect(opt).not.toHaveProperty('pool_size');
  });

  it('dataset mode defaults come after the model ones and its options are added', () => {
    expect(train(cli({ dataroot: 'd', model: 'pix2pix', dataset_mode: 'colorization' }))).toMatchObject({
      input_nc: 1,
      output_nc: 2,
      netG: 'unet_256',
    });
    const set = resolveOptions({ phase: 'train', layers: [cli({ dataroot: 'd', dataset_mode: 'template' })], datasetMode });
    expect(set.options).toMatchObject({ max_dataset_size: 10, new_dataset_option: 2, load_size: 286 });
    expect(set.origins).toMatchObject({ new_dataset_option: 'dataset', load_size: 'base', lambda_A: 'model', lr: 'phase' });
    expect(set.schema.max_dataset_size!.default).toBe(10);
  });

  it('the dataset mode comes from the model unless a layer sets it', () => {
    expect(resolveSchema({ phase: 'train', layers: [cli({ model: 'pix2pix' })], datasetMode }).datasetMode?.name).toBe('aligned');
    expect(
      resolveSchema({ phase: 'train', layers: [yaml({ dataset_mode: 'template' }), cli({ model: 'pix2pix' })], datasetMode }).datasetMode
        ?.name,
    ).toBe('template');
  });

  it('an alias resolves to the canonical model name', () => {
    expect(train(cli({ dataroot: 'd', model: 'cycle_gan' })).model).toBe('cyclegan');
  });
});

describe('resolveOptions: dataset mode defaults and choices', () => {
  it('a mode sets defaults in both phases and per phase; one for an option the model lacks is skipped', () => {
    expect(train(cli({ dataroot: 'd', dataset_mode: 'spade_like' }))).toMatchObject({ load_size: 300, display_winsize: 512, lambda_A: 1 });
    const tested = test(cli({ dataroot: 'd', dataset_mode: 'spade_like' }));
    expect(tested).toMatchObject({ load_size: 200, display_winsize: 512 });
    expect(tested).not.toHaveProperty('lambda_A');
    expect(test(cli({ dataroot: 'd', dataset_mode: 'spade_like', load_size: '64' })).load_size).toBe(64);
  });

  it("the mode's choices of a base option replace the base ones", () => {
    expect(train(cli({ dataroot: 'd', dataset_mode: 'spade_like', preprocess: 'fixed' })).preprocess).toBe('fixed');
    expect(error(() => train(cli({ dataroot: 'd', preprocess: 'fixed' }))).message).toContain(
      '--preprocess must be one of resize_and_crop, crop, scale_width, scale_width_and_crop, none',
    );
  });
});

describe('resolveOptions: aliases', () => {
  it("an alias (SPADE's --preprocess_mode) sets the option, on the command line and in a file", () => {
    const fromCli = train(cli({ dataroot: 'd', preprocess_mode: 'scale_width' }));
    expect(fromCli.preprocess).toBe('scale_width');
    expect(fromCli).not.toHaveProperty('preprocess_mode');
    expect(train(yaml({ dataroot: 'd', preprocess_mode: 'crop' }), cli({ preprocess: 'none' })).preprocess).toBe('none');
    expect(error(() => train(yaml({ dataroot: 'd', preprocess_mode: 'fixd' }, { preprocess_mode: 4 }))).message).toMatch(
      /^'preprocess_mode' \(run\.yaml:4\) must be one of/,
    );
  });

  it('the name and an alias in one layer is an error naming both', () => {
    expect(error(() => train(cli({ dataroot: 'd', preprocess: 'crop', preprocess_mode: 'none' }))).message).toBe(
      '--preprocess and --preprocess_mode are the same option (one is an alias of the other); set only one of them.',
    );
  });

  it('an alias that is already an option name is a programming error', () => {
    const badMode = () => ({ name: 'bad_alias', options: { my_size: { type: 'int' as const, default: 1, help: 'x', aliases: ['ngf'] } } });
    expect(() => resolveOptions({ phase: 'train', layers: [cli({ dataroot: 'd' })], datasetMode: badMode })).toThrow(
      "Option 'my_size' declares the alias 'ngf', which is already the option 'ngf'.",
    );
  });

  it("SPADE's spellings of the reference's options are aliases, in the phase that has the option", () => {
    const opt = train(
      cli({ dataroot: 'd', batchSize: '4', niter: '3', niter_decay: '2', which_epoch: '7', nThreads: '1', init_variance: '0.1' }),
    );
    expect(opt).toMatchObject({ batch_size: 4, n_epochs: 3, n_epochs_decay: 2, epoch: '7', num_threads: 1, init_gain: 0.1 });
    expect(test(cli({ dataroot: 'd', how_many: '9' })).num_test).toBe(9);
    expect(error(() => test(cli({ dataroot: 'd', niter: '3' }))).message).toMatch(/^Unknown option --niter\./);
  });

  it('schemaValues takes aliases too', () => {
    expect(schemaValues({ preprocess: BASE_OPTIONS.preprocess! }, { preprocess_mode: 'crop' })).toEqual({ preprocess: 'crop' });
  });
});

describe('resolveOptions: layers', () => {
  it('command line overrides the config file, which overrides defaults', () => {
    const opt = train(yaml({ dataroot: 'from-yaml', ngf: 32, lr: 0.001, name: 'y' }), cli({ ngf: '16', name: 'c' }));
    expect(opt).toMatchObject({ dataroot: 'from-yaml', ngf: 16, lr: 0.001, name: 'c' });
  });

  it('the model can come from the config file and changes defaults accordingly', () => {
    expect(train(yaml({ dataroot: 'd', model: 'pix2pix' }))).toMatchObject({ model: 'pix2pix', norm: 'batch' });
  });

  it('converts command-line strings to int, float and bool', () => {
    const opt = train(cli({ dataroot: 'd', ngf: '8', lr: '2e-4', beta1: '.9', no_dropout: 'false', max_dataset_size: 'inf', epoch: '5' }));
    expect(opt).toMatchObject({ ngf: 8, lr: 0.0002, beta1: 0.9, no_dropout: false, max_dataset_size: Infinity, epoch: '5' });
  });

  it('accepts YAML numbers for string options and integers for floats', () => {
    expect(train(yaml({ dataroot: 'd', epoch: 20, lr: 1 }))).toMatchObject({ epoch: '20', lr: 1 });
  });

  it('skips undefined values and options of the other phase in files', () => {
    expect(test(yaml({ dataroot: 'd', model: 'pix2pix', n_epochs: 3, lambda_L1: 50, ngf: undefined }))).toMatchObject({ ngf: 64 });
  });

  it("--suffix's {model} is the model as typed, as the reference formats the parsed options", () => {
    const opt = train(cli({ dataroot: 'd', model: 'cycle_gan', suffix: '{model}' }));
    expect(opt).toMatchObject({ name: 'experiment_name_cycle_gan', model: 'cyclegan' });
  });

  it('expands --suffix into the name as the reference does', () => {
    expect(train(cli({ dataroot: 'd', model: 'pix2pix', suffix: '{model}_{netG}_size{load_size}' })).name).toBe(
      'experiment_name_pix2pix_unet_256_size286',
    );
    expect(train(cli({ dataroot: 'd', suffix: 'lr{lr}_{no_dropout}_{{x}}' })).name).toBe('experiment_name_lr0.0002_True_{x}');
    expect(train(cli({ dataroot: 'd', name: 'run' })).name).toBe('run');
  });
});

describe('resolveOptions: errors', () => {
  it('unknown key in a file names the key, the file and line, and the closest option', () => {
    const err = error(() => train(yaml({ dataroot: 'd', ngff: 8 }, { ngff: 3 })));
    expect(err.message).toBe("Unknown option 'ngff' (run.yaml:3). Did you mean 'ngf'? See 'translate train --help' for the options.");
  });

  it('unknown programmatic key, and an option of another model', () => {
    expect(error(() => train({ source: 'api', values: { dataroot: 'd', netg: 'unet_128' } })).message).toContain(
      "Unknown option 'netg' (api). Did you mean 'netG'?",
    );
    expect(error(() => train(yaml({ dataroot: 'd', lambda_L1: 10 }))).message).toContain("Unknown option 'lambda_L1' (run.yaml)");
  });

  it('other-phase options are errors on the command line', () => {
    expect(error(() => test(cli({ dataroot: 'd', n_epochs: '3' }))).message).toContain('Unknown option --n_epochs.');
  });

  it('wrong type says which key, what was given, and what is expected', () => {
    expect(error(() => train(cli({ dataroot: 'd', ngf: 'abc' }))).message).toBe("--ngf expects an integer, got 'abc'.");
    expect(error(() => train(yaml({ dataroot: 'd', lr: 'fast' }, { lr: 2 }))).message).toBe(
      "'lr' (run.yaml:2) expects a number, got 'fast'.",
    );
    expect(error(() => train(yaml({ dataroot: 'd', no_dropout: 'maybe' }))).message).toBe(
      "'no_dropout' (run.yaml) expects true or false, got 'maybe'.",
    );
    expect(error(() => train(yaml({ dataroot: 'd', ngf: 2.5 }))).message).toBe("'ngf' (run.yaml) expects an integer, got 2.5.");
    expect(error(() => train(yaml({ dataroot: 'd', name: { a: 1 } }))).message).toBe('\'name\' (run.yaml) expects a string, got {"a":1}.');
    expect(error(() => train(cli({ dataroot: 'd', n_epochs: 'inf' }))).message).toBe("--n_epochs expects an integer, got 'inf'.");
  });

  it('a value outside the choices lists the allowed ones', () => {
    expect(error(() => train(cli({ dataroot: 'd', norm: 'foo' }))).message).toBe(
      "--norm must be one of batch, instance, none, syncbatch; got 'foo'.",
    );
    expect(error(() => train(cli({ dataroot: 'd', direction: 'atob' }))).message).toBe(
      "--direction must be one of AtoB, BtoA; got 'atob'. Did you mean 'AtoB'?",
    );
  });

  it('a missing required option', () => {
    expect(error(() => train()).message).toBe(
      'Missing required option --dataroot (path to images (should have subfolders trainA, trainB, valA, valB, etc)). Pass --dataroot on the command line or set dataroot in a --config file.',
    );
  });

  it('unknown model lists the registered ones; unknown dataset mode comes from the lookup', () => {
    expect(error(() => train(cli({ dataroot: 'd', model: 'cyclegann' }))).message).toBe(
      "Unknown model 'cyclegann'. Did you mean 'cyclegan'? Known: cycle_gan, cyclegan, pix2pix, test.",
    );
    expect(error(() => train(cli({ dataroot: 'd', dataset_mode: 'nope' }))).message).toContain("Unknown dataset mode 'nope'");
  });

  it('a --suffix field that is not an option', () => {
    expect(error(() => train(cli({ dataroot: 'd', suffix: '{netg}' }))).message).toBe(
      "--suffix '{netg}' refers to {netg}, which is not an option. Did you mean 'netG'?",
    );
  });

  it('a plugin that redeclares a base option is a programming error', () => {
    registerModel({
      name: 'redeclares',
      description: '',
      options: { ngf: { type: 'int', default: 8, help: '' } },
      create: () => {
        throw new Error();
      },
    });
    let caught: unknown;
    try {
      resolveSchema({ phase: 'train', layers: [cli({ model: 'redeclares' })] });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TranslateError);
    expect(caught).not.toBeInstanceOf(OptionError);
    expect((caught as TranslateError).usage).toBe(false);
    expect((caught as Error).message).toContain("Option 'ngf' is declared twice (base options and model options)");
  });
});

describe('resolveOptions: published flags without an option of their own', () => {
  const withFlags = () => ({
    name: 'published_flags',
    options: {
      total_epochs: {
        type: 'int' as const,
        default: 0,
        help: 'x',
        sets: (value: unknown) => ({ n_epochs: Number(value), n_epochs_decay: 0 }),
      },
      device_ids: { type: 'string' as const, default: '0', help: 'x', noEffect: 'translate picks the device' },
    },
  });
  const resolve = (...layers: OptionLayer[]) => resolveOptions({ phase: 'train', layers, datasetMode: withFlags });

  it("an option's `sets` gives other options values in its layer; a higher layer still overrides them", () => {
    expect(resolve(cli({ dataroot: 'd', total_epochs: '7' })).options).toMatchObject({ total_epochs: 7, n_epochs: 7, n_epochs_decay: 0 });
    expect(resolve(yaml({ dataroot: 'd', total_epochs: 7 }), cli({ n_epochs_decay: '3' })).options).toMatchObject({
      n_epochs: 7,
      n_epochs_decay: 3,
    });
    expect(error(() => resolve(cli({ dataroot: 'd', total_epochs: '7', n_epochs: '2' }))).message).toBe(
      '--total_epochs sets n_epochs (to 7), and --n_epochs sets it too; give only one of them.',
    );
  });

  it('an option with `noEffect` warns once, only when given', () => {
    expect(resolve(cli({ dataroot: 'd' })).warnings).toEqual([]);
    expect(resolve(yaml({ dataroot: 'd', device_ids: '1' }, { device_ids: 2 }), cli({ device_ids: '0,1' })).warnings).toEqual([
      '--device_ids has no effect: translate picks the device',
    ]);
    expect(resolve(yaml({ dataroot: 'd', device_ids: '1' }, { device_ids: 2 })).warnings).toEqual([
      "'device_ids' (run.yaml:2) has no effect: translate picks the device",
    ]);
  });
});
