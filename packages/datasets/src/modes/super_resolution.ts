/**
 * `super_resolution` (SRGAN): high-resolution images in `<dataroot>/<phase>`; the low-resolution
 * input is made on the fly by bicubic ÷`scale` (leftthomas/SRGAN), or read from --lr_dir (same file
 * names, exactly 1/scale the size). Training (`--phase train`) takes a random crop of
 * crop_size − crop_size mod scale; other phases take the centre square of the largest multiple of
 * `scale`, as SRGAN's validation set. A is the low-res input, B the high-res target, both in [-1, 1].
 */
import { join } from 'node:path';
import type { OptionSchema } from '@translate/core';
import { DatasetError } from '../errors.js';
import { listImages } from '../image/discover.js';
import { probeImage } from '../image/decode.js';
import { cropImage, flipHorizontal, flipVertical, normalizeImage, toChannels, transposeImage } from '../image/ops.js';
import { resizeBicubic } from '../image/resize.js';
import type { RawImage } from '../image/types.js';
import { DATA_OPTIONS, checkDataOptions, withDefaults, type DataOptions } from '../options.js';
import { roundHalfEven } from '../transform/preprocess.js';
import type { Dataset, DatasetMode, Sample } from '../dataset.js';
import type { Rng } from '../rng.js';
import { listSome, noImagesError, readImage, scanImages, stem } from './common.js';

/** Options of the super-resolution mode. */
export const SUPER_RESOLUTION_OPTIONS: OptionSchema = withDefaults(
  {
    ...DATA_OPTIONS,
    scale: { type: 'int', default: 4, help: 'super resolution upscale factor (2, 4 or 8)' },
    lr_dir: { type: 'string', default: '', help: '(translate) folder of low-resolution inputs named like the HR files; empty: made by bicubic downscaling' },
  },
  { crop_size: 96 },
);

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
  async create(options, ctx): Promise<Dataset> {
    const opts = options as unknown as SuperResolutionOptions;
    checkDataOptions(opts);
    if (![2, 4, 8].includes(opts.scale)) throw new DatasetError(`--scale must be 2, 4 or 8, got ${opts.scale}.`);
    const crop = opts.crop_size - (opts.crop_size % opts.scale);
    if (crop < opts.scale) throw new DatasetError(`--crop_size ${opts.crop_size} is smaller than --scale ${opts.scale}.`);
    const dir = join(opts.dataroot, opts.phase);
    const found = await listImages(dir, opts.max_dataset_size);
    if (found.length === 0) throw noImagesError(dir, 'The super_resolution mode reads high-resolution images from <dataroot>/<phase>/. Make one with `translate datasets make sr`.');
    const { files, infos } = await scanImages(found, opts, ctx);
    const train = opts.phase === 'train';
    const small = files.filter((f) => Math.min(infos.get(f)!.width, infos.get(f)!.height) < (train ? crop : opts.scale));
    if (small.length > 0) {
      throw new DatasetError(`${small.length} image(s) are smaller than the ${train ? `${crop}px training crop` : `scale ${opts.scale}`}:\n${listSome(small.map((f) => `${f} (${infos.get(f)!.width}x${infos.get(f)!.height})`))}\nLower --crop_size or remove them.`);
    }
    const lrFor = opts.lr_dir ? await lowResFiles(files, infos, opts) : null;
    return {
      mode: 'super_resolution',
      length: files.length,
      options,
      sources: [{ role: 'HR', dir, files }, ...(lrFor ? [{ role: 'LR', dir: opts.lr_dir, files: files.map((f) => lrFor.get(f)!) }] : [])],
      async get(index, rng): Promise<Sample> {
        const file = files[index]!;
        const hrFull = await readImage(file, opts.output_nc, opts);
        const box = train ? randomBox(hrFull, crop, lrFor ? opts.scale : 1, rng) : centreBox(hrFull, opts.scale, lrFor ? opts.scale : 1);
        // Training augmentation (unless --no_flip): horizontal flip, vertical flip and transpose, each
        // with probability 0.5 — the 8 symmetries of the square, as SR training usually does.
        const augment = train && !opts.no_flip ? [flipHorizontal, flipVertical, transposeImage].filter(() => rng.nextFloat() < 0.5) : [];
        let hr = cropImage(hrFull, box.x, box.y, box.size, box.size);
        const s = opts.scale;
        let lr: RawImage;
        if (lrFor) {
          const lrFull = await readImage(lrFor.get(file)!, opts.input_nc, opts);
          lr = cropImage(lrFull, box.x / s, box.y / s, box.size / s, box.size / s);
        } else {
          lr = await resizeBicubic(hr, box.size / s, box.size / s);
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

/** A random square of `size` whose corner is a multiple of `step` (so an LR file crops at whole pixels). */
function randomBox(img: RawImage, size: number, step: number, rng: Rng) {
  const x = rng.randint(0, Math.floor((img.width - size) / step)) * step;
  const y = rng.randint(0, Math.floor((img.height - size) / step)) * step;
  return { x, y, size };
}

/** torchvision's CenterCrop of the largest square whose side is a multiple of `scale`, corner snapped to `step`. */
function centreBox(img: RawImage, scale: number, step: number) {
  const side = Math.min(img.width, img.height);
  const size = side - (side % scale);
  const x = roundHalfEven((img.width - size) / 2);
  const y = roundHalfEven((img.height - size) / 2);
  return { x: x - (x % step), y: y - (y % step), size };
}

async function lowResFiles(files: string[], infos: Map<string, { width: number; height: number }>, opts: SuperResolutionOptions): Promise<Map<string, string>> {
  const lrFiles = await listImages(opts.lr_dir);
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
    if (l.width * opts.scale !== hr.width || l.height * opts.scale !== hr.height) {
      problems.push(`${lr} is ${l.width}x${l.height}, but ${f} is ${hr.width}x${hr.height}; with --scale ${opts.scale} it must be ${hr.width / opts.scale}x${hr.height / opts.scale}`);
      continue;
    }
    out.set(f, lr);
  }
  if (problems.length > 0) throw new DatasetError(`The low-resolution folder --lr_dir does not match the high-resolution images:\n${listSome(problems)}`);
  return out;
}
