/** `translate export --format web` (being written). */
import { TranslateError } from '@translate/core';
import type { ExportContext } from './formats.js';

/** Writes the web export; returns the files written. */
export async function writeWeb(_ctx: ExportContext): Promise<string[]> {
  throw new TranslateError('--format web is not available yet.');
}
