/**
 * `cityscapes` (SPADE's `CityscapesDataset`): label maps `<dataroot>/gtFine/<phase>/**\/*_labelIds.png`,
 * instance maps `*_instanceIds.png` of the same tree, photos `<dataroot>/leftImg8bit/<phase>/**`,
 * with phase `val` for `--phase test` and `train` otherwise; files pair by the first three
 * `_`-separated parts of their names (`<city>_<sequence>_<frame>`).
 */
import { basename, join } from 'node:path';
import type { DatasetMode } from '../dataset.js';
import {
  LABEL_MAP_DEFAULTS,
  LABEL_MAP_OPTIONS,
  createLabelMapDataset,
  listFolder,
  type LabelMapLayout,
  type LabelMapOptions,
} from './label_maps.js';

const LAYOUT: LabelMapLayout<LabelMapOptions> = {
  description:
    'The cityscapes mode reads label maps <dataroot>/gtFine/<phase>/<city>/*_labelIds.png, instance maps *_instanceIds.png from the same folders (unless --no_instance) and photos <dataroot>/leftImg8bit/<phase>/<city>/*, where <phase> is val for --phase test and train otherwise; files pair by <city>_<sequence>_<frame>, the first three parts of their names.',
  async find(opts, ctx) {
    const phase = opts.phase === 'test' ? 'val' : 'train';
    const labelDir = join(opts.dataroot, 'gtFine', phase);
    const imageDir = join(opts.dataroot, 'leftImg8bit', phase);
    const gtFine = await listFolder(labelDir, 'label map', ctx);
    return {
      labels: { dir: labelDir, files: gtFine.filter((p) => p.endsWith('_labelIds.png')) },
      images: { dir: imageDir, files: await listFolder(imageDir, 'photo', ctx) },
      instances: opts.no_instance ? null : { dir: labelDir, files: gtFine.filter((p) => p.endsWith('_instanceIds.png')) },
    };
  },
  pairKey: (file) => basename(file).split('_').slice(0, 3).join('_'),
  pairRule: 'the same <city>_<sequence>_<frame> (the first three _-separated parts of the name)',
};

/** The `cityscapes` mode. */
export const cityscapesMode: DatasetMode = {
  name: 'cityscapes',
  help: "SPADE's Cityscapes: <dataroot>/gtFine/<phase>/*_labelIds.png, _instanceIds.png and leftImg8bit/<phase> (phase val when testing)",
  options: LABEL_MAP_OPTIONS,
  defaults: {
    ...LABEL_MAP_DEFAULTS,
    preprocess: 'fixed',
    load_size: 512,
    crop_size: 512,
    display_winsize: 512,
    label_nc: 35,
    aspect_ratio: 2.0,
    batch_size: 16,
    num_upsampling_layers: 'more',
  },
  create: (options, ctx) => createLabelMapDataset('cityscapes', LAYOUT, options, ctx),
};
