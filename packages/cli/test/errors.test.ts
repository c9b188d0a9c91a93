import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { translate, tempDir, tempFile } from './helpers.js';

describe('usage errors: one clear message, exit code 2', () => {
  it('unknown model lists the known ones', async () => {
    const { code, stderr, stdout } = await translate(['train', '--dataroot', 'd', '--model', 'cyclegann']);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^translate: Unknown model 'cyclegann'\. Did you mean 'cyclegan'\? Known: colorization, cycle_gan, cyclegan, .*pix2pix, .*test\.\n$/,
    );
    expect(stdout).toBe('');
  });

  it("the reference's template model and dataset mode point to translate new-model", async () => {
    const model = await translate(['train', '--dataroot', 'd', '--model', 'template']);
    expect(model.code).toBe(2);
    expect(model.stderr).toBe(
      "translate: No model 'template' in translate: the reference's `--model template` (models/template_model.py) is a model to copy and edit. translate writes that starting point as a plugin package: run `translate new-model <name>`, then `translate train --plugin <name> --model <name> --dataroot <dataset>`.\n",
    );
    const mode = await translate(['test', '--dataroot', 'd', '--dataset_mode', 'template']);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toMatch(
      /^translate: --dataset_mode: No dataset mode 'template' in translate: the reference's `--dataset_mode template` \(data\/template_dataset\.py\) is a dataset to copy and edit\. .*run `translate new-model <name>` and add your mode to its `datasetModes`.*\n$/,
    );
  });

  it('unknown flag: commander’s message, a suggestion and a hint', async () => {
    const { code, stderr } = await translate(['train', '--dataroot', 'd', '--ngff', '8']);
    expect(code).toBe(2);
    expect(stderr).toContain("error: unknown option '--ngff'");
    expect(stderr).toContain('(Did you mean --ngf?)');
    expect(stderr).toContain("(run 'translate train --help' to see the options)");
  });

  it('a flag without its value', async () => {
    const { code, stderr } = await translate(['train', '--dataroot']);
    expect(code).toBe(2);
    expect(stderr).toContain("error: option '--dataroot <value>' argument missing");
  });

  it('an unknown command and a stray argument', async () => {
    expect((await translate(['trian'])).stderr).toContain("error: unknown command 'trian'");
    expect((await translate(['trian'])).code).toBe(2);
    const stray = await translate(['train', 'datasets/maps']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain("error: too many arguments for 'train'");
  });

  it('no command prints the help on stderr', async () => {
    const { code, stderr } = await translate([]);
    expect(code).toBe(2);
    expect(stderr).toContain('Usage: translate [options] [command]');
  });

  it('bad YAML names the file, line and column', async () => {
    const config = tempFile('run.yaml', 'ngf: 8\nnetG: [unet_256\nlr: 0.1\n');
    const { code, stderr } = await translate(['train', '--config', config, '--dataroot', 'd']);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      new RegExp(
        `^translate: Invalid YAML in ${config} at line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a \\]\\.\\n$`,
      ),
    );
  });

  it('a YAML document that is not a mapping, and a missing config file', async () => {
    const list = tempFile('list.yaml', '- ngf\n- 8\n');
    expect(await translate(['train', '--config', list])).toMatchObject({
      code: 2,
      stderr: `translate: ${list} must be a YAML mapping of option names to values (e.g. 'ngf: 64' on its own line).\n`,
    });
    const { code, stderr } = await translate(['train', '--config', '/nonexistent/run.yaml']);
    expect(code).toBe(2);
    expect(stderr).toBe('translate: Cannot read the config file /nonexistent/run.yaml: no such file.\n');
  });

  it('a config path that is a folder', async () => {
    const dir = tempDir();
    expect(await translate(['train', '--config', dir])).toEqual({
      code: 2,
      stdout: '',
      stderr: `translate: Cannot read the config file ${dir}: it is a folder; give a YAML file.\n`,
    });
  });

  it('a --name that leaves --checkpoints_dir is refused before anything is written', async () => {
    const root = tempDir();
    for (const name of ['../escape', 'a/../../escape', '/tmp/abs']) {
      for (const phase of ['train', 'test']) {
        const { code, stderr } = await translate([
          phase,
          '--dataroot',
          'samples/edges2photo',
          '--model',
          'pix2pix',
          '--checkpoints_dir',
          join(root, 'ck'),
          '--name',
          name,
        ]);
        expect(code).toBe(2);
        expect(stderr).toBe(
          `translate: --name '${name}' leaves --checkpoints_dir ${join(root, 'ck')}: it names a folder inside it. Pass a plain name (e.g. maps_pix2pix), and --checkpoints_dir for another place.\n`,
        );
      }
    }
    expect(readdirSync(root)).toEqual([]);
  });

  it('unknown YAML key names the key, file and line and suggests the closest option', async () => {
    const config = tempFile('run.yaml', 'dataroot: d\nngff: 8\n');
    const { code, stderr } = await translate(['train', '--config', config]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `translate: Unknown option 'ngff' (${config}:2). Did you mean 'ngf'? See 'translate train --help' for the options.\n`,
    );
  });

  it('a YAML value of the wrong type', async () => {
    const config = tempFile('run.yaml', 'dataroot: d\n\nn_epochs: ten\n');
    const { code, stderr } = await translate(['train', '--config', config]);
    expect(code).toBe(2);
    expect(stderr).toBe(`translate: 'n_epochs' (${config}:3) expects an integer, got 'ten'.\n`);
  });

  it('bad choice lists what is allowed', async () => {
    const { code, stderr } = await translate(['train', '--dataroot', 'd', '--norm', 'foo']);
    expect(code).toBe(2);
    expect(stderr).toBe("translate: --norm must be one of batch, instance, none, syncbatch; got 'foo'.\n");
  });

  it('a non-numeric value for a number flag', async () => {
    const { code, stderr } = await translate(['train', '--dataroot', 'd', '--lr', 'fast']);
    expect(code).toBe(2);
    expect(stderr).toBe("translate: --lr expects a number, got 'fast'.\n");
  });

  it('missing --dataroot', async () => {
    const { code, stderr } = await translate(['train', '--model', 'pix2pix']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'translate: Missing required option --dataroot (path to images (should have subfolders trainA, trainB, valA, valB, etc)). Pass --dataroot on the command line or set dataroot in a --config file.\n',
    );
  });

  it('an unknown dataset mode', async () => {
    const { code, stderr } = await translate(['train', '--dataroot', 'd', '--dataset_mode', 'pairs']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^translate: --dataset_mode: Unknown dataset mode 'pairs'\. .*Known: ade20k, aligned, /);
  });

  it('a train-only flag given to test', async () => {
    const { code, stderr } = await translate(['test', '--dataroot', 'd', '--n_epochs', '3']);
    expect(code).toBe(2);
    expect(stderr).toContain("error: unknown option '--n_epochs'");
  });

  it('an empty dataroot fails before any model is built', async () => {
    const { code, stderr } = await translate(['train', '--dataroot', tempDir(), '--backend', 'cpu']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^translate: .*trainA/);
  });
});
