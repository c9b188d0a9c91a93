/** `translate export --format onnx` (being written). */
import { TranslateError } from '@translate/core';
import type { ExportContext } from './formats.js';

/** Writes the onnx export; returns the files written. */
export async function writeOnnx(_ctx: ExportContext): Promise<string[]> {
  throw new TranslateError('--format onnx is not available yet.');
}
