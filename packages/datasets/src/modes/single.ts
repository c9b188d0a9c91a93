/** `single`: one folder of images, `<dataroot>` itself, for `--model test` (one direction only). */
import { listImages } from '../image/discover.js';
import { DATA_OPTIONS, checkDataOptions, type DataOptions } from '../options.js';
import { preprocess } from '../transform/preprocess.js';
import type { Dataset, DatasetMode, Sample } from '../dataset.js';
import { noImagesError, onceWarner, preprocessOptions, readImage, scanImages } from './common.js';
import { normalizeImage } from '@translate/core';

/** The `single` mode. */
export const singleMode: DatasetMode = {
  name: 'single',
  help: 'one folder of images (<dataroot> itself), for --model test',
  options: DATA_OPTIONS,
  async create(options, ctx): Promise<Dataset> {
    const opts = options as unknown as DataOptions;
    checkDataOptions(opts);
    const found = await listImages(opts.dataroot, { maxDatasetSize: opts.max_dataset_size, warn: (m) => ctx.warn(m) });
    if (found.length === 0) throw noImagesError(opts.dataroot, 'The single mode reads every image under --dataroot.');
    const { files } = await scanImages(found, opts, ctx);
    if (files.length === 0) throw noImagesError(opts.dataroot, 'Every image was unreadable and skipped.');
    const pre = preprocessOptions(opts);
    const context = onceWarner(ctx);
    const nc = opts.direction === 'BtoA' ? opts.output_nc : opts.input_nc;
    return {
      mode: 'single',
      length: files.length,
      options,
      sources: [{ role: 'A', dir: opts.dataroot, files }],
      async get(index, rng): Promise<Sample> {
        const file = files[index]!;
        const img = await preprocess(await readImage(file, nc, opts), pre, null, rng, 'bicubic', context(file));
        return { A: normalizeImage(img), A_paths: file };
      },
    };
  },
};
