/** The page files `@translate/web` builds (dist/assets), which every web export copies. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TranslateError } from '@translate/core';

/** The assets copied as they are: the page bundle and the wasm backend's binaries. */
export const COPIED_ASSETS = ['translate-web.js', 'tfjs-backend-wasm-simd.js', 'tfjs-backend-wasm.js'] as const;

const require = createRequire(import.meta.url);

/** The text of asset `name`; a TranslateError naming the build step when it was not built. */
export function readWebAsset(name: string): string {
  const path = require.resolve(`@translate/web/assets/${name}`);
  if (!existsSync(path))
    throw new TranslateError(`${path} is missing: build the page assets first (pnpm build, or node packages/web/scripts/build.mjs).`);
  return readFileSync(path, 'utf8');
}
