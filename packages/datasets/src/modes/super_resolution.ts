/**
 * `super_resolution` (SRGAN): high-resolution images in `<dataroot>/<phase>`; the low-resolution
 * input is made on the fly by bicubic ÷`scale` (leftthomas/SRGAN), or read from --lr_dir (same file
 * names, 1/scale the size of the HR image cropped to a multiple of scale). What part of the HR image
 * is used depends on the phase:
 *
 * - `train`: a random square of crop_size − crop_size mod scale (SRGAN's training set);
 * - `val`: the centre square of the largest multiple of `scale` (SRGAN's `ValDatasetFromFolder`);
 * - any other phase (`test`, …): the whole image, its right and bottom `w mod scale`, `h mod scale`
 *   pixels dropped (BasicSR's `mod_crop`), as the standard SR benchmarks (Set5, Set14) evaluate.
 *
 * Whole images of different sizes cannot share a batch: with --batch_size > 1 the mode refuses
 * them up front (naming the sizes) unless all have one size. A is the low-res input, B the
 * high-res target, both in [-1, 1].
 */
import { join } from 'node:path';
import type { OptionSchema } from '@translate/core';
import { DatasetError } from '../errors.js';
import { listImages } from '../image/discover.js';
import { DATA_OPTIONS, checkDataOptions, type DataOptions } from '../options.js';
import type { Dataset, DatasetContext, DatasetMode, Sample } from '../dataset.js';
import type { Rng } from '../rng.js';
import { listSome, noImagesError, readImage, scanImages, stem } from './common.js';
import {
  probeImage,
  cropImage,
  flipHorizontal,
  flipVertical,
  normalizeImage,
  toChannels,
  transposeImage,
  resizeBicubic,
  type RawImage,
  roundHalfEven,
} from '@translate/core';

/** Options of the super-resolution mode. */
export const SUPER_RESOLUTION_OPTIONS: OptionSchema = {
  ...DATA_OPTIONS,
  scale: {
    type: 'int',
    default: 4,
    minimum: 2,
    help: 'super resolution upscale factor (2, 4 or 8); HR images: --phase train takes random crop_size crops, val the centre square, other phases the whole image cropped to a multiple of scale',
    aliases: ['upscale_factor'],
  },
  lr_dir: {
    type: 'string',
    default: '',
    help: '(translate) folder of low-resolution inputs named like the HR files, each 1/scale of its HR image cropped to a multiple of scale; empty: made by bicubic downscaling',
  },
};

/** Resolved super-resolution options. */
export interface SuperResolutionOptions extends DataOptions {
  scale: number;
  lr_dir: string;
}

/** The `super_resolution` mode. */
export const superResolutionMode: DatasetMode = {
  name: 'super_resolution',
  help: 'high-resolution images in <dataroot>/<phase>; low-resolution inputs made by bicubic ÷scale (or --lr_dir)',
  options: SUPER_RESOLUTION_OPTIONS,
  defaults: { crop_size: 96 }, // the SRGAN paper's HR crop
  async create(options, ctx): Promise<Dataset> {
    const opts = options as unknown as SuperResolutionOptions;
    checkDataOptions(opts);
    if (![2, 4, 8].includes(opts.scale)) throw new DatasetError(`--scale must be 2, 4 or 8, got ${opts.scale}.`);
    const crop = opts.crop_size - (opts.crop_size % opts.scale);
    if (crop < opts.scale) throw new DatasetError(`--crop_size ${opts.crop_size} is smaller than --scale ${opts.scale}.`);
    const dir = join(opts.dataroot, opts.phase);
    const found = await listImages(dir, { maxDatasetSize: opts.max_dataset_size, warn: (m) => ctx.warn(m) });
    if (found.length === 0)
      throw noImagesError(
        dir,
        'The super_resolution mode reads high-resolution images from <dataroot>/<phase>/. Make one with `translate datasets make sr`.',
      );
    const { files, infos } = await scanImages(found, opts, ctx);
    const train = opts.phase === 'train';
    const small = files.filter((f) => Math.min(infos.get(f)!.width, infos.get(f)!.height) < (train ? crop : opts.scale));
    if (small.length > 0) {
      throw new DatasetError(
        `${small.length} image(s) are smaller than the ${train ? `${crop}px training crop` : `scale ${opts.scale}`}:\n${listSome(small.map((f) => `${f} (${infos.get(f)!.width}x${infos.get(f)!.height})`))}\nLower --crop_size or remove them.`,
      );
    }
    if (!train) checkBatchSizes(files, infos, opts);
    const lrFor = opts.lr_dir ? await lowResFiles(files, infos, opts, ctx) : null;
    const step = lrFor ? opts.scale : 1;
    return {
      mode: 'super_resolution',
      length: files.length,
      options,
      sources: [{ role: 'HR', dir, files }, ...(lrFor ? [{ role: 'LR', dir: opts.lr_dir, files: files.map((f) => lrFor.get(f)!) }] : [])],
      async get(index, rng): Promise<Sample> {
        const file = files[index]!;
        const hrFull = await readImage(file, opts.output_nc, opts);
        const box = train ? randomBox(hrFull, crop, step, rng) : evalBox(hrFull, opts.phase, opts.scale, step);
        // Training augmentation (unless --no_flip): horizontal flip, vertical flip and transpose, each
        // with probability 0.5 — the 8 symmetries of the square, as SR training usually does.
        const augment = train && !opts.no_flip ? [flipHorizontal, flipVertical, transposeImage].filter(() => rng.nextFloat() < 0.5) : [];
        let hr = cropImage(hrFull, box.x, box.y, box.width, box.height);
        const s = opts.scale;
        let lr: RawImage;
        if (lrFor) {
          const lrFull = await readImage(lrFor.get(file)!, opts.input_nc, opts);
          lr = cropImage(lrFull, box.x / s, box.y / s, box.width / s, box.height / s);
        } else {
          lr = await resizeBicubic(hr, box.width / s, box.height / s);
          if (opts.input_nc !== opts.output_nc) lr = toChannels(lr, opts.input_nc as 1 | 3, 'drop', file);
        }
        for (const transform of augment) {
          hr = transform(hr);
          lr = transform(lr);
        }
        return { A: normalizeImage(lr), B: normalizeImage(hr), A_paths: lrFor ? lrFor.get(file)! : file, B_paths: file };
      },
    };
  },
};

