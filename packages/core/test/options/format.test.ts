import { beforeAll, describe, expect, it } from 'vitest';
import { formatOptions, pythonStr } from '../../src/options/format.js';
import { resolveOptions } from '../../src/options/resolve.js';
import { datasetMode, registerTestPlugins } from './plugins.js';

beforeAll(registerTestPlugins);

describe('pythonStr', () => {
  it("matches Python's str() for each option type", () => {
    expect(pythonStr(true, 'bool')).toBe('True');
    expect(pythonStr(false, 'bool')).toBe('False');
    expect(pythonStr(undefined, 'string')).toBe('None');
    expect(pythonStr('./checkpoints', 'string')).toBe('./checkpoints');
    expect(pythonStr(64, 'int')).toBe('64');
    expect(pythonStr(Infinity, 'int')).toBe('inf');
    expect(pythonStr(-Infinity, 'float')).toBe('-inf');
    expect(pythonStr(10, 'float')).toBe('10.0');
    expect(pythonStr(0.0002, 'float')).toBe('0.0002');
    expect(pythonStr(0.02, 'float')).toBe('0.02');
    expect(pythonStr(0.0001, 'float')).toBe('0.0001');
    expect(pythonStr(0.00001, 'float')).toBe('1e-05');
    expect(pythonStr(2.5e-7, 'float')).toBe('2.5e-07');
    expect(pythonStr(1e15, 'float')).toBe('1000000000000000.0');
    expect(pythonStr(1e16, 'float')).toBe('1e+16');
    expect(pythonStr(123456.789, 'float')).toBe('123456.789');
  });
});

describe('formatOptions', () => {
  it("writes the reference's print_options text", () => {
    const schema = {
      dataroot: { type: 'string', help: '' },
      lr: { type: 'float', default: 0.0002, help: '' },
      no_dropout: { type: 'bool', default: false, help: '' },
      ngf: { type: 'int', default: 64, help: '' },
      Zeta: { type: 'int', default: 1, help: '' },
    } as const;
    const text = formatOptions({ ngf: 64, lr: 0.001, dataroot: './datasets/maps', no_dropout: true, Zeta: 1 }, schema);
    expect(text).toBe(
      [
        '----------------- Options ---------------',
        `                     Zeta: 1${' '.repeat(29)}`,
        `                 dataroot: ./datasets/maps${' '.repeat(15)}\t[default: None]`,
        `                       lr: 0.001${' '.repeat(25)}\t[default: 0.0002]`,
        `                      ngf: 64${' '.repeat(28)}`,
        `               no_dropout: True${' '.repeat(26)}\t[default: False]`,
        '----------------- End -------------------',
        '',
      ].join('\n'),
    );
  });

  it('compares against the effective defaults (model overrides are not differences)', () => {
    const { options, schema } = resolveOptions({
      phase: 'train',
      layers: [{ source: 'cli', commandLine: true, values: { dataroot: 'd', model: 'pix2pix', n_epochs: '5' } }],
      datasetMode,
    });
    const lines = formatOptions(options, schema).split('\n');
    const line = (key: string, value: string, comment = '') => `${key.padStart(25)}: ${value.padEnd(30)}${comment}`;
    expect(lines).toContain(line('netG', 'unet_256'));
    expect(lines).toContain(line('lambda_L1', '100.0'));
    expect(lines).toContain(line('n_epochs', '5', '\t[default: 100]'));
    expect(lines).toContain(line('max_dataset_size', 'inf'));
    expect(lines).toContain(line('model', 'pix2pix', '\t[default: cyclegan]'));
    expect(lines).toHaveLength(Object.keys(options).length + 3);
  });
});
