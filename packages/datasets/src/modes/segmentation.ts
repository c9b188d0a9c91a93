/**
 * `segmentation` (GauGAN/SPADE): label maps (one channel of class ids), photos and optional
 * instance maps in `<dataroot>/<phase>_label`, `_img`, `_inst` (or `--label_dir`, `--image_dir`,
 * `--instance_dir`), paired by file name; read as every label-map mode (`label_maps.ts`).
 */
import { join } from 'node:path';
import type { OptionSchema } from '@translate/core';
import type { DatasetMode } from '../dataset.js';
import {
  LABEL_MAP_DEFAULTS,
  LABEL_MAP_OPTIONS,
  createLabelMapDataset,
  listFolder,
  type LabelMapLayout,
  type LabelMapOptions,
} from './label_maps.js';

/** Options of the segmentation mode: the label-map ones plus folders that replace the default layout. */
export const SEGMENTATION_OPTIONS: OptionSchema = {
  ...LABEL_MAP_OPTIONS,
  label_dir: { type: 'string', default: '', help: 'path to the folder that contains label images (default <dataroot>/<phase>_label)' },
  image_dir: { type: 'string', default: '', help: 'path to the folder that contains photo images (default <dataroot>/<phase>_img)' },
  instance_dir: { type: 'string', default: '', help: 'path to the folder that contains instance maps (default <dataroot>/<phase>_inst)' },
};

/** Resolved segmentation options. */
export interface SegmentationOptions extends LabelMapOptions {
  label_dir: string;
  image_dir: string;
  instance_dir: string;
}

const LAYOUT: LabelMapLayout<SegmentationOptions> = {
  description:
    'The segmentation mode reads label maps from <dataroot>/<phase>_label (or --label_dir), photos from <phase>_img (or --image_dir) and instance maps from <phase>_inst (or --instance_dir), paired by file name. Make one with `translate datasets make mosaic`.',
  async find(opts, ctx) {
    const dir = (given: string, suffix: string) => given || join(opts.dataroot, `${opts.phase}_${suffix}`);
    const [labelDir, imageDir, instanceDir] = [dir(opts.label_dir, 'label'), dir(opts.image_dir, 'img'), dir(opts.instance_dir, 'inst')];
    return {
      labels: { dir: labelDir, files: await listFolder(labelDir, 'label map', ctx) },
      images: { dir: imageDir, files: await listFolder(imageDir, 'photo', ctx) },
      instances: opts.no_instance ? null : { dir: instanceDir, files: await listFolder(instanceDir, 'instance map', ctx) },
    };
  },
};

/** The `segmentation` mode. */
export const segmentationMode: DatasetMode = {
  name: 'segmentation',
  help: 'label maps + photos (+ instance maps) for GauGAN: <dataroot>/<phase>_label, _img, _inst',
  options: SEGMENTATION_OPTIONS,
  defaults: LABEL_MAP_DEFAULTS,
  create: (options, ctx) => createLabelMapDataset('segmentation', LAYOUT, options, ctx),
};
