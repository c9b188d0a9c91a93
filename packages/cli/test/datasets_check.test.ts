import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLES, capturePrinted, tempDir, translate } from './helpers.js';

const printed = capturePrinted();

describe('translate datasets check exit code', () => {
  it('returns 1 from main when it finds problems, and leaves process.exitCode alone', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'trainA'));
    mkdirSync(join(root, 'trainB'));
    const before = process.exitCode;
    const { code } = await translate(['datasets', 'check', '--dataroot', root]);
    expect(code).toBe(1);
    expect(process.exitCode).toBe(before);
    expect(printed[0]).toMatch(/^dataset_mode unaligned: PROBLEMS FOUND\n {2}problems:\n {4}- No images found in /);
  });

  it('returns 0 for a dataset without problems and 2 for a bad flag', async () => {
    expect((await translate(['datasets', 'check', '--dataset_mode', 'aligned', '--dataroot', join(SAMPLES, 'edges2photo')])).code).toBe(0);
    expect(printed.join('\n')).toContain('dataset_mode aligned: OK');
    expect((await translate(['datasets', 'check', '--dataset_mode', 'nope'])).code).toBe(2);
  });
});
