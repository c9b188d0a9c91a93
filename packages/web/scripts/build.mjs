/**
 * Builds the page assets into dist/assets: translate-web.js (the page bundled for browsers, an IIFE so
 * it runs from file://), index.html (the template `translate export --format web` fills in) and the
 * wasm backend's binaries as script assets. Fails if anything Node-only is reached.
 * Run: node packages/web/scripts/build.mjs (the root `pnpm build` does).
 */
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { browserBuildOptions } from './esbuild_options.mjs';
import { ASSET_GLOBAL } from '../dist/export_entry.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'assets');
mkdirSync(out, { recursive: true });

await build({
  ...browserBuildOptions(),
  entryPoints: [join(root, 'src/page/main.ts')],
  outfile: join(out, 'translate-web.js'),
  minify: true,
});
copyFileSync(join(root, 'src/page/index.html'), join(out, 'index.html'));

const wasmDir = dirname(createRequire(join(root, 'package.json')).resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.wasm'));
for (const name of ['tfjs-backend-wasm-simd', 'tfjs-backend-wasm']) {
  const base64 = readFileSync(join(wasmDir, `${name}.wasm`)).toString('base64');
  writeFileSync(join(out, `${name}.js`), `${ASSET_GLOBAL}(${JSON.stringify(`${name}.js`)},${JSON.stringify(base64)});\n`);
}
console.log(`@translate/web: page assets in ${out}`);
