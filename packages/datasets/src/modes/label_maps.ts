/**
 * What SPADE's `Pix2pixDataset` does for every label-map mode (segmentation, coco, ade20k,
 * cityscapes, custom, facades); a mode brings only its layout (where the files are, how they pair)
 * and its defaults. Label maps, photos and instance maps are natural-sorted, paired (SPADE's
 * `paths_match`, or sorted order with `--no_pairing_check`) and checked when the dataset is built.
 * A sample shares one crop and flip among the three (labels and instances nearest, photos
 * bicubic); 255 becomes `label_nc` (SPADE's "don't care") and an id the one-hot cannot hold is an
 * error naming the file. One-hot and edges are built on the tensor side (`semantics.ts`).
 */
import { stat } from 'node:fs/promises';
import type { DefaultOverrides, OptionSchema, OptionValue } from '@translate/core';
import { DatasetError, isDataProblem } from '../errors.js';
import { listImages, naturalSort } from '../image/discover.js';
import { DATA_OPTIONS, checkDataOptions, type DataOptions } from '../options.js';
import { PREPROCESS_MODES, getParams, preprocess } from '../transform/preprocess.js';
import type { Dataset, DatasetContext, Sample } from '../dataset.js';
import { listSome, onceWarner, preprocessOptions, readImage, scanImages, stem } from './common.js';
import { decodeImage, normalizeImage, toLabelMap, type ImageInfo, type LabelMap } from '@translate/core';

/** Options of every label-map mode: the common ones plus SPADE's. */
export const LABEL_MAP_OPTIONS: OptionSchema = {
  ...DATA_OPTIONS,
  preprocess: {
    ...DATA_OPTIONS.preprocess!,
    choices: PREPROCESS_MODES,
    help: 'scaling and cropping of images at load time [resize_and_crop | crop | scale_width | scale_width_and_crop | scale_shortside | scale_shortside_and_crop | fixed | none]',
  },
  label_nc: {
    type: 'int',
    default: 13,
    minimum: 1,
    help: '# of input label classes without unknown class. If you have unknown class as class label, specify --contain_dontcare_label.',
  },
  contain_dontcare_label: { type: 'bool', default: false, help: 'if the label map contains dontcare label (dontcare=255)' },
  no_instance: { type: 'bool', default: false, help: 'if specified, do *not* add instance map as input' },
  no_pairing_check: { type: 'bool', default: false, help: 'If specified, skip sanity check of correct label-image file pairing' },
  aspect_ratio: {
    type: 'float',
    default: 1.0,
    exclusiveMinimum: 0,
    help: 'The ratio width/height. The final height of the load image will be crop_size/aspect_ratio',
  },
};

/** Defaults of every label-map mode: `--preprocess none` rounds sides to multiples of 32, as SPADE's `__make_power_2`. */
export const LABEL_MAP_DEFAULTS: Readonly<Record<string, OptionValue>> = { size_multiple: 32 };

/** SPADE's defaults of its 256-pixel modes (coco, ade20k, custom, facades): resize to 286 (256 when testing), crop 256. */
export const SPADE_256_DEFAULTS: Required<DefaultOverrides> = {
  defaults: { ...LABEL_MAP_DEFAULTS, preprocess: 'resize_and_crop', crop_size: 256, display_winsize: 256 },
  trainDefaults: { load_size: 286 },
  testDefaults: { load_size: 256 },
};

/** Resolved options of a label-map mode. */
export interface LabelMapOptions extends DataOptions {
  label_nc: number;
  contain_dontcare_label: boolean;
  no_instance: boolean;
  no_pairing_check: boolean;
  aspect_ratio: number;
}

/** Files of one role, and where they were looked for (for messages and `datasets check`). */
export interface FileGroup {
  dir: string;
  files: string[];
}

/** The files of a label-map dataset as a layout finds them, in any order. */
export interface LabelMapFiles {
  labels: FileGroup;
  images: FileGroup;
  /** Null when the run has no instance maps. */
  instances: FileGroup | null;
}

