/**
 * `ade20k` (SPADE's `ADE20KDataset`, ADEChallengeData2016): every file under `<dataroot>` whose
 * path contains `_train_` (`_val_` for `--phase test`), `.jpg` photos and `.png` label maps, paired
 * by name; no instance maps. Label ids reach the sample as SPADE's code computes them: as stored
 * (0 = "other"), 255 → label_nc. (SPADE's `postprocess` subtracts 1 from a copy it then drops, so
 * its ADE20K models, the published one included, were trained on the ids as stored.)
 */
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
    "The ade20k mode (SPADE's ADEChallengeData2016 layout) reads every file under --dataroot whose path contains _train_ (_val_ for --phase test): .jpg photos and .png label maps of the same name, e.g. images/training/ADE_train_00000001.jpg and annotations/training/ADE_train_00000001.png.",
  async find(opts, ctx) {
    const tag = `_${opts.phase === 'test' ? 'val' : 'train'}_`;
    const files = (await listFolder(opts.dataroot, 'dataset', ctx)).filter((p) => p.includes(tag));
    return {
      labels: { dir: opts.dataroot, files: files.filter((p) => p.endsWith('.png')) },
      images: { dir: opts.dataroot, files: files.filter((p) => p.endsWith('.jpg')) },
      instances: noInstanceMaps('ade20k', opts),
    };
  },
};

/** The `ade20k` mode. */
export const ade20kMode: DatasetMode = {
  name: 'ade20k',
  help: "SPADE's ADE20K: files under <dataroot> with _train_ / _val_ in their path, .jpg photos and .png label maps",
  options: LABEL_MAP_OPTIONS,
  ...SPADE_256_DEFAULTS,
  defaults: { ...SPADE_256_DEFAULTS.defaults, label_nc: 150, contain_dontcare_label: true, no_instance: true },
  create: (options, ctx) => createLabelMapDataset('ade20k', LAYOUT, options, ctx),
};
