/**
 * `--plugin` and `plugins:` loading: what a plugin registers becomes usable (flags, help, dataset
 * modes, networks), and every broken plugin stops the run with exit code 2 and a message that
 * names the plugin's file and each problem.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir, translate } from '../helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const samples = fileURLToPath(new URL('../../../../samples/edges2photo', import.meta.url));

describe('loading plugins', () => {
  it('--plugin registers models, dataset modes and networks; --help lists their options', async () => {
    const { code, stdout } = await translate(['train', '--plugin', fixture('extras.js'), '--model', 'extras_model', '--help']);
    expect(code).toBe(0);
    const help = stdout.replace(/\s+/g, ' ');
    expect(help).toContain(
      ' --plugin <package|path> load models, networks and dataset modes from a plugin (npm package or path; repeatable;',
    );
    expect(help).toContain("Options of model 'extras_model': --extras_weight <float> weight of the extras loss (default: 2.5)");
    expect(help).toMatch(
      /Options of dataset mode 'paired_copy': .* --extras_scale, --extrasScale <int> a dataset option of the plugin \(default: 3\)/,
    );
    expect(help).toMatch(/--netG <value> specify generator architecture [^(]*\(default: extras_net\)/);
    expect(help).toMatch(/--dataset_mode <value> chooses how datasets are loaded[^(]*\(default: paired_copy\)/);
  });

  it("a plugin dataset mode's testDefaults apply when testing (one for a model option the model lacks is skipped)", async () => {
    const { code, stdout } = await translate(['test', '--plugin', fixture('extras.js'), '--model', 'extras_model', '--help']);
    expect(code).toBe(0);
    expect(stdout.replace(/\s+/g, ' ')).toMatch(/--extras_scale, --extrasScale <int> a dataset option of the plugin \(default: 5\)/);
    expect(stdout).not.toContain('--num_upsampling_layers');
  });

  it("reports a dataset mode's bad defaults and aliases at load time", async () => {
    const { code, stderr } = await translate(['train', '--plugin', fixture('bad_mode.js'), '--help']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      [
        `translate: Plugin ${fixture('bad_mode.js')} is invalid:`,
        "  - dataset mode 'bad_mode': option 'level': 'aliases' must be a list of option names (got 'lvl').",
        "  - dataset mode 'bad_mode': 'defaults' sets 'levle', which is not an option. Did you mean 'level'?",
        "  - dataset mode 'bad_mode': 'testDefaults' sets 'level' to 'high', which is not a valid int.",
        '',
      ].join('\n'),
    );
  });

  it('reads plugins: from the config file, relative to the file, and keeps it out of the options', async () => {
    const dir = tempDir();
    const plugin = join(dir, 'plugins', 'listed.js');
    mkdirSync(join(dir, 'plugins'));
    writeFileSync(
      plugin,
      "export const plugin = { name: 'listed', description: 'a model listed in a config file', options: { listed_weight: { type: 'int', default: 7, help: 'its option' } }, create: () => null };\n",
    );
    writeFileSync(join(dir, 'run.yaml'), 'plugins:\n  - ./plugins/listed.js\nmodel: listed\n');
    const { code, stdout } = await translate(['test', '--config', join(dir, 'run.yaml'), '--help']);
    expect(code).toBe(0);
    expect(stdout.replace(/\s+/g, ' ')).toContain("Options of model 'listed': --listed_weight <int> its option (default: 7)");
    const listed = await translate(['models', '--plugin', plugin]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`listed  [${plugin}]\n  a model listed in a config file\n`);
  });

  it('a model without backwardG() stops training when it is built, naming the file', async () => {
    const { code, stderr } = await translate([
      'train',
      '--plugin',
      fixture('no_step.js'),
      '--model',
      'no_step',
      '--dataroot',
      samples,
      '--load_size',
      '32',
      '--crop_size',
      '32',
      '--ngf',
      '4',
      '--max_dataset_size',
      '1',
      '--backend',
      'cpu',
      '--checkpoints_dir',
      tempDir(),
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `translate: Plugin ${fixture('no_step.js')}: model 'no_step': the model has no backwardG() method (the training step: define backwardD() and backwardG() (each returns that update's loss), or override optimizeParameters()).\n`,
    );
  });

  it('reports every mistake of an option schema and its defaults at load time', async () => {
    const { code, stderr } = await translate(['train', '--plugin', fixture('bad_schema.js'), '--model', 'bad_schema', '--help']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      [
        `translate: Plugin ${fixture('bad_schema.js')} is invalid:`,
        "  - model 'bad_schema': unknown field 'trainDefault'. Did you mean 'trainDefaults'? Fields: name, aliases, description, options, defaults, trainDefaults, testDefaults, architectureOptions, identifyWeights, create.",
        "  - model 'bad_schema': 'create' must be a function (opt, env) => BaseModel (got undefined).",
        "  - model 'bad_schema': 'identifyWeights' must be a function (state) => WeightsMatch | null (got 'not a function').",
        "  - model 'bad_schema': option 'weight': 'type' must be one of string, int, float, bool (got 'number').",
        "  - model 'bad_schema': option 'mode': 'default' 'c' is not one of its choices (a, b).",
        "  - model 'bad_schema': option 'steps': 'default' 1.5 is not a valid int.",
        "  - model 'bad_schema': option 'steps': 'help' must be a non-empty string (got undefined).",
        "  - model 'bad_schema': option 'lr': translate's training options already declare it; change its default with the plugin's 'defaults' (or 'trainDefaults' / 'testDefaults') instead.",
        "  - model 'bad_schema': option 'rate': 'default' 2 is not at least 0 and below 1.",
        "  - model 'bad_schema': option 'depth': 'minimum' must be a number (got '1').",
        "  - model 'bad_schema': option 'tag': 'maximum' applies only to int and float options.",
        "  - model 'bad_schema': option 'tag': 'noEffect' must be a non-empty string saying what translate does instead (got '').",
        "  - model 'bad_schema': 'defaults' sets 'netg', which is not an option. Did you mean 'netG'?",
        '',
      ].join('\n'),
    );
  });

  it('a name taken by a built-in is an error naming both sources', async () => {
    const { code, stderr } = await translate(['train', '--plugin', fixture('taken_names.js'), '--help']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      [
        `translate: Plugin ${fixture('taken_names.js')} is invalid:`,
        "  - model name 'pix2pix' is already registered by @translate/model-pix2pix. Rename one of them.",
        "  - --netG 'unet_32' is already registered by @translate/core. Rename one of them.",
        '',
      ].join('\n'),
    );
  });

  it('two plugins with one model name: the second is an error naming both files', async () => {
    const { code, stderr } = await translate(['train', '--plugin', fixture('twin_a.js'), '--plugin', fixture('twin_b.js'), '--help']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `translate: Plugin ${fixture('twin_b.js')}: model name 'twin' is already registered by ${fixture('twin_a.js')}. Rename one of them.\n`,
    );
  });

  it('a module without a plugin export, a missing path, an unbuilt package and an unknown package', async () => {
    const noExport = await translate(['train', '--plugin', fixture('no_export.js'), '--help']);
    expect(noExport.code).toBe(2);
    expect(noExport.stderr).toBe(
      `translate: Plugin ${fixture('no_export.js')}: exports no plugin. Export a model plugin, a { models, generators, discriminators, datasetModes } object, or a list of them, as 'plugin' or as the default export (found: helper).\n`,
    );
    const missing = await translate(['test', '--plugin', './no/such/plugin', '--help']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`translate: Plugin ./no/such/plugin: no such file or folder (${join(process.cwd(), 'no/such/plugin')}).\n`);
    const unbuilt = tempDir();
    writeFileSync(join(unbuilt, 'package.json'), JSON.stringify({ name: 'unbuilt', type: 'module', main: './dist/index.js' }));
    writeFileSync(join(unbuilt, 'tsconfig.json'), '{}');
    const notBuilt = await translate(['train', '--plugin', unbuilt, '--help']);
    expect(notBuilt.code).toBe(2);
    expect(notBuilt.stderr).toBe(
      `translate: Plugin ${unbuilt}: its entry ./dist/index.js (from package.json) does not exist. Build the plugin first (npm run build).\n`,
    );
    const unknown = await translate(['train', '--plugin', 'translate-model-nowhere', '--help']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      `translate: Plugin translate-model-nowhere: cannot find the package in node_modules from ${process.cwd()} upwards. Install it (npm install translate-model-nowhere) or pass its path.\n`,
    );
  });

  it('a config plugins: entry that is not a list of names is a usage error with its line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'run.yaml'), 'model: pix2pix\nplugins: {a: 1}\n');
    const { code, stderr } = await translate(['train', '--config', join(dir, 'run.yaml'), '--help']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `translate: 'plugins' (${join(dir, 'run.yaml')}:2) must be a list of npm package names or paths, e.g. 'plugins: [./my-plugin]'.\n`,
    );
  });
});
