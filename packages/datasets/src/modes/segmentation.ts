/**
 * `segmentation` (GauGAN/SPADE): label maps (one channel of class ids), photos, and optional
 * instance maps, paired by file name. Labels and instances are resized with nearest neighbour and
 * share the photo's crop and flip; 255 becomes `label_nc` (SPADE's "don't care"); an id that the
 * one-hot cannot hold is an error naming the file. One-hot and edges are built on the tensor side
 * (`semantics.ts`).
 */
import { join } from 'node:path';
import type { OptionSchema } from '@translate/core';
import { DatasetError } from '../errors.js';
import { decodeImage, type ImageInfo } from '../image/decode.js';
import { listImages } from '../image/discover.js';
import { normalizeImage, toLabelMap } from '../image/ops.js';
import type { LabelMap } from '../image/types.js';
import { DATA_OPTIONS, checkDataOptions, withDefaults, type DataOptions } from '../options.js';
import { PREPROCESS_MODES, getParams, preprocess } from '../transform/preprocess.js';
import type { Dataset, DatasetContext, DatasetMode, Sample } from '../dataset.js';
import { listSome, noImagesError, onceWarner, preprocessOptions, readImage, scanImages, stem } from './common.js';

/** Options of the segmentation mode: the common ones plus SPADE's. */
export const SEGMENTATION_OPTIONS: OptionSchema = withDefaults(
  {
    ...DATA_OPTIONS,
    preprocess: { ...DATA_OPTIONS.preprocess!, choices: PREPROCESS_MODES, help: 'scaling and cropping of images at load time [resize_and_crop | crop | scale_width | scale_width_and_crop | scale_shortside | scale_shortside_and_crop | fixed | none]' },
    label_nc: { type: 'int', default: 13, help: '# of input label classes without unknown class. If you have unknown class as class label, specify --contain_dontcare_label.' },
    contain_dontcare_label: { type: 'bool', default: false, help: 'if the label map contains dontcare label (dontcare=255)' },
    no_instance: { type: 'bool', default: false, help: 'if specified, do *not* add instance map as input' },
    label_dir: { type: 'string', default: '', help: 'path to the folder that contains label images (default <dataroot>/<phase>_label)' },
    image_dir: { type: 'string', default: '', help: 'path to the folder that contains photo images (default <dataroot>/<phase>_img)' },
    instance_dir: { type: 'string', default: '', help: 'path to the folder that contains instance maps (default <dataroot>/<phase>_inst)' },
    no_pairing_check: { type: 'bool', default: false, help: 'If specified, skip sanity check of correct label-image file pairing' },
    aspect_ratio: { type: 'float', default: 1.0, help: 'The ratio width/height. The final height of the load image will be crop_size/aspect_ratio' },
  },
  { size_multiple: 32 },
);

/** Resolved segmentation options. */
export interface SegmentationOptions extends DataOptions {
  label_nc: number;
  contain_dontcare_label: boolean;
  no_instance: boolean;
  label_dir: string;
  image_dir: string;
  instance_dir: string;
  no_pairing_check: boolean;
  aspect_ratio: number;
}

/** The `segmentation` mode. */
export const segmentationMode: DatasetMode = {
  name: 'segmentation',
  help: 'label maps + photos (+ instance maps) for GauGAN: <dataroot>/<phase>_label, _img, _inst',
  options: SEGMENTATION_OPTIONS,
  async create(options, ctx): Promise<Dataset> {
    const opts = options as unknown as SegmentationOptions;
    checkDataOptions(opts);
    if (!(opts.label_nc >= 1)) throw new DatasetError(`--label_nc must be at least 1, got ${opts.label_nc}.`);
    const labelDir = opts.label_dir || join(opts.dataroot, `${opts.phase}_label`);
    const imageDir = opts.image_dir || join(opts.dataroot, `${opts.phase}_img`);
    const instanceDir = opts.instance_dir || join(opts.dataroot, `${opts.phase}_inst`);
    const labels = await folder(labelDir, 'label', opts, ctx);
    const images = await folder(imageDir, 'image', opts, ctx);
    const instances = opts.no_instance ? null : await folder(instanceDir, 'instance', opts, ctx, ' Instance maps are one-channel images of instance ids; pass --no_instance if you have none.');
    checkIdMaps(labels, 'label map', 'Save label maps as one-channel (grayscale) PNGs whose pixel values are class ids.');
    if (instances) checkIdMaps(instances, 'instance map', 'Save instance maps as one-channel 8- or 16-bit PNGs of instance ids.');
    const imageFor = pairing(labels.files, images.files, 'photo', imageDir, opts.no_pairing_check);
    const instanceFor = instances ? pairing(labels.files, instances.files, 'instance map', instanceDir, opts.no_pairing_check) : null;
    checkSizes(labels, images, imageFor);
    if (instances && instanceFor) checkSizes(labels, instances, instanceFor);
    const pre = preprocessOptions(opts);
    const context = onceWarner(ctx);
    const nc = opts.label_nc + (opts.contain_dontcare_label ? 1 : 0);
    const files = labels.files;
    return {
      mode: 'segmentation',
      length: files.length,
      options,
      sources: [
        { role: 'label', dir: labelDir, files },
        { role: 'image', dir: imageDir, files: files.map((f) => imageFor.get(f)!) },
        ...(instanceFor ? [{ role: 'instance', dir: instanceDir, files: files.map((f) => instanceFor.get(f)!) }] : []),
      ],
      async get(index, rng): Promise<Sample> {
        const labelPath = files[index]!;
        const labelRaw = await decodeImage(labelPath);
        const params = getParams(pre, labelRaw, rng);
        const label = toLabelMap(await preprocess(labelRaw, pre, params, rng, 'nearest', context(labelPath)));
        checkLabelIds(label, labelPath, opts, nc);
        const imagePath = imageFor.get(labelPath)!;
        const image = await preprocess(await readImage(imagePath, opts.output_nc, opts), pre, params, rng, 'bicubic', context(imagePath));
        const sample: Sample = { label, B: normalizeImage(image), A_paths: labelPath, B_paths: imagePath };
        if (instanceFor) {
          const instancePath = instanceFor.get(labelPath)!;
          sample.instance = toLabelMap(await preprocess(await decodeImage(instancePath), pre, params, rng, 'nearest', context(instancePath)));
        }
        return sample;
      },
    };
  },
};

