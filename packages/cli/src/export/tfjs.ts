/** `translate export --format tfjs` (being written). */
import { TranslateError } from '@translate/core';
import type { ExportContext } from './formats.js';

/** Writes the tfjs export; returns the files written. */
export async function writeTfjs(_ctx: ExportContext): Promise<string[]> {
  throw new TranslateError('--format tfjs is not available yet.');
}
