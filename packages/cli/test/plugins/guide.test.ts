/**
 * docs/writing-a-model-plugin.md cannot rot: its TypeScript blocks compile against the public API
 * (the `// file:` blocks are exactly what `translate new-model my_gan` writes, which the scaffold
 * test trains), its `translate` command lines use existing commands and options, and its YAML and
 * JSON blocks parse and agree with the scaffold.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_OPTIONS, TEST_OPTIONS, TRAIN_OPTIONS } from '@translate/core';
import { DATA_OPTIONS, datasetModeNames, getDatasetMode } from '@translate/datasets';
import { readConfig } from '../../src/config.js';
import { scaffoldFiles } from '../../src/plugins/scaffold/templates.js';
import { tempDir } from '../helpers.js';
import { REPO, diagnosticsOf, publicApiProgram } from './typecheck.js';

interface Block {
  lang: string;
  code: string;
  /** Line of the opening fence. */
  line: number;
}

const markdown = readFileSync(join(REPO, 'docs/writing-a-model-plugin.md'), 'utf8');
const blocks: Block[] = [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
  lang: m[1]!,
  code: m[2]!,
  line: markdown.slice(0, m.index).split('\n').length,
}));
const ofLang = (lang: string) => blocks.filter((b) => b.lang === lang);
const generated = scaffoldFiles({
  model: 'my_gan',
  className: 'MyGanModel',
  packageName: 'translate-model-my-gan',
  core: { peer: '^0.1.0', dev: '^0.1.0' },
});
const FILE_MARK = /^\/\/ file: (\S+)\n/;

/** `translate …` command lines of the bash blocks, continuation lines joined, split into words. */
function translateCommands(): string[][] {
  return ofLang('bash')
    .flatMap((b) => b.code.replace(/\\\n\s*/g, ' ').split('\n'))
    .filter((line) => line.startsWith('translate '))
    .map((line) => line.trim().split(/\s+/).slice(1));
}

describe('docs/writing-a-model-plugin.md', () => {
  it('has only blocks the suite checks: ts, bash, yaml and json', () => {
    expect(new Set(blocks.map((b) => b.lang))).toEqual(new Set(['ts', 'bash', 'yaml', 'json']));
    expect(ofLang('ts').length).toBeGreaterThanOrEqual(6);
  });

  it('its TypeScript blocks compile against the public API, and the file blocks are the scaffold', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const files = ofLang('ts').map(({ code, line }) => {
      const file = join(dir, code.match(FILE_MARK)?.[1] ?? `snippets/block_line_${line}.ts`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, code);
      return file;
    });
    expect(diagnosticsOf(publicApiProgram(files), files)).toEqual([]);
    const fileBlocks = Object.fromEntries(
      ofLang('ts').flatMap(({ code }) => {
        const mark = code.match(FILE_MARK);
        return mark ? [[mark[1]!, code.slice(mark[0].length)]] : [];
      }),
    );
    expect(fileBlocks).toEqual({ 'src/index.ts': generated['src/index.ts'], 'test/my_gan.test.ts': generated['test/my_gan.test.ts'] });
  });

  it('its translate commands use existing commands and options', () => {
    const guideOptions = [
      ...ofLang('ts')
        .map((b) => b.code)
        .join('\n')
        .matchAll(/^\s+(\w+): \{ type: '/gm),
    ].map((m) => m[1]!);
    const modeOptions = datasetModeNames().flatMap((name) => Object.keys(getDatasetMode(name).options));
    const runOptions = new Set([
      'plugin',
      'config',
      'help',
      ...Object.keys({ ...BASE_OPTIONS, ...TRAIN_OPTIONS, ...TEST_OPTIONS, ...DATA_OPTIONS }),
      ...modeOptions,
      ...guideOptions,
    ]);
    const flags: Record<string, Set<string>> = {
      train: runOptions,
      test: runOptions,
      models: new Set(['plugin']),
      'new-model': new Set(['dir']),
    };
    const commands = translateCommands();
    expect(commands.map((c) => c[0]).sort()).toEqual(['new-model', 'test', 'test', 'train', 'train']);
    const unknown = commands.flatMap(([command, ...args]) =>
      args.filter((a) => a.startsWith('--') && !flags[command!]!.has(a.slice(2))).map((a) => `${command} ${a}`),
    );
    expect(unknown).toEqual([]);
  });

  it('its config file parses, lists plugins and sets only options', () => {
    const [yaml] = ofLang('yaml');
    const path = join(tempDir(), 'run.yaml');
    writeFileSync(path, yaml!.code);
    const { plugins, ...values } = readConfig(path).values;
    expect(plugins).toEqual(['./my_gan']);
    const known = new Set([...Object.keys({ ...BASE_OPTIONS, ...TRAIN_OPTIONS, ...DATA_OPTIONS }), 'lambda_L1']);
    expect(Object.keys(values).filter((k) => !known.has(k))).toEqual([]);
  });

  it('its package.json excerpt agrees with the scaffold', () => {
    const [json] = ofLang('json');
    const excerpt = JSON.parse(json!.code) as Record<string, unknown>;
    const manifest = JSON.parse(generated['package.json']!) as Record<string, unknown>;
    for (const [key, value] of Object.entries(excerpt)) expect(manifest[key], key).toEqual(value);
  });
});
