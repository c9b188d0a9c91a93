/**
 * SPADE's dataset modes (coco, ade20k, cityscapes, custom, facades) on tiny datasets in each
 * layout: which files each phase reads, how they pair, the label values a sample carries, the
 * mode's defaults, and the messages for a missing folder or an unpaired file.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDataset } from '../src/check.js';
import { createDataset } from '../src/dataset.js';
import { naturalSort } from '../src/image/discover.js';
import { coordImage, scriptedRng, tempDir, writePng } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());
const quiet = { warn: () => undefined };
/** 32 px, no resizing, cropping or flipping, so label values can be read back as written. */
const asIs = { load_size: 32, crop_size: 32, no_flip: true };
const W = 32;
const H = 32;

/** A 32×32 label map whose first pixels are `ids` (the rest 0). */
function labelMap(ids: number[] = [1]): { data: Uint8Array; width: number; height: number; channels: number } {
  const data = new Uint8Array(W * H);
  data.set(ids);
  return { data, width: W, height: H, channels: 1 };
}

async function writeJpg(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await sharp(coordImage(W, H).data, { raw: { width: W, height: H, channels: 3 } })
    .jpeg()
    .toFile(file);
}

/** Writes a label map, photo and (unless null) instance map at the given paths. */
async function triple(label: string, image: string, instance: string | null, ids?: number[]): Promise<void> {
  await writePng(label, labelMap(ids));
  await writePng(image, coordImage(W, H));
  if (instance) await writePng(instance, labelMap([7, 7, 9]));
}

const sampleOf = (
  ds: { get: (i: number, rng: ReturnType<typeof scriptedRng>) => Promise<import('../src/dataset.js').Sample> },
  i: number,
) => ds.get(i, scriptedRng([0, 0], [0]));
const labelFiles = (ds: { sources: readonly { role: string; files: readonly string[] }[] }) =>
  ds.sources.find((s) => s.role === 'label')!.files;

describe('coco', () => {
  let root: string;
  beforeAll(async () => {
    root = join(dir, 'coco');
    for (const [phase, names] of [
      ['train', ['img10', 'img2']],
      ['val', ['v1']],
    ] as const) {
      for (const n of names)
        await triple(
          join(root, `${phase}_label`, `${n}.png`),
          join(root, `${phase}_img`, `${n}.png`),
          join(root, `${phase}_inst`, `${n}.png`),
          [3, 255],
        );
    }
    await triple(
      join(root, 'train_label_portrait', 'p1.png'),
      join(root, 'train_img_portrait', 'p1.png'),
      join(root, 'train_inst_portrait', 'p1.png'),
    );
    await triple(
      join(root, 'val_label_portrait', 'vp.png'),
      join(root, 'val_img_portrait', 'vp.png'),
      join(root, 'val_inst_portrait', 'vp.png'),
    );
  });

  it('training reads <phase>_label/_img/_inst plus the portrait folders, natural-sorted; 255 → label_nc', async () => {
    const ds = await createDataset({ dataset_mode: 'coco', dataroot: root, ...asIs }, quiet);
    expect(labelFiles(ds)).toEqual([
      join(root, 'train_label', 'img2.png'),
      join(root, 'train_label', 'img10.png'),
      join(root, 'train_label_portrait', 'p1.png'),
    ]);
    expect(ds.sources.map((s) => s.role)).toEqual(['label', 'image', 'instance']);
    const s = await sampleOf(ds, 0);
    expect(s.B_paths).toBe(join(root, 'train_img', 'img2.png'));
    expect(Array.from(s.label!.data.slice(0, 3))).toEqual([3, 182, 0]); // label_nc 182, contain_dontcare_label
    expect(Array.from(s.instance!.data.slice(0, 3))).toEqual([7, 7, 9]);
    const noPortraits = await createDataset({ dataset_mode: 'coco', dataroot: root, coco_no_portraits: true, ...asIs }, quiet);
    expect(noPortraits.length).toBe(2);
  });

  it('testing reads the val folders without portraits', async () => {
    const ds = await createDataset({ dataset_mode: 'coco', dataroot: root, phase: 'test', ...asIs }, quiet);
    expect(labelFiles(ds)).toEqual([join(root, 'val_label', 'v1.png')]);
    expect(ds.sources[1]!.files).toEqual([join(root, 'val_img', 'v1.png')]);
  });

  it('defaults: load_size 286 when training, 256 when testing; crop 256, label_nc 182, dontcare on', async () => {
    const train = await createDataset({ dataset_mode: 'coco', dataroot: root }, quiet);
    expect(train.options).toMatchObject({
      preprocess: 'resize_and_crop',
      load_size: 286,
      crop_size: 256,
      label_nc: 182,
      contain_dontcare_label: true,
      no_instance: false,
      coco_no_portraits: false,
    });
    const test = await createDataset({ dataset_mode: 'coco', dataroot: root, phase: 'test' }, quiet);
    expect(test.options).toMatchObject({ load_size: 256, crop_size: 256, coco_no_portraits: true });
  });

  it('a missing folder is one message naming it and the layout', async () => {
    await expect(createDataset({ dataset_mode: 'coco', dataroot: join(dir, 'nowhere'), phase: 'test' }, quiet)).rejects.toThrow(
      `The label map folder ${join(dir, 'nowhere', 'val_label')} does not exist. The coco mode (SPADE's COCO-Stuff layout) reads label maps from <dataroot>/<phase>_label, photos from <phase>_img`,
    );
  });
});

