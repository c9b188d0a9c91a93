/**
 * Loads tfjs' own gradient definitions. `@tensorflow/tfjs-core`'s Node build (what `import
 * '@tensorflow/tfjs-core'` gives) registers **no** gradients: they live in the package's ESM tree
 * (`dist/register_all_gradients.js`), which only the `@tensorflow/tfjs` union bundle pulls in. Without
 * them `tf.grad`/`variableGrads` fail with "gradient function not found for Sum".
 *
 * That ESM tree uses extension-less relative imports, which Node's ESM loader rejects, so we register
 * a tiny resolve hook (scoped to files under `@tensorflow/tfjs-core/dist/`) that retries such imports
 * with `.js`, then import it. It evaluates as a second copy of tfjs-core modules, which tfjs supports:
 * the engine, the kernel and gradient registries live on the global object, and `instanceof Tensor`
 * is structural.
 */
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { tf } from '../tf.js';

/** Source of the resolve hook (exported for a test that runs it in a fresh Node process). */
export const RESOLVE_HOOK = `
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    const parent = context.parentURL || '';
    if (/\\/@tensorflow\\/tfjs-core\\/dist\\//.test(parent) && specifier.startsWith('.') && !specifier.endsWith('.js')) {
      return next(specifier + '.js', context);
    }
    throw err;
  }
}`;

let loading: Promise<void> | undefined;
let hookRegistered = false;

/** True when tfjs' stock gradients are registered (checked through a few core ones). */
export function hasStockGradients(): boolean {
  return ['Sum', 'Add', 'Relu', 'Mean'].every((k) => tf.getGradient(k) != null);
}

/**
 * Makes sure tfjs' stock gradients are registered (loads them once if not). Throws when they cannot
 * be loaded. Call before registering gradient overrides, which must come after the stock ones.
 */
export async function ensureStockGradients(): Promise<void> {
  if (hasStockGradients()) return;
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const entry = require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js');
    if (!hookRegistered) {
      register(`data:text/javascript,${encodeURIComponent(RESOLVE_HOOK)}`);
      hookRegistered = true;
    }
    await import(pathToFileURL(entry).href);
  })();
  try {
    await loading;
  } catch (err) {
    loading = undefined;
    throw new Error(`could not load tfjs' gradient definitions: ${(err as Error).message}`, { cause: err });
  }
  if (!hasStockGradients()) throw new Error("tfjs' gradient definitions loaded but did not register");
}
