/** Runs the CLI in-process and captures what it prints. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, vi } from 'vitest';
import { main } from '../src/main.js';

/** Exit code and output of one `translate` invocation. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `translate <argv...>` in-process. */
export async function translate(argv: string[], env: Record<string, string> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env,
  });
  return { code, stdout, stderr };
}

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'translate-cli-'));
}

/** Writes `text` to `name` in a fresh temporary folder and returns its path. */
export function tempFile(name: string, text: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

/** The shipped sample datasets (`samples/` at the repository root). */
export const SAMPLES = fileURLToPath(new URL('../../../samples', import.meta.url));

/** Flags of a tiny pix2pix run (unet_32, ngf/ndf 4, 32 px) named `p2p` on samples/edges2photo, checkpoints in `dir`. */
export function tinyPix2pixArgs(dir: string, maxDatasetSize: number): string[] {
  return [
    '--model',
    'pix2pix',
    '--dataroot',
    join(SAMPLES, 'edges2photo'),
    '--name',
    'p2p',
    '--checkpoints_dir',
    dir,
    '--netG',
    'unet_32',
    '--ngf',
    '4',
    '--ndf',
    '4',
    '--load_size',
    '36',
    '--crop_size',
    '32',
    '--max_dataset_size',
    String(maxDatasetSize),
    '--backend',
    'wasm',
  ];
}

/**
 * What commands print with console.log / console.warn (the datasets commands do), collected per
 * test: the returned array is emptied before each test and the console restored after it.
 */
export function capturePrinted(): string[] {
  const printed: string[] = [];
  beforeEach(() => {
    printed.length = 0;
    vi.spyOn(console, 'log').mockImplementation((m: string) => void printed.push(m));
    vi.spyOn(console, 'warn').mockImplementation((m: string) => void printed.push(m));
  });
  afterEach(() => vi.restoreAllMocks());
  return printed;
}
