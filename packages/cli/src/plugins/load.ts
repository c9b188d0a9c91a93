/**
 * Loads plugins: finds each requested module, imports it, validates its export and registers what
 * it provides. A file is loaded once per process, so in-process runs (tests) may request it again.
 */
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PluginError } from './errors.js';
import { registerPluginContents } from './register.js';
import { resolvePluginFile, type PluginRequest } from './resolve.js';
import { readPluginExport } from './validate.js';

const loaded = new Set<string>();

/** Loads the requested plugins in order; the first problem is thrown as a `PluginError` (exit code 2). */
export async function loadPlugins(requests: readonly PluginRequest[]): Promise<void> {
  for (const request of requests) {
    const file = resolvePluginFile(request);
    if (loaded.has(file)) continue;
    const { contents, problems } = readPluginExport(await importModule(file));
    if (problems.length > 0) throw new PluginError(file, problems);
    registerPluginContents(contents, file);
    loaded.add(file);
  }
}

async function importModule(file: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && ['.ts', '.mts', '.cts'].includes(extname(file))) {
      throw new PluginError(file, [
        'is TypeScript, which Node cannot import. Build the plugin (npm run build) and pass its folder or the built .js file.',
      ]);
    }
    throw new PluginError(file, [`failed to load: ${String(message ?? err).split('\n')[0]}`]);
  }
}
