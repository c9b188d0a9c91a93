/**
 * The opt-in native backends, `@tensorflow/tfjs-node-gpu` and `@tensorflow/tfjs-node` (both register
 * the tfjs backend 'tensorflow'; one process can load only one of them). A default install has
 * neither: their install scripts download libtensorflow from outside the npm registry, so a user
 * adds one with its {@link NATIVE_INSTALL_COMMANDS} entry. A download that failed leaves the package
 * without its native addon: a preflight looks for the addon before importing anything, because a
 * failed import leaves registrations behind.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tf } from '../tf.js';

/** Our names of the native backends. */
export type NativeBackendName = 'tensorflow-gpu' | 'tensorflow';

/** npm package of each native backend. */
export const NATIVE_PACKAGES: Record<NativeBackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

/**
 * The one command that adds each native backend to this checkout (run at the repository root; its
 * install script downloads libtensorflow, so it needs access to storage.googleapis.com).
 */
export const NATIVE_INSTALL_COMMANDS: Record<NativeBackendName, string> = {
  'tensorflow-gpu': 'pnpm add -w @tensorflow/tfjs-node-gpu@4.22.0',
  tensorflow: 'pnpm add -w @tensorflow/tfjs-node@4.22.0',
};

/** Outcome of checking or loading a backend. */
export interface Probe {
  ok: boolean;
  /** Why it is not usable (when `ok` is false), or a note (when true). */
  reason?: string;
  /** Extra hint for an error message (e.g. how to rebuild). */
  hint?: string;
}

const require = createRequire(import.meta.url);

/** Which native package this process has loaded (they cannot both be loaded). */
let loaded: NativeBackendName | undefined;
const failures = new Map<NativeBackendName, Probe>();

/** The native backend loaded in this process, if any (including one loaded by other code). */
export function loadedNative(): NativeBackendName | undefined {
  if (loaded) return loaded;
  if (tf.findBackendFactory('tensorflow') == null) return undefined;
  const backend = tf.engine().registry['tensorflow'] as unknown as { isGPUPackage?: boolean } | undefined;
  return backend?.isGPUPackage ? 'tensorflow-gpu' : 'tensorflow';
}

/**
 * Checks without importing it that `name`'s package is installed with its native addon
 * (`lib/napi-v*\/tfjs_binding.node`).
 */
export function preflightNative(name: NativeBackendName, resolve: (id: string) => string = require.resolve): Probe {
  const pkg = NATIVE_PACKAGES[name];
  let pkgJson: string;
  try {
    pkgJson = resolve(`${pkg}/package.json`);
  } catch {
    return { ok: false, reason: `${pkg} is not installed (opt-in)`, hint: `To add it: ${NATIVE_INSTALL_COMMANDS[name]}` };
  }
  const lib = join(dirname(pkgJson), 'lib');
  const found = existsSync(lib)
    ? readdirSync(lib).some((d) => d.startsWith('napi-v') && existsSync(join(lib, d, 'tfjs_binding.node')))
    : false;
  if (!found) {
    return {
      ok: false,
      reason:
        `${pkg} is installed but its native addon (lib/napi-v*/tfjs_binding.node) is missing ` +
        `(its install script downloads libtensorflow and did not complete)`,
      hint: `Run \`${NATIVE_INSTALL_COMMANDS[name]}\` again with network access`,
    };
  }
  return { ok: true };
}

/** Runs `fn` while dropping tfjs' "already registered" warnings (a native import re-registers many). */
async function quietRegistrations<T>(fn: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    const text = String(args[0] ?? '');
    if (/already registered|Overriding the gradient|Hi, looks like|Hi there/.test(text)) return;
    warn(...args);
  };
  try {
    return await fn();
  } finally {
    console.warn = warn;
  }
}

/** First line of an error message, trimmed for a one-line log. */
export function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.trim();
}

/**
 * Loads the native backend `name` into this process (once) and returns whether it is usable. Does
 * not select it.
 */
export async function loadNative(name: NativeBackendName): Promise<Probe> {
  const current = loadedNative();
  if (current === name) return { ok: true };
  if (current !== undefined) {
    return {
      ok: false,
      reason: `${NATIVE_PACKAGES[current]} is already loaded in this process and only one native TensorFlow package can be`,
      hint: 'Start a new process to switch',
    };
  }
  const cached = failures.get(name);
  if (cached) return cached;
  const pre = preflightNative(name);
  if (!pre.ok) {
    failures.set(name, pre);
    return pre;
  }
  const pkg = NATIVE_PACKAGES[name];
  try {
    const specifier: string = pkg; // a variable: no compile-time resolution of an optional package
    await quietRegistrations(() => import(specifier));
  } catch (err) {
    const probe = { ok: false, reason: `${pkg} failed to load: ${firstLine(err)}` };
    failures.set(name, probe);
    return probe;
  }
  if (tf.findBackendFactory('tensorflow') == null) {
    const probe = { ok: false, reason: `${pkg} loaded but did not register the 'tensorflow' backend` };
    failures.set(name, probe);
    return probe;
  }
  loaded = name;
  return { ok: true };
}
