/**
 * Finds the file a `--plugin` request names: a path (a JavaScript file, or a package folder whose
 * package.json names the entry), or an installed npm package found in `node_modules` from the
 * requesting directory upwards.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { PluginError } from './errors.js';

/** One plugin to load, and where the request came from. */
export interface PluginRequest {
  /** An npm package name or a path, as written. */
  spec: string;
  /** The directory a relative path is resolved from (the working directory, or the config file's). */
  baseDir: string;
}

/** The absolute path of the module a request names; a missing or unbuilt plugin is a `PluginError`. */
export function resolvePluginFile({ spec, baseDir }: PluginRequest): string {
  const asPath = resolve(baseDir, spec);
  if (spec.startsWith('.') || isAbsolute(spec) || existsSync(asPath)) {
    if (!existsSync(asPath)) throw new PluginError(spec, [`no such file or folder (${asPath}).`]);
    return statSync(asPath).isDirectory() ? packageEntry(asPath) : asPath;
  }
  const dir = findPackage(spec, baseDir);
  if (dir === undefined) {
    throw new PluginError(spec, [
      `cannot find the package in node_modules from ${baseDir} upwards. Install it (npm install ${spec}) or pass its path.`,
    ]);
  }
  return packageEntry(dir);
}

/** The installed package's folder: `node_modules/<name>` in `from` or the nearest ancestor that has it. */
export function findPackage(name: string, from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The ES module entry of a package folder: `exports['.']` (import/default), `main`, or index.js. */
function packageEntry(dir: string): string {
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) {
    if (existsSync(join(dir, 'index.js'))) return join(dir, 'index.js');
    throw new PluginError(dir, ['the folder has neither a package.json nor an index.js.']);
  }
  let manifest: { exports?: unknown; main?: unknown };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest;
  } catch (err) {
    throw new PluginError(manifestPath, [`is not valid JSON (${(err as Error).message}).`]);
  }
  const entry = exportTarget(manifest.exports) ?? (typeof manifest.main === 'string' ? manifest.main : 'index.js');
  const file = resolve(dir, entry);
  if (!existsSync(file)) {
    const hint = existsSync(join(dir, 'tsconfig.json')) ? ' Build the plugin first (npm run build).' : '';
    throw new PluginError(dir, [`its entry ${entry} (from package.json) does not exist.${hint}`]);
  }
  return file;
}

/** The target of `exports` for `import` of the package root, or undefined when `exports` has none. */
function exportTarget(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (exports === null || typeof exports !== 'object') return undefined;
  const map = exports as Record<string, unknown>;
  const root = '.' in map ? map['.'] : map;
  if (typeof root === 'string') return root;
  if (root === null || typeof root !== 'object') return undefined;
  const conditions = root as Record<string, unknown>;
  for (const condition of ['import', 'node', 'default']) {
    const target = exportTarget(conditions[condition]);
    if (target !== undefined) return target;
  }
  return undefined;
}