describe('ade20k', () => {
  let root: string;
  beforeAll(async () => {
    root = join(dir, 'ADEChallengeData2016');
    for (const [split, tag] of [
      ['training', 'train'],
      ['validation', 'val'],
    ] as const) {
      for (const n of ['00000002', '00000001']) {
        await writePng(join(root, 'annotations', split, `ADE_${tag}_${n}.png`), labelMap([0, 1, 5, 150, 255]));
        await writeJpg(join(root, 'images', split, `ADE_${tag}_${n}.jpg`));
      }
    }
  });

  it('reads the _train_ files for training and the _val_ files for testing: .png labels, .jpg photos', async () => {
    const train = await createDataset({ dataset_mode: 'ade20k', dataroot: root, ...asIs }, quiet);
    expect(labelFiles(train)).toEqual(['00000001', '00000002'].map((n) => join(root, 'annotations', 'training', `ADE_train_${n}.png`)));
    expect(train.sources.map((s) => s.role)).toEqual(['label', 'image']);
    const test = await createDataset({ dataset_mode: 'ade20k', dataroot: root, phase: 'test', ...asIs }, quiet);
    expect(test.sources[1]!.files).toEqual(['00000001', '00000002'].map((n) => join(root, 'images', 'validation', `ADE_val_${n}.jpg`)));
    expect(test.options).toMatchObject({ label_nc: 150, contain_dontcare_label: true, no_instance: true, preprocess: 'resize_and_crop' });
  });

  it('label ids arrive as SPADE computes them: as stored (its postprocess is a no-op), 255 → label_nc', async () => {
    const ds = await createDataset({ dataset_mode: 'ade20k', dataroot: root, ...asIs }, quiet);
    expect(Array.from((await sampleOf(ds, 0)).label!.data.slice(0, 5))).toEqual([0, 1, 5, 150, 150]);
  });

  it('refuses --no_instance false: ADE20K has no instance maps', async () => {
    await expect(createDataset({ dataset_mode: 'ade20k', dataroot: root, no_instance: false }, quiet)).rejects.toThrow(
      'The ade20k mode has no instance maps, but --no_instance is off.',
    );
  });
});

describe('cityscapes', () => {
  let root: string;
  const frames = [
    ['aachen', '000000_000019'],
    ['bochum', '000000_000313'],
  ];
  beforeAll(async () => {
    root = join(dir, 'cityscapes');
    for (const phase of ['train', 'val']) {
      for (const [city, id] of frames) {
        const base = `${city}_${id}`;
        await triple(
          join(root, 'gtFine', phase, city!, `${base}_gtFine_labelIds.png`),
          join(root, 'leftImg8bit', phase, city!, `${base}_leftImg8bit.png`),
          join(root, 'gtFine', phase, city!, `${base}_gtFine_instanceIds.png`),
          [34, 7],
        );
        await writePng(join(root, 'gtFine', phase, city!, `${base}_gtFine_color.png`), coordImage(W, H));
      }
    }
  });

  it('pairs nested city folders by <city>_<sequence>_<frame>; instances come from gtFine', async () => {
    const ds = await createDataset(
      { dataset_mode: 'cityscapes', dataroot: root, phase: 'test', crop_size: 32, aspect_ratio: 1, no_flip: true },
      quiet,
    );
    expect(ds.length).toBe(2);
    const [labels, images, instances] = ds.sources.map((s) => s.files);
    expect(labels).toEqual(frames.map(([c, id]) => join(root, 'gtFine', 'val', c!, `${c}_${id}_gtFine_labelIds.png`)));
    expect(images).toEqual(frames.map(([c, id]) => join(root, 'leftImg8bit', 'val', c!, `${c}_${id}_leftImg8bit.png`)));
    expect(instances).toEqual(frames.map(([c, id]) => join(root, 'gtFine', 'val', c!, `${c}_${id}_gtFine_instanceIds.png`)));
    const s = await sampleOf(ds, 0);
    expect(Array.from(s.label!.data.slice(0, 3))).toEqual([34, 7, 0]);
    expect(Array.from(s.instance!.data.slice(0, 3))).toEqual([7, 7, 9]);
  });

  it('defaults: fixed 512 × 256 (aspect ratio 2), label_nc 35, batch 16', async () => {
    const ds = await createDataset({ dataset_mode: 'cityscapes', dataroot: root }, quiet);
    expect(ds.options).toMatchObject({
      preprocess: 'fixed',
      load_size: 512,
      crop_size: 512,
      aspect_ratio: 2,
      label_nc: 35,
      batch_size: 16,
    });
    const s = await sampleOf(ds, 0);
    expect([s.label!.width, s.label!.height, s.B!.width, s.B!.height]).toEqual([512, 256, 512, 256]);
  });

  it('an unpaired label map names both files', async () => {
    const bad = join(dir, 'cityscapes_bad');
    await triple(
      join(bad, 'gtFine', 'train', 'ulm', 'ulm_000000_000001_gtFine_labelIds.png'),
      join(bad, 'leftImg8bit', 'train', 'ulm', 'ulm_000000_000002_leftImg8bit.png'),
      null,
    );
    await expect(createDataset({ dataset_mode: 'cityscapes', dataroot: bad, no_instance: true }, quiet)).rejects.toThrow(
      `1 label map(s) have no photo with the same <city>_<sequence>_<frame> (the first three _-separated parts of the name) in ${join(bad, 'leftImg8bit', 'train')}:\n` +
        `  ${join(bad, 'gtFine', 'train', 'ulm', 'ulm_000000_000001_gtFine_labelIds.png')} (in sorted order: ${join(bad, 'leftImg8bit', 'train', 'ulm', 'ulm_000000_000002_leftImg8bit.png')})\n`,
    );
    const paired = await createDataset({ dataset_mode: 'cityscapes', dataroot: bad, no_instance: true, no_pairing_check: true }, quiet);
    expect(paired.sources[1]!.files).toEqual([join(bad, 'leftImg8bit', 'train', 'ulm', 'ulm_000000_000002_leftImg8bit.png')]);
  });

  it('datasets check explains the layout when a folder is missing', async () => {
    const r = await checkDataset({ dataset_mode: 'cityscapes', dataroot: join(dir, 'no_cityscapes') });
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      expect.stringContaining(
        `The label map folder ${join(dir, 'no_cityscapes', 'gtFine', 'train')} does not exist. The cityscapes mode reads label maps <dataroot>/gtFine/<phase>/<city>/*_labelIds.png`,
      ),
    ]);
  });
});