/** Where one mode finds its files and how it pairs them (SPADE's `get_paths` and `paths_match`). */
export interface LabelMapLayout<O extends LabelMapOptions> {
  /** The folders the mode reads, in words; added to every message about missing or unpaired files. */
  description: string;
  /** Finds the files (warnings go to `ctx`); a `DatasetError` it throws gets `description` appended. */
  find(opts: O, ctx: DatasetContext): Promise<LabelMapFiles>;
  /** What a label map shares with its photo and instance map; default: the file name without extension. */
  pairKey?: (file: string) => string;
  /** `pairKey` in words, for messages; default: 'the same file name (any extension)'. */
  pairRule?: string;
}

/** The image files under `dir` (a folder of `what`, e.g. 'label map'); a missing folder is a `DatasetError` naming it. */
export async function listFolder(dir: string, what: string, ctx: DatasetContext): Promise<string[]> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) {
    const hint =
      what === 'instance map' ? ' Instance maps are one-channel images of instance ids; pass --no_instance if you have none.' : '';
    throw new DatasetError(`The ${what} folder ${dir} ${info ? 'is a file, not a folder' : 'does not exist'}.${hint}`);
  }
  return listImages(dir, { warn: (m) => ctx.warn(m) });
}

/** The instance maps of a mode that has none: null, or a `DatasetError` when `--no_instance` is off. */
export function noInstanceMaps(mode: string, opts: LabelMapOptions): null {
  if (!opts.no_instance)
    throw new DatasetError(
      `The ${mode} mode has no instance maps, but --no_instance is off. Leave --no_instance on (the ${mode} default).`,
    );
  return null;
}

