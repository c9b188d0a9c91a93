/**
 * `facades` (SPADE's `FacadesDataset`): label maps `<dataroot>/<phase>_label` and photos
 * `<phase>_img`, with phase `val` for `--phase test`, paired by file name; no instance maps.
 */
import { join } from 'node:path';
import type { DatasetMode } from '../dataset.js';
import {
  LABEL_MAP_OPTIONS,
  SPADE_256_DEFAULTS,
  createLabelMapDataset,
  listFolder,
  noInstanceMaps,
  type LabelMapLayout,
  type LabelMapOptions,
} from './label_maps.js';

const LAYOUT: LabelMapLayout<LabelMapOptions> = {
  description:
    "The facades mode (SPADE's) reads label maps from <dataroot>/<phase>_label and photos from <phase>_img, where <phase> is val for --phase test, paired by file name; it has no instance maps.",
  async find(opts, ctx) {
    const phase = opts.phase === 'test' ? 'val' : opts.phase;
    const [labelDir, imageDir] = [join(opts.dataroot, `${phase}_label`), join(opts.dataroot, `${phase}_img`)];
    return {
      labels: { dir: labelDir, files: await listFolder(labelDir, 'label map', ctx) },
      images: { dir: imageDir, files: await listFolder(imageDir, 'photo', ctx) },
      instances: noInstanceMaps('facades', opts),
    };
  },
};

/** The `facades` mode. */
export const facadesMode: DatasetMode = {
  name: 'facades',
  help: "SPADE's facades: <dataroot>/<phase>_label, _img (phase val when testing), no instance maps",
  options: LABEL_MAP_OPTIONS,
  ...SPADE_256_DEFAULTS,
  defaults: { ...SPADE_256_DEFAULTS.defaults, label_nc: 13, contain_dontcare_label: false, no_instance: true },
  create: (options, ctx) => createLabelMapDataset('facades', LAYOUT, options, ctx),
};
