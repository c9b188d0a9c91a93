/**
 * Writing A|B images from pairs of files, shared by `translate datasets combine` and
 * `make-aligned`: folder listing, a size check of every pair before anything is written, and the
 * concatenation itself (A left, B right, 8-bit RGB).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from '../errors.js';
import { listSome, mapLimit } from '../modes/common.js';
import { decodeImage, probeImage, writeImage, sideBySide, toChannels, toEightBit } from '@translate/core';

/** One A|B image to write: its A file, its B file and where it goes. */
export interface Pair {
  a: string;
  b: string;
  out: string;
}

/** Refuses `dir` (given by `flag`) unless it is a folder; `expected` says what it should hold. */
export async function requireFolder(flag: string, dir: string, expected: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new DatasetError(`${flag} ${dir} does not exist. ${expected}`);
  if (!info.isDirectory()) throw new DatasetError(`${flag} ${dir} is a file, not a folder. ${expected}`);
}

/** True when `path` is a file (or a link to one), as Python's `Path.is_file()`. */
export async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

/** True when `path` is a folder (or a link to one). */
export async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

/** Names of the files (not folders) directly in `dir` that `accept` takes, in code-point order. */
export async function filesIn(dir: string, accept: (name: string) => boolean): Promise<string[]> {
  const names: string[] = [];
  for (const name of await readdir(dir)) if (accept(name) && (await isFile(join(dir, name)))) names.push(name);
  return names.sort();
}

/** Names of the folders directly in `dir`, in code-point order. */
export async function foldersIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  for (const name of await readdir(dir)) if (await isFolder(join(dir, name))) names.push(name);
  return names.sort();
}

/**
 * Reads every pair's headers and refuses the lot, listing each pair whose A and B differ in size,
 * before a single file is written. `fix` says what to do about it.
 */
export async function checkPairSizes(pairs: readonly Pair[], fix: string): Promise<void> {
  const bad: string[] = [];
  await mapLimit(pairs, 16, async ({ a, b }) => {
    const [ia, ib] = await Promise.all([probeImage(a), probeImage(b)]);
    if (ia.width !== ib.width || ia.height !== ib.height) bad.push(`${a} (${ia.width}x${ia.height}) and ${b} (${ib.width}x${ib.height})`);
  });
  if (bad.length === 0) return;
  throw new DatasetError(
    `${bad.length} pair(s) of A and B images differ in size:\n${listSome(bad.sort())}\n` +
      `An A|B image holds A in its left half and B in its right half, so A and B must have the same size. ${fix}`,
  );
}

/**
 * Writes each pair as one A|B image at its `out` path (the format by its extension; JPEG at
 * `quality`), `concurrency` pairs at a time. Both images are read as 8-bit RGB, their colours kept
 * exactly: gray is copied to three channels and an alpha channel dropped, as OpenCV's
 * `imread(path, IMREAD_COLOR)` and PIL's paste into an RGB image do; 16-bit samples become round(v / 257).
 */
export async function writePairs(
  pairs: readonly Pair[],
  { quality, concurrency }: { quality: number; concurrency: number },
): Promise<void> {
  await mapLimit(pairs, concurrency, async ({ a, b, out }) => {
    const [ia, ib] = await Promise.all([readRgb8(a), readRgb8(b)]);
    await writeImage(out, sideBySide(ia, ib), { quality });
  });
}

async function readRgb8(file: string) {
  return toChannels(toEightBit(await decodeImage(file)), 3, 'drop', file);
}
