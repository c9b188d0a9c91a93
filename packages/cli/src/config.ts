/** `--config run.yaml`: a YAML mapping of option names to values, read as one option layer. */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { OptionError, type OptionLayer } from '@translate/core';

/**
 * Reads a config file. A missing file, a YAML syntax error (with its line and column) or a document
 * that is not a mapping is an `OptionError`; option names and values are checked later, by
 * `resolveOptions`, which reports the line of each key.
 */
export function readConfig(path: string): OptionLayer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = { ENOENT: 'no such file', EISDIR: 'it is a folder; give a YAML file', EACCES: 'permission denied' }[
      String((err as NodeJS.ErrnoException).code)
    ];
    throw new OptionError(`Cannot read the config file ${path}: ${reason ?? (err as Error).message}.`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const [error] = doc.errors;
  if (error !== undefined) {
    const at = error.linePos?.[0];
    const reason = error.message.split('\n')[0]!.replace(/( at line \d+, column \d+)?[.:]?$/, '');
    throw new OptionError(`Invalid YAML in ${path}${at ? ` at line ${at.line}, column ${at.col}` : ''}: ${reason}.`);
  }
  if (doc.contents === null) return { source: path, values: {} };
  if (!isMap(doc.contents)) {
    throw new OptionError(`${path} must be a YAML mapping of option names to values (e.g. 'ngf: 64' on its own line).`);
  }
  const lines: Record<string, number> = {};
  for (const pair of doc.contents.items) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    if (offset !== undefined) lines[key] = lineCounter.linePos(offset).line;
  }
  return { source: path, values: doc.toJS() as Record<string, unknown>, lines };
}
