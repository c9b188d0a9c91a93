/**
 * The reference's preprocessing (pytorch-CycleGAN-and-pix2pix `data/base_dataset.py`, plus SPADE's
 * `scale_shortside` and `fixed`): `getParams` draws one crop position and flip for a pair, and
 * `preprocess` applies resize → crop → round-to-multiple → flip to one image, in that order.
 */
import { DatasetError } from '../errors.js';
import type { Rng } from '../rng.js';
import { cropImage, flipHorizontal, resizeNearest, resizeBicubic, type RawImage, roundHalfEven } from '@translate/core';

/** The `--preprocess` values. The last three are SPADE's (segmentation mode). */
export const PREPROCESS_MODES = [
  'resize_and_crop',
  'crop',
  'scale_width',
  'scale_width_and_crop',
  'none',
  'scale_shortside',
  'scale_shortside_and_crop',
  'fixed',
] as const;

/** One `--preprocess` value. */
export type PreprocessMode = (typeof PREPROCESS_MODES)[number];

/** The options preprocessing reads (reference flag names). */
export interface PreprocessOptions {
  preprocess: PreprocessMode;
  load_size: number;
  crop_size: number;
  no_flip: boolean;
  /** `none` rounds each side to the nearest multiple of this (reference: 4; SPADE: 32). */
  size_multiple: number;
  /** width / height, used by `fixed`. */
  aspect_ratio: number;
}

/** A shared crop position and flip, as returned by the reference's `get_params`. */
export interface TransformParams {
  crop_pos: [x: number, y: number];
  flip: boolean;
}

/** Where a transform's reports go: the one-time warning of `none`, and the file for error messages. */
export interface PreprocessContext {
  file: string;
  warn(key: string, message: string): void;
}

/**
 * The reference's `get_params(opt, (w, h))`: the size after resizing is predicted, then
 * x = randint(0, max(0, new_w − crop)), y likewise (inclusive), flip = random() > 0.5.
 */
export function getParams(opts: PreprocessOptions, size: { width: number; height: number }, rng: Rng): TransformParams {
  const { width: w, height: h } = size;
  let newW = w;
  let newH = h;
  if (opts.preprocess === 'resize_and_crop') {
    newW = newH = opts.load_size;
  } else if (opts.preprocess === 'scale_width_and_crop') {
    newW = opts.load_size;
    newH = Math.floor((opts.load_size * h) / w);
  } else if (opts.preprocess === 'scale_shortside_and_crop') {
    [newW, newH] = shortsideSize(w, h, opts.load_size);
  }
  const x = rng.randint(0, Math.max(0, newW - opts.crop_size));
  const y = rng.randint(0, Math.max(0, newH - opts.crop_size));
  const flip = rng.nextFloat() > 0.5;
  return { crop_pos: [x, y], flip };
}

/**
 * The reference's `get_transform` on one image. With `params` the crop and flip are fixed (paired
 * modes); without, they are drawn from `rng` as torchvision's RandomCrop / RandomHorizontalFlip.
 */
export async function preprocess(
  img: RawImage,
  opts: PreprocessOptions,
  params: TransformParams | null,
  rng: Rng,
  method: 'bicubic' | 'nearest',
  ctx: PreprocessContext,
): Promise<RawImage> {
  const resize = (im: RawImage, w: number, h: number) => (method === 'nearest' ? resizeNearest(im, w, h) : resizeBicubic(im, w, h));
  const mode = opts.preprocess;
  let out = img;
  if (mode.includes('resize')) {
    out = await resize(out, opts.load_size, opts.load_size);
  } else if (mode.includes('scale_width')) {
    if (!(out.width === opts.load_size && out.height >= opts.crop_size)) {
      out = await resize(out, opts.load_size, Math.trunc(Math.max((opts.load_size * out.height) / out.width, opts.crop_size)));
    }
  } else if (mode.includes('scale_shortside')) {
    const [w, h] = shortsideSize(out.width, out.height, opts.load_size);
    out = await resize(out, w, h);
  }
  if (mode.includes('crop'))
    out = params ? fixedCrop(out, params.crop_pos, opts.crop_size) : randomCrop(out, opts.crop_size, rng, ctx.file);
  if (mode === 'none') out = await roundToMultiple(out, opts.size_multiple, resize, ctx);
  if (mode === 'fixed') out = await resize(out, opts.crop_size, roundHalfEven(opts.crop_size / opts.aspect_ratio));
  if (!opts.no_flip) {
    const flip = params ? params.flip : rng.nextFloat() < 0.5;
    if (flip) out = flipHorizontal(out);
  }
  return out;
}

/** The reference's `__crop`: crops (zero-filling past the border) only when the image is larger than the crop. */
function fixedCrop(img: RawImage, [x, y]: [number, number], size: number): RawImage {
  if (img.width > size || img.height > size) return cropImage(img, x, y, size, size);
  return img;
}

/** torchvision's RandomCrop: a uniform position; an image smaller than the crop is an error. */
function randomCrop(img: RawImage, size: number, rng: Rng, file: string): RawImage {
  if (img.width < size || img.height < size) {
    throw new DatasetError(
      `${file} is ${img.width}x${img.height} after resizing, smaller than --crop_size ${size}. Lower --crop_size, raise --load_size, or use --preprocess resize_and_crop.`,
    );
  }
  const x = rng.randint(0, img.width - size);
  const y = rng.randint(0, img.height - size);
  return cropImage(img, x, y, size, size);
}

/** The reference's `__make_power_2`: each side rounded (half to even, as Python) to a multiple of `base`. */
async function roundToMultiple(
  img: RawImage,
  base: number,
  resize: (im: RawImage, w: number, h: number) => RawImage | Promise<RawImage>,
  ctx: PreprocessContext,
): Promise<RawImage> {
  const w = roundHalfEven(img.width / base) * base;
  const h = roundHalfEven(img.height / base) * base;
  if (w === img.width && h === img.height) return img;
  if (w === 0 || h === 0) {
    throw new DatasetError(
      `${ctx.file} is ${img.width}x${img.height}, too small for --preprocess none, which rounds each side to a multiple of ${base}. Use a larger image.`,
    );
  }
  ctx.warn(
    'make_power_2',
    `The image size needs to be a multiple of ${base}. The loaded image size was (${img.width}, ${img.height}), so it was adjusted to (${w}, ${h}). This adjustment will be done to all images whose sizes are not multiples of ${base}.`,
  );
  return resize(img, w, h);
}

/** Short side to `target`, long side scaled to int(target · long / short). */
function shortsideSize(w: number, h: number, target: number): [number, number] {
  const ss = Math.min(w, h);
  const ls = Math.trunc((target * Math.max(w, h)) / ss);
  return w === ss ? [target, ls] : [ls, target];
}