/** Builds the dataset of a label-map mode: finds, pairs and checks the files of `layout`, then decodes samples on demand. */
export async function createLabelMapDataset<O extends LabelMapOptions>(
  mode: string,
  layout: LabelMapLayout<O>,
  options: Record<string, unknown>,
  ctx: DatasetContext,
): Promise<Dataset> {
  const opts = options as unknown as O;
  checkDataOptions(opts);
  if (!(opts.label_nc >= 1)) throw new DatasetError(`--label_nc must be at least 1, got ${opts.label_nc}.`);
  const found = await layout.find(opts, ctx).catch((err: unknown) => {
    if (isDataProblem(err)) throw new DatasetError(`${err.message} ${layout.description}`, { cause: err });
    throw err;
  });
  const roles: [FileGroup | null, string][] = [
    [found.labels, 'label map'],
    [found.images, 'photo'],
    [found.instances, 'instance map'],
  ];
  for (const [group, what] of roles) {
    if (group && group.files.length === 0) throw new DatasetError(`No ${what}s found in ${group.dir}. ${layout.description}`);
  }
  const pairs: PairingRule = {
    key: layout.pairKey ?? stem,
    rule: layout.pairRule ?? 'the same file name (any extension)',
    byOrder: opts.no_pairing_check,
  };
  const labels = await scanImages(naturalSort(found.labels.files).slice(0, opts.max_dataset_size), opts, ctx);
  checkIdMaps(labels, 'label map', 'Save label maps as one-channel (grayscale) PNGs whose pixel values are class ids.');
  const imageFor = pairing(labels.files, found.images, 'photo', pairs);
  const images = await scanImages([...imageFor.values()], opts, ctx);
  const instanceFor = found.instances && pairing(labels.files, found.instances, 'instance map', pairs);
  const instances = instanceFor && (await scanImages([...instanceFor.values()], opts, ctx));
  if (instances) checkIdMaps(instances, 'instance map', 'Save instance maps as one-channel 8- or 16-bit PNGs of instance ids.');
  // A photo or instance map skipped as unreadable (--skip_bad_images) drops its label map too.
  const files = labels.files.filter((l) => images.infos.has(imageFor.get(l)!) && (!instances || instances.infos.has(instanceFor!.get(l)!)));
  checkSizes(files, labels, images, imageFor);
  if (instances) checkSizes(files, labels, instances, instanceFor!);
  const pre = preprocessOptions(opts);
  const context = onceWarner(ctx);
  const nc = opts.label_nc + (opts.contain_dontcare_label ? 1 : 0);
  return {
    mode,
    length: files.length,
    options,
    sources: [
      { role: 'label', dir: found.labels.dir, files },
      { role: 'image', dir: found.images.dir, files: files.map((f) => imageFor.get(f)!) },
      ...(instanceFor ? [{ role: 'instance', dir: found.instances!.dir, files: files.map((f) => instanceFor.get(f)!) }] : []),
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
}

type Scanned = { files: string[]; infos: Map<string, ImageInfo> };

/** Id maps must be one channel and not palette images (whose pixels decode to colours, not ids). */
function checkIdMaps(f: Scanned, what: string, fix: string): void {
  const bad = f.files.filter((file) => f.infos.get(file)!.channels !== 1 || f.infos.get(file)!.isPalette);
  if (bad.length === 0) return;
  const describe = (file: string) => {
    const i = f.infos.get(file)!;
    return `${file} (${i.isPalette ? 'indexed-colour palette image' : `${i.channels} channels`})`;
  };
  throw new DatasetError(`${bad.length} ${what}(s) are not one channel of ids:\n${listSome(bad.map(describe))}\n${fix}`);
}

/** How files are paired: by `key` (described by `rule`), or by sorted position when `byOrder`. */
interface PairingRule {
  key: (file: string) => string;
  rule: string;
  byOrder: boolean;
}

/**
 * Maps each label map to its partner in `others`: the one with the same key, or with
 * `--no_pairing_check` the one at the same sorted position. A label map without a partner is a
 * `DatasetError` naming it and the file that sorted order would pair it with.
 */
function pairing(labels: readonly string[], others: FileGroup, what: string, p: PairingRule): Map<string, string> {
  const sorted = naturalSort(others.files);
  if (p.byOrder) {
    if (sorted.length < labels.length)
      throw new DatasetError(`${labels.length} label maps but only ${sorted.length} ${what}s in ${others.dir}.`);
    return new Map(labels.map((l, i) => [l, sorted[i]!]));
  }
  const byKey = new Map(sorted.map((o) => [p.key(o), o]));
  const out = new Map<string, string>();
  const missing: string[] = [];
  labels.forEach((l, i) => {
    const o = byKey.get(p.key(l));
    if (o) out.set(l, o);
    else missing.push(`${l} (in sorted order: ${sorted[i] ?? `no ${what} left`})`);
  });
  if (missing.length > 0) {
    throw new DatasetError(
      `${missing.length} label map(s) have no ${what} with ${p.rule} in ${others.dir}:\n${listSome(missing)}\n` +
        `Rename the files so that each label map and its ${what} share ${p.rule}, or pass --no_pairing_check to pair them by sorted order.`,
    );
  }
  return out;
}

/** Paired files must have one size, or their crops would not line up. */
function checkSizes(files: readonly string[], labels: Scanned, other: Scanned, partner: Map<string, string>): void {
  const bad: string[] = [];
  for (const l of files) {
    const a = labels.infos.get(l)!;
    const b = other.infos.get(partner.get(l)!)!;
    if (a.width !== b.width || a.height !== b.height) bad.push(`${l} is ${a.width}x${a.height} but ${b.file} is ${b.width}x${b.height}`);
  }
  if (bad.length > 0) throw new DatasetError(`Paired files differ in size, so their crops would not line up:\n${listSome(bad)}`);
}

/** 255 → label_nc (SPADE), then every id must be < nc = label_nc + contain_dontcare_label. */
function checkLabelIds(label: LabelMap, file: string, opts: LabelMapOptions, nc: number): void {
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
    throw new DatasetError(
      `Label map ${file} contains 255 ("don't care"), but --contain_dontcare_label is not set. Pass --contain_dontcare_label to give it its own channel, or relabel those pixels.`,
    );
  }
  const hint = max === 255 ? '' : ` Raise --label_nc to ${max + 1} if the map is right.`;
  throw new DatasetError(
    `Label map ${file} contains class id ${max}, but --label_nc ${opts.label_nc}${opts.contain_dontcare_label ? ' with --contain_dontcare_label' : ''} allows ids 0..${nc - 1}.${hint}`,
  );
}
