import { describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { OptionError, TranslateError } from '@translate/core';
import type { CliIo } from '../src/io.js';
import { reportError, WASM_ABORT_HINT } from '../src/report_error.js';

function report(err: unknown, env: Record<string, string> = {}): { code: number; stderr: string } {
  let stderr = '';
  const io: CliIo = { stdout: () => undefined, stderr: (t) => void (stderr += t), env };
  return { code: reportError(err, io), stderr };
}

describe('reportError', () => {
  it('usage errors exit 2 with the message alone', () => {
    expect(report(new OptionError('Unknown model x.'))).toEqual({ code: 2, stderr: 'translate: Unknown model x.\n' });
  });

  it('other TranslateErrors exit 1', () => {
    expect(report(new TranslateError('Disk full while saving.', { usage: false }))).toEqual({ code: 1, stderr: 'translate: Disk full while saving.\n' });
  });

  it('commander errors were printed by commander: 2, or 0 after --help', () => {
    expect(report(new CommanderError(1, 'commander.unknownOption', 'error: unknown option'))).toEqual({ code: 2, stderr: '' });
    expect(report(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toEqual({ code: 0, stderr: '' });
  });

  it('unexpected errors: one line and a hint, the stack only with TRANSLATE_DEBUG=1', () => {
    const err = new RangeError('offset out of range\nsecond line');
    expect(report(err)).toEqual({ code: 1, stderr: 'translate: offset out of range\nSet TRANSLATE_DEBUG=1 to see the stack trace.\n' });
    const debug = report(err, { TRANSLATE_DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toBe(`translate: offset out of range\n${err.stack}\n`);
    expect(report('thrown string')).toMatchObject({ code: 1, stderr: expect.stringContaining('translate: thrown string\n') });
  });

  it('an abort of the wasm runtime says what it almost always means', () => {
    const err = new WebAssembly.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.');
    expect(report(err)).toEqual({
      code: 1,
      stderr: `translate: Aborted(). Build with -sASSERTIONS for more info.\n${WASM_ABORT_HINT}\nSet TRANSLATE_DEBUG=1 to see the stack trace.\n`,
    });
    expect(WASM_ABORT_HINT).toMatch(/4 GiB.*--crop_size.*tfjs-node/);
  });
});
