/**
 * `colorization` (the reference's `ColorizationDataset`): RGB photos in `<dataroot>/<phase>`,
 * preprocessed as any single image (resize, random crop and flip), then converted to Lab as
 * skimage's `rgb2lab`: A = L / 50 − 1 (one channel), B = ab / 110 (two channels), both about [-1, 1].
 */
import { join } from 'node:path';
import { DatasetError } from '../errors.js';
import { listImages } from '../image/discover.js';
import { DATA_OPTIONS, checkSizeOptions, type DataOptions } from '../options.js';
import { preprocess } from '../transform/preprocess.js';
import type { Dataset, DatasetMode, Sample } from '../dataset.js';
import { listSome, noImagesError, onceWarner, preprocessOptions, scanImages } from './common.js';
import { decodeImage, rgbToLab, toChannels, type ImageArray } from '@translate/core';

/** The options the mode needs, as the reference asserts them: L in, ab out, A → B. */
const LAB_CHANNELS = { input_nc: 1, output_nc: 2, direction: 'AtoB' } as const;

/** The `colorization` mode. */
export const colorizationMode: DatasetMode = {
  name: 'colorization',
  help: 'RGB photos in <dataroot>/<phase>, as Lab: A = L channel, B = ab channels (--model colorization)',
  options: DATA_OPTIONS,
  defaults: LAB_CHANNELS,
  async create(options, ctx): Promise<Dataset> {
    const opts = options as unknown as DataOptions;
    const wrong = Object.entries(LAB_CHANNELS).filter(([flag, value]) => opts[flag as keyof typeof LAB_CHANNELS] !== value);
    if (wrong.length > 0) {
      throw new DatasetError(
        `--dataset_mode colorization maps the L channel (A) to the ab channels (B), so it needs --input_nc 1 --output_nc 2 --direction AtoB (its defaults); got ${wrong.map(([flag]) => `--${flag} ${String(opts[flag as keyof DataOptions])}`).join(' ')}. Leave these flags out.`,
      );
    }
    checkSizeOptions(opts);
    const dir = join(opts.dataroot, opts.phase);
    const found = await listImages(dir, { maxDatasetSize: opts.max_dataset_size, warn: (m) => ctx.warn(m) });
    if (found.length === 0) throw noImagesError(dir, 'The colorization mode reads RGB photos from <dataroot>/<phase>/.');
    const scanned = await scanImages(found, opts, ctx);
    const gray = scanned.files.filter((f) => scanned.infos.get(f)!.channels <= 2);
    if (gray.length > 0 && !opts.skip_bad_images) {
      throw new DatasetError(
        `${gray.length} image(s) in ${dir} are grayscale, so they hold no colour to learn:\n${listSome(gray)}\nRemove them, or pass --skip_bad_images to skip them.`,
      );
    }
    for (const file of gray) ctx.warn(`Skipping ${file}: a grayscale image holds no colour to learn.`);
    const files = scanned.files.filter((f) => !gray.includes(f));
    if (files.length === 0) throw noImagesError(dir, 'Every image was unreadable or grayscale and skipped.');
    const pre = preprocessOptions(opts);
    const context = onceWarner(ctx);
    return {
      mode: 'colorization',
      length: files.length,
      options,
      sources: [{ role: 'image', dir, files }],
      async get(index, rng): Promise<Sample> {
        const file = files[index]!;
        const rgb = await preprocess(
          toChannels(await decodeImage(file), 3, opts.alpha_mode, file),
          pre,
          null,
          rng,
          'bicubic',
          context(file),
        );
        return { ...labChannels(rgb.width, rgb.height, rgbToLab(rgb)), A_paths: file, B_paths: file };
      },
    };
  },
};

/** HWC Lab → A = L / 50 − 1 and B = (a, b) / 110, in float32 arithmetic as the reference's tensors. */
function labChannels(width: number, height: number, lab: Float32Array): { A: ImageArray; B: ImageArray } {
  const n = width * height;
  const l = new Float32Array(n);
  const ab = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    l[i] = Math.fround(lab[i * 3]! / 50) - 1;
    ab[i * 2] = lab[i * 3 + 1]! / 110;
    ab[i * 2 + 1] = lab[i * 3 + 2]! / 110;
  }
  return { A: { data: l, width, height, channels: 1 }, B: { data: ab, width, height, channels: 2 } };
}
