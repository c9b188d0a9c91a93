/**
 * `custom` (SPADE's `CustomDataset`): label maps from `--label_dir`, photos from `--image_dir`
 * (both required) and instance maps from `--instance_dir` (empty: none, then `--no_instance` is
 * needed), paired by file name. `--dataroot` is not read.
 */
import { DatasetError } from '../errors.js';
import type { DatasetMode } from '../dataset.js';
import { LABEL_MAP_OPTIONS, SPADE_256_DEFAULTS, createLabelMapDataset, listFolder, type LabelMapLayout } from './label_maps.js';
import type { SegmentationOptions } from './segmentation.js';

const LAYOUT: LabelMapLayout<SegmentationOptions> = {
  description:
    'The custom mode reads label maps from --label_dir, photos from --image_dir and instance maps from --instance_dir (none when it is empty), paired by file name.',
  async find(opts, ctx) {
    if (!opts.no_instance && opts.instance_dir === '') {
      throw new DatasetError(
        '--instance_dir is empty, so there are no instance maps, but --no_instance is off. Pass --no_instance, or --instance_dir with the folder of instance maps.',
      );
    }
    return {
      labels: { dir: opts.label_dir, files: await listFolder(opts.label_dir, 'label map', ctx) },
      images: { dir: opts.image_dir, files: await listFolder(opts.image_dir, 'photo', ctx) },
      instances: opts.no_instance ? null : { dir: opts.instance_dir, files: await listFolder(opts.instance_dir, 'instance map', ctx) },
    };
  },
};

/** The `custom` mode. */
export const customMode: DatasetMode = {
  name: 'custom',
  help: "SPADE's custom: --label_dir, --image_dir (+ --instance_dir), paired by file name",
  options: {
    ...LABEL_MAP_OPTIONS,
    label_dir: { type: 'string', help: 'path to the directory that contains label images' },
    image_dir: { type: 'string', help: 'path to the directory that contains photo images' },
    instance_dir: { type: 'string', default: '', help: 'path to the directory that contains instance maps. Leave black if not exists' },
  },
  ...SPADE_256_DEFAULTS,
  // --dataroot is required by translate's base options but not read here (SPADE gives it a default).
  defaults: { ...SPADE_256_DEFAULTS.defaults, dataroot: '', label_nc: 13, contain_dontcare_label: false },
  create: (options, ctx) => createLabelMapDataset('custom', LAYOUT, options, ctx),
};
