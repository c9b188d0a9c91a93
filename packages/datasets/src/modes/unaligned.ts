/**
 * `unaligned`: two unpaired folders `<dataroot>/<phase>A` and `<dataroot>/<phase>B`. Sample i takes
 * A[i mod |A|] and a random B (B[i mod |B|] with --serial_batches); length max(|A|, |B|); each image
 * gets its own random crop and flip, as the reference.
 */
import { join } from 'node:path';
import { DATA_OPTIONS, checkDataOptions, type DataOptions } from '../options.js';
import { preprocess } from '../transform/preprocess.js';
import type { Dataset, DatasetContext, DatasetMode, Sample } from '../dataset.js';
import { listImages } from '../image/discover.js';
import { noImagesError, onceWarner, preprocessOptions, readImage, scanImages } from './common.js';
import { normalizeImage } from '@translate/core';

/** The `unaligned` mode (CycleGAN). */
export const unalignedMode: DatasetMode = {
  name: 'unaligned',
  help: 'two unpaired folders <dataroot>/<phase>A and <dataroot>/<phase>B',
  options: DATA_OPTIONS,
  async create(options, ctx): Promise<Dataset> {
    const opts = options as unknown as DataOptions;
    checkDataOptions(opts);
    const dirA = join(opts.dataroot, `${opts.phase}A`);
    const dirB = join(opts.dataroot, `${opts.phase}B`);
    const filesA = await domainFiles(dirA, opts, ctx);
    const filesB = await domainFiles(dirB, opts, ctx);
    const pre = preprocessOptions(opts);
    const context = onceWarner(ctx);
    const btoa = opts.direction === 'BtoA';
    const ncA = btoa ? opts.output_nc : opts.input_nc;
    const ncB = btoa ? opts.input_nc : opts.output_nc;
    return {
      mode: 'unaligned',
      length: Math.max(filesA.length, filesB.length),
      options,
      sources: [
        { role: 'A', dir: dirA, files: filesA },
        { role: 'B', dir: dirB, files: filesB },
      ],
      async get(index, rng): Promise<Sample> {
        const pathA = filesA[index % filesA.length]!;
        const pathB = filesB[opts.serial_batches ? index % filesB.length : rng.randint(0, filesB.length - 1)]!;
        const a = await preprocess(await readImage(pathA, ncA, opts), pre, null, rng, 'bicubic', context(pathA));
        const b = await preprocess(await readImage(pathB, ncB, opts), pre, null, rng, 'bicubic', context(pathB));
        const A = normalizeImage(a);
        const B = normalizeImage(b);
        return btoa ? { A: B, B: A, A_paths: pathB, B_paths: pathA } : { A, B, A_paths: pathA, B_paths: pathB };
      },
    };
  },
};

async function domainFiles(dir: string, opts: DataOptions, ctx: DatasetContext): Promise<string[]> {
  const layout =
    'The unaligned mode reads two folders, <dataroot>/<phase>A and <dataroot>/<phase>B (e.g. trainA, trainB). Make one with `translate datasets make photo2gray`.';
  const found = await listImages(dir, { maxDatasetSize: opts.max_dataset_size, warn: (m) => ctx.warn(m) });
  if (found.length === 0) throw noImagesError(dir, layout);
  const { files } = await scanImages(found, opts, ctx);
  if (files.length === 0) throw noImagesError(dir, 'Every image was unreadable and skipped.');
  return files;
}
