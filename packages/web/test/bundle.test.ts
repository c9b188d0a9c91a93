/** The browser bundle reaches nothing Node-only: esbuild for the browser platform cannot resolve Node builtins, so the build itself is the check. */
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { browserBuildOptions as untypedOptions } from '../scripts/esbuild_options.mjs';

/** The page's esbuild options (the script is plain JavaScript). */
const browserBuildOptions = untypedOptions as () => BuildOptions;

const root = fileURLToPath(new URL('..', import.meta.url));
/** Node-only modules: builtins, sharp and its loader, native kernels, datasets, and core's engine, image IO, perceptual weights and backend setup (fused.js, pure tfjs, is fine). */
const NODE_ONLY =
  /node:|\/sharp\/|detect-libc|native-kernels|\/datasets\/|core\/dist\/(engine|perceptual|image)\/|core\/dist\/backend\/(?!fused\.js)/;

describe('the @translate/web browser bundle', () => {
  it('builds for the browser platform from the page entry, with no Node-only module among its inputs', async () => {
    const result = await build({
      ...browserBuildOptions(),
      entryPoints: [`${root}src/page/main.ts`],
      write: false,
      metafile: true,
      minify: true,
    });
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.filter((path) => NODE_ONLY.test(path))).toEqual([]);
    for (const used of [
      'core/dist/entries/browser.js',
      'model-gaugan/dist/web.js',
      'model-srgan/dist/web.js',
      'tfjs-backend-webgl',
      'tfjs-backend-wasm',
      'tfjs-backend-webgpu',
    ])
      expect(
        inputs.some((path) => path.includes(used)),
        used,
      ).toBe(true);
    expect(result.outputFiles![0]!.contents.length).toBeLessThan(1_500_000);
  });

  it("fails, naming the builtin, when core's Node entry is bundled instead (the check has teeth)", async () => {
    const failure = await build({ ...browserBuildOptions(), entryPoints: [`${root}../core/dist/index.js`], write: false }).catch(
      (error: Error) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/Could not resolve "(node:)?(fs|path|module|crypto|child_process)"/);
  });
});