/** A part of an HR image: corner and size, all multiples of `scale` where an LR file is cropped alike. */
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A random square of `size` whose corner is a multiple of `step` (so an LR file crops at whole pixels). */
function randomBox(img: RawImage, size: number, step: number, rng: Rng): Box {
  const x = rng.randint(0, Math.floor((img.width - size) / step)) * step;
  const y = rng.randint(0, Math.floor((img.height - size) / step)) * step;
  return { x, y, width: size, height: size };
}

/**
 * The HR part a non-training phase uses (see the module comment): for `val`, torchvision's
 * CenterCrop of the largest square whose side is a multiple of `scale`, corner snapped to `step`;
 * otherwise the whole image less its right and bottom `w mod scale`, `h mod scale` pixels.
 */
function evalBox(img: { width: number; height: number }, phase: string, scale: number, step: number): Box {
  if (phase !== 'val') return { x: 0, y: 0, width: img.width - (img.width % scale), height: img.height - (img.height % scale) };
  const side = Math.min(img.width, img.height);
  const size = side - (side % scale);
  const x = roundHalfEven((img.width - size) / 2);
  const y = roundHalfEven((img.height - size) / 2);
  return { x: x - (x % step), y: y - (y % step), width: size, height: size };
}

/** With --batch_size > 1, the HR parts of a non-training phase must all have one size (the loader stacks them). */
function checkBatchSizes(files: string[], infos: Map<string, { width: number; height: number }>, opts: SuperResolutionOptions): void {
  if (opts.batch_size === 1) return;
  const sizeOf = (f: string) => {
    const box = evalBox(infos.get(f)!, opts.phase, opts.scale, 1);
    return `${box.width}x${box.height}`;
  };
  const first = sizeOf(files[0]!);
  if (files.every((f) => sizeOf(f) === first)) return;
  const what =
    opts.phase === 'val' ? 'the centre square of each image' : `each whole image (cropped to a multiple of --scale ${opts.scale})`;
  throw new DatasetError(
    `--batch_size ${opts.batch_size} stacks images of one size, but --phase ${opts.phase} uses ${what} and these differ:\n` +
      `${listSome(files.map((f) => `${f}: ${sizeOf(f)}`))}\nUse --batch_size 1 (as the SR benchmarks do) or images of one size.`,
  );
}

async function lowResFiles(
  files: string[],
  infos: Map<string, { width: number; height: number }>,
  opts: SuperResolutionOptions,
  ctx: DatasetContext,
): Promise<Map<string, string>> {
  const lrFiles = await listImages(opts.lr_dir, { warn: (m) => ctx.warn(m) });
  const byStem = new Map(lrFiles.map((f) => [stem(f), f]));
  const out = new Map<string, string>();
  const problems: string[] = [];
  for (const f of files) {
    const lr = byStem.get(stem(f));
    if (!lr) {
      problems.push(`${f}: no file of the same name in ${opts.lr_dir}`);
      continue;
    }
    const l = await probeImage(lr);
    const hr = infos.get(f)!;
    // LR × scale is the HR image less its right and bottom `w mod scale`, `h mod scale` pixels.
    const [w, h] = [Math.floor(hr.width / opts.scale), Math.floor(hr.height / opts.scale)];
    if (l.width !== w || l.height !== h) {
      const cropped =
        w * opts.scale !== hr.width || h * opts.scale !== hr.height
          ? ` (${w * opts.scale}x${h * opts.scale}, a multiple of the scale, ÷ ${opts.scale})`
          : '';
      problems.push(
        `${lr} is ${l.width}x${l.height}, but ${f} is ${hr.width}x${hr.height}; with --scale ${opts.scale} it must be ${w}x${h}${cropped}`,
      );
      continue;
    }
    out.set(f, lr);
  }
  if (problems.length > 0)
    throw new DatasetError(`The low-resolution folder --lr_dir does not match the high-resolution images:\n${listSome(problems)}`);
  return out;
}
