/**
 * `coco` (SPADE's `CocoDataset`, COCO-Stuff): `<dataroot>/<phase>_label`, `_img`, `_inst`, with
 * phase `val` for `--phase test`; training also reads `_label_portrait`, `_img_portrait` and
 * `_inst_portrait` where they exist, unless `--coco_no_portraits` (on by default when testing, as
 * SPADE reads portraits only in training).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetMode } from '../dataset.js';
import {
  LABEL_MAP_OPTIONS,
  SPADE_256_DEFAULTS,
  createLabelMapDataset,
  listFolder,
  type FileGroup,
  type LabelMapLayout,
  type LabelMapOptions,
} from './label_maps.js';

/** Resolved coco options. */
interface CocoOptions extends LabelMapOptions {
  coco_no_portraits: boolean;
}

const LAYOUT: LabelMapLayout<CocoOptions> = {
  description:
    "The coco mode (SPADE's COCO-Stuff layout) reads label maps from <dataroot>/<phase>_label, photos from <phase>_img and instance maps from <phase>_inst (unless --no_instance), where <phase> is val for --phase test; in training also <phase>_label_portrait, _img_portrait and _inst_portrait where they exist (unless --coco_no_portraits). Files pair by name.",
  async find(opts, ctx) {
    const phase = opts.phase === 'test' ? 'val' : opts.phase;
    const group = async (suffix: string, what: string): Promise<FileGroup> => {
      const dir = join(opts.dataroot, `${phase}_${suffix}`);
      const files = await listFolder(dir, what, ctx);
      const portraits = `${dir}_portrait`;
      if (opts.coco_no_portraits || !(await stat(portraits).catch(() => null))?.isDirectory()) return { dir, files };
      return { dir: `${dir} and ${portraits}`, files: [...files, ...(await listFolder(portraits, what, ctx))] };
    };
    return {
      labels: await group('label', 'label map'),
      images: await group('img', 'photo'),
      instances: opts.no_instance ? null : await group('inst', 'instance map'),
    };
  },
};

/** The `coco` mode. */
export const cocoMode: DatasetMode = {
  name: 'coco',
  help: "SPADE's COCO-Stuff: <dataroot>/<phase>_label, _img, _inst (phase val when testing; training adds *_portrait)",
  options: {
    ...LABEL_MAP_OPTIONS,
    coco_no_portraits: {
      type: 'bool',
      default: false,
      help: 'do not read the <phase>_label_portrait, _img_portrait and _inst_portrait folders (SPADE reads them only in training)',
    },
  },
  ...SPADE_256_DEFAULTS,
  defaults: { ...SPADE_256_DEFAULTS.defaults, label_nc: 182, contain_dontcare_label: true },
  testDefaults: { ...SPADE_256_DEFAULTS.testDefaults, coco_no_portraits: true },
  create: (options, ctx) => createLabelMapDataset('coco', LAYOUT, options, ctx),
};