type Folder = { files: string[]; infos: Map<string, ImageInfo> };

async function folder(dir: string, what: string, opts: SegmentationOptions, ctx: DatasetContext, hint = ''): Promise<Folder> {
  const layout = `The segmentation mode reads label maps from <dataroot>/<phase>_label (or --label_dir), photos from <phase>_img (or --image_dir) and instance maps from <phase>_inst (or --instance_dir), paired by file name. Make one with \`translate datasets make mosaic\`.${hint}`;
  const found = await listImages(dir, opts.max_dataset_size).catch((err: unknown) => {
    if (err instanceof DatasetError) throw new DatasetError(`${err.message} (the ${what} folder). ${layout}`);
    throw err;
  });
  if (found.length === 0) throw noImagesError(dir, layout);
  return scanImages(found, opts, ctx);
}

/** Id maps must be one channel and not palette images (whose pixels decode to colours, not ids). */
function checkIdMaps(f: Folder, what: string, fix: string): void {
  const bad = f.files.filter((file) => f.infos.get(file)!.channels !== 1 || f.infos.get(file)!.isPalette);
  if (bad.length === 0) return;
  const describe = (file: string) => {
    const i = f.infos.get(file)!;
    return `${file} (${i.isPalette ? 'indexed-colour palette image' : `${i.channels} channels`})`;
  };
  throw new DatasetError(`${bad.length} ${what}(s) are not one channel of ids:\n${listSome(bad.map(describe))}\n${fix}`);
}

/** Maps each label file to its partner in `others`: same name without extension (or same position with --no_pairing_check). */
function pairing(labels: string[], others: string[], what: string, dir: string, byOrder: boolean): Map<string, string> {
  const out = new Map<string, string>();
  if (byOrder) {
    if (others.length < labels.length) throw new DatasetError(`${labels.length} label maps but only ${others.length} ${what}s in ${dir}.`);
    labels.forEach((l, i) => out.set(l, others[i]!));
    return out;
  }
  const byStem = new Map(others.map((o) => [stem(o), o]));
  const missing: string[] = [];
  for (const l of labels) {
    const o = byStem.get(stem(l));
    if (o) out.set(l, o);
    else missing.push(l);
  }
  if (missing.length > 0) {
    throw new DatasetError(`${missing.length} label map(s) have no ${what} of the same name in ${dir}:\n${listSome(missing)}\nName each ${what} like its label map (any extension), or pass --no_pairing_check to pair them by sorted order.`);
  }
  return out;
}

function checkSizes(labels: Folder, other: Folder, partner: Map<string, string>): void {
  const bad: string[] = [];
  for (const l of labels.files) {
    const a = labels.infos.get(l)!;
    const b = other.infos.get(partner.get(l)!)!;
    if (a.width !== b.width || a.height !== b.height) bad.push(`${l} is ${a.width}x${a.height} but ${b.file} is ${b.width}x${b.height}`);
  }
  if (bad.length > 0) throw new DatasetError(`Paired files differ in size, so their crops would not line up:\n${listSome(bad)}`);
}

/** 255 → label_nc (SPADE), then every id must be < nc = label_nc + contain_dontcare_label. */
function checkLabelIds(label: LabelMap, file: string, opts: SegmentationOptions, nc: number): void {
  const d = label.data;
  let max = 0;
  let has255 = false;
  for (let i = 0; i < d.length; i++) {
    if (d[i] === 255) {
      d[i] = opts.label_nc;
      has255 = true;
    }
    if (d[i]! > max) max = d[i]!;
  }
  if (max < nc) return;
  if (has255 && !opts.contain_dontcare_label && max === opts.label_nc) {
    throw new DatasetError(`Label map ${file} contains 255 ("don't care"), but --contain_dontcare_label is not set. Pass --contain_dontcare_label to give it its own channel, or relabel those pixels.`);
  }
  const hint = max === 255 ? '' : ` Raise --label_nc to ${max + 1} if the map is right.`;
  throw new DatasetError(`Label map ${file} contains class id ${max}, but --label_nc ${opts.label_nc}${opts.contain_dontcare_label ? ' with --contain_dontcare_label' : ''} allows ids 0..${nc - 1}.${hint}`);
}
