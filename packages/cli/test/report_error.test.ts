import { describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atPath, OptionError, TrainingStopped, TranslateError } from '@translate/core';
import type { CliIo } from '../src/io.js';
import { OUT_OF_MEMORY_HINT, reportError, WASM_ABORT_HINT } from '../src/report_error.js';

function report(err: unknown, env: Record<string, string> = {}): { code: number; stderr: string } {
  let stderr = '';
  const io: CliIo = {
    stdout: () => undefined,
    stderr: (t) => {
      stderr += t;
    },
    env,
  };
  return { code: reportError(err, io), stderr };
}

describe('reportError', () => {
  it('usage errors exit 2 with the message alone', () => {
    expect(report(new OptionError('Unknown model x.'))).toEqual({ code: 2, stderr: 'translate: Unknown model x.\n' });
  });

  it('other TranslateErrors exit 1', () => {
    expect(report(new TranslateError('Disk full while saving.', { usage: false }))).toEqual({
      code: 1,
      stderr: 'translate: Disk full while saving.\n',
    });
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

  it('filesystem errors of the environment: the path, what failed and what to do, exit 2', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'translate-fs-')), 'gone', 'loss_log.txt');
    let real: unknown;
    try {
      writeFileSync(missing, 'x');
    } catch (error) {
      real = error;
    }
    expect(report(real)).toEqual({
      code: 2,
      stderr: `translate: open failed: ${missing} does not exist (ENOENT): a folder on its path is missing or was removed. Create it or fix the path.\n`,
    });
    const nodeError = (code: string, syscall: string, path?: string) =>
      Object.assign(new Error(`${code}: ${syscall}`), { code, syscall, ...(path ? { path } : {}) });
    expect(report(nodeError('EACCES', 'open', '/ckpt/x'))).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^translate: open failed: permission denied for \/ckpt\/x \(EACCES\)\. Make it writable/),
    });
    expect(report(nodeError('EROFS', 'mkdir', '/ro/x'))).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('/ro/x is on a read-only file system (EROFS)'),
    });
    // A `write` error names no path: `atPath` adds the file being written.
    let full: unknown;
    try {
      atPath('/ckpt/loss_log.txt', () => {
        throw nodeError('ENOSPC', 'write');
      });
    } catch (error) {
      full = error;
    }
    expect(report(full)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        'write failed: no space left on the device while writing /ckpt/loss_log.txt (ENOSPC): the disk is full. Free some space, or write elsewhere (--checkpoints_dir / --results_dir).\n',
      ),
    });
  });

  it('a failed allocation says it is memory and what to lower', () => {
    expect(report(new RangeError('Invalid typed array length: 1.024e+21'))).toEqual({
      code: 1,
      stderr: `translate: Invalid typed array length: 1.024e+21\n${OUT_OF_MEMORY_HINT}\nSet TRANSLATE_DEBUG=1 to see the stack trace.\n`,
    });
    expect(report(new Error('vips_image_write_to_memory: out of memory -- size == 32298MB')).stderr).toContain(OUT_OF_MEMORY_HINT);
    expect(report(new Error('bad pixel')).stderr).not.toContain(OUT_OF_MEMORY_HINT);
  });

  it('a training run stopped by an error reports it, then what happened to latest', () => {
    const stopped = new TrainingStopped(
      new RangeError('bad pixel'),
      "Saved checkpoint 'latest' at epoch 2, 3 images into it before stopping.",
    );
    expect(report(stopped)).toEqual({
      code: 1,
      stderr:
        "translate: bad pixel\nSet TRANSLATE_DEBUG=1 to see the stack trace.\ntranslate: Saved checkpoint 'latest' at epoch 2, 3 images into it before stopping.\n",
    });
  });
});