describe('custom', () => {
  let root: string;
  beforeAll(async () => {
    root = join(dir, 'custom');
    for (const n of ['b', 'a']) {
      await triple(join(root, 'labels', `${n}.png`), join(root, 'photos', `${n}.png`), join(root, 'inst', `${n}.png`), [12, 255]);
    }
  });

  it('reads --label_dir, --image_dir and --instance_dir; --dataroot is not needed', async () => {
    const ds = await createDataset(
      {
        dataset_mode: 'custom',
        label_dir: join(root, 'labels'),
        image_dir: join(root, 'photos'),
        instance_dir: join(root, 'inst'),
        contain_dontcare_label: true,
        ...asIs,
      },
      quiet,
    );
    expect(labelFiles(ds)).toEqual([join(root, 'labels', 'a.png'), join(root, 'labels', 'b.png')]);
    expect(ds.sources[2]!.files).toEqual([join(root, 'inst', 'a.png'), join(root, 'inst', 'b.png')]);
    expect(Array.from((await sampleOf(ds, 0)).label!.data.slice(0, 2))).toEqual([12, 13]); // label_nc 13
    expect(ds.options).toMatchObject({ label_nc: 13, load_size: 32, dataroot: '' });
  });

  it('an empty --instance_dir means no instance maps, which needs --no_instance', async () => {
    const dirs = { dataset_mode: 'custom', label_dir: join(root, 'labels'), image_dir: join(root, 'photos'), ...asIs };
    await expect(createDataset(dirs, quiet)).rejects.toThrow(
      '--instance_dir is empty, so there are no instance maps, but --no_instance is off. Pass --no_instance, or --instance_dir with the folder of instance maps.',
    );
    expect((await createDataset({ ...dirs, no_instance: true }, quiet)).sources.map((s) => s.role)).toEqual(['label', 'image']);
    await expect(createDataset({ dataset_mode: 'custom', image_dir: join(root, 'photos') }, quiet)).rejects.toThrow(
      'Missing required option --label_dir',
    );
  });
});

describe('facades', () => {
  it('reads <phase>_label and _img (val for --phase test), without instance maps', async () => {
    const root = join(dir, 'facades');
    for (const phase of ['train', 'val']) await triple(join(root, `${phase}_label`, 'f1.png'), join(root, `${phase}_img`, 'f1.png'), null);
    const test = await createDataset({ dataset_mode: 'facades', dataroot: root, phase: 'test', ...asIs }, quiet);
    expect(test.sources.map((s) => s.files)).toEqual([[join(root, 'val_label', 'f1.png')], [join(root, 'val_img', 'f1.png')]]);
    const train = await createDataset({ dataset_mode: 'facades', dataroot: root }, quiet);
    expect(train.options).toMatchObject({ label_nc: 13, no_instance: true, load_size: 286, crop_size: 256 });
    expect(labelFiles(train)).toEqual([join(root, 'train_label', 'f1.png')]);
  });
});

describe('shared pieces', () => {
  it("natural sort orders digit runs as numbers, as SPADE's util.natural_sort", () => {
    expect(naturalSort(['x/img10.png', 'x/img2.png', 'x/img1b.png', 'x/img1a.png', 'w/img100.png'])).toEqual([
      'w/img100.png',
      'x/img1a.png',
      'x/img1b.png',
      'x/img2.png',
      'x/img10.png',
    ]);
  });
});
