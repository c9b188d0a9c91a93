/**
 * The reference's downloadable datasets and pretrained generators (pytorch-CycleGAN-and-pix2pix
 * `datasets/download_*_dataset.sh`, `scripts/download_*_model.sh`), by name, with their mirror
 * URLs, archive type, expected layout and citation.
 */
import { unknownNameMessage } from '@translate/core';
import { DownloadError } from '../errors.js';

/** One downloadable item. */
export interface CatalogEntry {
  /** Qualified name, e.g. `cyclegan/horse2zebra`, `pix2pix/facades`, `cyclegan_model/horse2zebra`. */
  name: string;
  /** Mirrors, tried in order; a file path relative to a mirror base. */
  urls: string[];
  /** File name on the mirrors. */
  file: string;
  archive: 'zip' | 'tar.gz' | 'none';
  /** Folders that must exist under `<dest>/<short name>` after extraction (datasets only). */
  layout: string[];
  /** Where a pretrained generator is saved, relative to the destination (models only). */
  saveAs?: string;
  citation: string;
}

const HOST = 'http://efrosgans.eecs.berkeley.edu';
const CYCLEGAN_CITE =
  'CycleGAN datasets, collected by J.-Y. Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks", ICCV 2017. Each set keeps the licence of its original source (e.g. facades: CMP Facade Database; maps: Google Maps; photos: Flickr/ImageNet) — check it before redistribution.';
const PIX2PIX_CITE =
  'pix2pix datasets, from P. Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks", CVPR 2017. Each set keeps the licence of its original source (facades: CMP Facade Database; edges2shoes: UT Zappos50K; edges2handbags: iGAN; maps: Google Maps; night2day: Transient Attributes) — check it before use.';

const CYCLEGAN_SETS = [
  'apple2orange',
  'summer2winter_yosemite',
  'horse2zebra',
  'monet2photo',
  'cezanne2photo',
  'ukiyoe2photo',
  'vangogh2photo',
  'maps',
  'facades',
  'iphone2dslr_flower',
  'ae_photos',
  'mini',
  'mini_pix2pix',
  'mini_colorization',
];
const PIX2PIX_SETS = ['night2day', 'edges2handbags', 'edges2shoes', 'facades', 'maps'];
const CYCLEGAN_MODELS = [
  'apple2orange',
  'orange2apple',
  'summer2winter_yosemite',
  'winter2summer_yosemite',
  'horse2zebra',
  'zebra2horse',
  'monet2photo',
  'style_monet',
  'style_cezanne',
  'style_ukiyoe',
  'style_vangogh',
  'sat2map',
  'map2sat',
  'cityscapes_photo2label',
  'cityscapes_label2photo',
  'facades_photo2label',
  'facades_label2photo',
  'iphone2dslr_flower',
];
const PIX2PIX_MODELS = ['edges2shoes', 'sat2map', 'map2sat', 'facades_label2photo', 'day2night'];

/** Why cityscapes is not downloadable (as the reference's scripts say). */
export const CITYSCAPES_REFUSAL =
  "Due to license issues, the Cityscapes dataset cannot be downloaded from here. Register and download gtFine_trainvaltest.zip and leftImg8bit_trainvaltest.zip from https://www.cityscapes-dataset.com, then build the A|B pairs with the reference's datasets/prepare_cityscapes_dataset.py.";

function cycleganLayout(name: string): string[] {
  if (name === 'mini_pix2pix' || name === 'mini_colorization') return ['train'];
  return ['trainA', 'trainB', 'testA', 'testB'];
}

/** Every entry, by qualified name. */
export const CATALOG: ReadonlyMap<string, CatalogEntry> = new Map(
  [
    ...CYCLEGAN_SETS.map(
      (n): CatalogEntry => ({
        name: `cyclegan/${n}`,
        file: `${n}.zip`,
        urls: [`${HOST}/cyclegan/datasets/${n}.zip`],
        archive: 'zip',
        layout: cycleganLayout(n),
        citation: CYCLEGAN_CITE,
      }),
    ),
    ...PIX2PIX_SETS.map(
      (n): CatalogEntry => ({
        name: `pix2pix/${n}`,
        file: `${n}.tar.gz`,
        urls: [`${HOST}/pix2pix/datasets/${n}.tar.gz`],
        archive: 'tar.gz',
        layout: ['train'],
        citation: PIX2PIX_CITE,
      }),
    ),
    ...CYCLEGAN_MODELS.map(
      (n): CatalogEntry => ({
        name: `cyclegan_model/${n}`,
        file: `${n}.pth`,
        urls: [`${HOST}/cyclegan/pretrained_models/${n}.pth`],
        archive: 'none',
        layout: [],
        saveAs: `${n}_pretrained/latest_net_G.pth`,
        citation: `${CYCLEGAN_CITE} Use with --model test --no_dropout.`,
      }),
    ),
    ...PIX2PIX_MODELS.map(
      (n): CatalogEntry => ({
        name: `pix2pix_model/${n}`,
        file: `${n}.pth`,
        urls: [`${HOST}/pix2pix/models-pytorch/${n}.pth`],
        archive: 'none',
        layout: [],
        saveAs: `${n}_pretrained/latest_net_G.pth`,
        citation: PIX2PIX_CITE,
      }),
    ),
  ].map((e) => [e.name, e]),
);

/**
 * The entry for `name`: a qualified name, or a bare name as the reference's download scripts take
 * it: the dataset of that name when one source has it (`horse2zebra`), else the pretrained model
 * when one source has it (`style_monet` → `cyclegan_model/style_monet`). A bare name that several
 * sources have (`facades`, `sat2map`) is an error listing the qualified names. Cityscapes is refused.
 */
export function findEntry(name: string): CatalogEntry {
  if (/(^|\/)cityscapes$/.test(name)) throw new DownloadError(CITYSCAPES_REFUSAL, { usage: true });
  const exact = CATALOG.get(name);
  if (exact) return exact;
  const named = [...CATALOG.values()].filter((e) => e.name.endsWith(`/${name}`));
  const datasets = named.filter((e) => e.archive !== 'none');
  const candidates = datasets.length > 0 ? datasets : named;
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length > 1)
    throw new DownloadError(`'${name}' exists in several sources: ${candidates.map((e) => e.name).join(', ')}. Name one of them.`, {
      usage: true,
    });
  throw new DownloadError(unknownNameMessage('dataset or model', name, [...CATALOG.keys()]), { usage: true });
}
