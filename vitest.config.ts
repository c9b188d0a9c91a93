import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@translate/core': src('core'),
      '@translate/datasets': src('datasets'),
      '@translate/model-pix2pix': src('model-pix2pix'),
      '@translate/model-cyclegan': src('model-cyclegan'),
      '@translate/model-gaugan': src('model-gaugan'),
      '@translate/model-srgan': src('model-srgan'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
