/**
 * `aligned`: pairs stored side by side in one file (A on the left half, B on the right half) under
 * `<dataroot>/<phase>`. Both halves get the same crop and flip (one `getParams`), as the reference.
 */
import { join } from 'node:path';
import { DatasetError } from '../errors.js';
import { listImages } from '../image/discover.js';
import { DATA_OPTIONS, checkDataOptions, type DataOptions } from '../options.js';
import { getParams, preprocess } from '../transform/preprocess.js';
import type { Dataset, DatasetMode, Sample } from '../dataset.js';
import { listSome, noImagesError, onceWarner, preprocessOptions, scanImages } from './common.js';
import { decodeImage, cropImage, normalizeImage, toChannels } from '@translate/core';

/** The `aligned` mode (pix2pix). */
export const alignedMode: DatasetMode = {
  name: 'aligned',
  help: 'paired images stored side by side (A|B) in <dataroot>/<phase>',
  options: DATA_OPTIONS,
  async create(options, ctx): Promise<Dataset> {
    const opts = options as unknown as DataOptions;
    checkDataOptions(opts);
    if (opts.load_size < opts.crop_size) {
      throw new DatasetError(
        `--load_size ${opts.load_size} is smaller than --crop_size ${opts.crop_size}; the aligned mode needs load_size ≥ crop_size.`,
      );
    }
    const dir = join(opts.dataroot, opts.phase);
    const found = await listImages(dir, { maxDatasetSize: opts.max_dataset_size, warn: (m) => ctx.warn(m) });
    if (found.length === 0)
      throw noImagesError(
        dir,
        'The aligned mode reads A|B images (A on the left half, B on the right) from <dataroot>/<phase>/. Make one with `translate datasets make edges2photo`.',
      );
    const { files, infos } = await scanImages(found, opts, ctx);
    const odd = files.filter((f) => infos.get(f)!.width % 2 !== 0);
    if (odd.length > 0) {
      throw new DatasetError(
        `${odd.length} A|B image(s) have an odd width:\n${listSome(odd.map((f) => `${f} (${infos.get(f)!.width}x${infos.get(f)!.height})`))}\n` +
          'An A|B image holds A in the left half and B in the right half, so A and B must be the same width. Re-create the pairs (each half the same size), e.g. with `translate datasets make edges2photo`.',
      );
    }
    if (files.length === 0) throw noImagesError(dir, 'Every image was unreadable and skipped.');
    const pre = preprocessOptions(opts);
    const context = onceWarner(ctx);
    const btoa = opts.direction === 'BtoA';
    const leftNc = btoa ? opts.output_nc : opts.input_nc;
    const rightNc = btoa ? opts.input_nc : opts.output_nc;
    return {
      mode: 'aligned',
      length: files.length,
      options,
      sources: [{ role: 'AB', dir, files }],
      async get(index, rng): Promise<Sample> {
        const file = files[index]!;
        const ab = await decodeImage(file);
        const w2 = Math.floor(ab.width / 2);
        const left = cropImage(ab, 0, 0, w2, ab.height);
        const right = cropImage(ab, w2, 0, ab.width - w2, ab.height);
        const params = getParams(pre, { width: w2, height: ab.height }, rng);
        const l = await preprocess(toChannels(left, leftNc as 1 | 3, opts.alpha_mode, file), pre, params, rng, 'bicubic', context(file));
        const r = await preprocess(toChannels(right, rightNc as 1 | 3, opts.alpha_mode, file), pre, params, rng, 'bicubic', context(file));
        const [A, B] = btoa ? [r, l] : [l, r];
        return { A: normalizeImage(A), B: normalizeImage(B), A_paths: file, B_paths: file };
      },
    };
  },
};
