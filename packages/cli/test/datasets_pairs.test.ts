import { existsSync, readdirSync } from 'node:fs';
import { decodeImage, writeImage, type RawImage } from '@translate/core';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capturePrinted, tempDir, translate } from './helpers.js';

/** A 12×8 RGB image filled with `value`. */
const flat = (value: number, width = 12): RawImage => ({ data: new Uint8Array(width * 8 * 3).fill(value), width, height: 8, channels: 3 });

const printed = capturePrinted();

describe('translate datasets combine', () => {
  it("takes the script's flags, reports a count per split, and its output passes `datasets check --dataset_mode aligned`", async () => {
    const root = tempDir();
    for (const n of [1, 2, 3]) {
      await writeImage(join(root, 'A/train', `${n}_A.png`), flat(n));
      await writeImage(join(root, 'B/train', `${n}_B.png`), flat(100 + n));
    }
    await writeImage(join(root, 'A/val/1_A.png'), flat(7));
    const foldAB = join(root, 'AB');
    const run = await translate([
      'datasets',
      'combine',
      '--fold_A',
      join(root, 'A'),
      '--fold_B',
      join(root, 'B'),
      '--fold_AB',
      foldAB,
      '--use_AB',
      '--num_imgs',
      '2',
      '--no_multiprocessing',
    ]);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(printed).toEqual([
      `Skipping split 'val': ${join(root, 'B/val')} does not exist.`,
      `split = train: 2 A|B images written to ${join(foldAB, 'train')} (used 2/3 A images)`,
      `Read it with --dataroot ${foldAB} --dataset_mode aligned`,
    ]);
    expect(readdirSync(join(foldAB, 'train')).sort()).toEqual(['1.png', '2.png']);
    const two = await decodeImage(join(foldAB, 'train/2.png'));
    expect([two.width, two.data[0], two.data[two.data.length - 1]]).toEqual([24, 2, 102]);

    printed.length = 0;
    const check = await translate(['datasets', 'check', '--dataset_mode', 'aligned', '--dataroot', foldAB, '--preprocess', 'none']);
    expect(check.code).toBe(0);
    expect(printed.join('\n')).toContain('dataset_mode aligned: OK');
  });

  it('exits 2 with one message for a missing fold, a size mismatch or a missing flag', async () => {
    const root = tempDir();
    const missing = await translate([
      'datasets',
      'combine',
      '--fold_A',
      join(root, 'A'),
      '--fold_B',
      join(root, 'B'),
      '--fold_AB',
      join(root, 'AB'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `translate: --fold_A ${join(root, 'A')} does not exist. It must hold one subfolder per split (train, val, test, ...); the images of <fold_A>/<split>/ are paired with those of the same name in <fold_B>/<split>/.\n`,
    );

    await writeImage(join(root, 'A/test/x.png'), flat(1));
    await writeImage(join(root, 'B/test/x.png'), flat(2, 10));
    const sizes = await translate([
      'datasets',
      'combine',
      '--fold_A',
      join(root, 'A'),
      '--fold_B',
      join(root, 'B'),
      '--fold_AB',
      join(root, 'AB'),
    ]);
    expect(sizes.code).toBe(2);
    expect(sizes.stderr).toContain(`${join(root, 'A/test/x.png')} (12x8) and ${join(root, 'B/test/x.png')} (10x8)`);
    expect(existsSync(join(root, 'AB'))).toBe(false);

    const noFlag = await translate(['datasets', 'combine', '--fold_A', join(root, 'A'), '--fold_B', join(root, 'B')]);
    expect(noFlag.code).toBe(2);
    expect(noFlag.stderr).toContain("required option '--fold_AB <dir>' not specified");
  });
});

describe('translate datasets make-aligned', () => {
  it('accepts --dataset-path and --dataset_path, writing into the dataset folder or --output', async () => {
    const root = tempDir();
    for (const split of ['train', 'test']) {
      await writeImage(join(root, `${split}A/a.jpg`), flat(50));
      await writeImage(join(root, `${split}B/b.jpg`), flat(150));
    }
    const inPlace = await translate(['datasets', 'make-aligned', '--dataset_path', root]);
    expect(inPlace.code).toBe(0);
    expect(printed).toEqual([`Wrote test: 1, train: 1 A|B images to ${root}`, `Read it with --dataroot ${root} --dataset_mode aligned`]);
    expect(readdirSync(join(root, 'train'))).toEqual(['0000.jpg']);

    const out = join(tempDir(), 'aligned');
    expect((await translate(['datasets', 'make-aligned', '--dataset-path', root, '--output', out])).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['test', 'train']);
    expect((await decodeImage(join(out, 'test/0000.jpg'))).width).toBe(24);
  });

  it('exits 2 without --dataset-path or with a lone A folder', async () => {
    const none = await translate(['datasets', 'make-aligned']);
    expect(none).toEqual({
      code: 2,
      stdout: '',
      stderr: 'translate: --dataset-path is required: the folder with testA/, testB/, trainA/ and trainB/.\n',
    });
    const root = tempDir();
    await writeImage(join(root, 'trainA/a.png'), flat(1));
    const lone = await translate(['datasets', 'make-aligned', '--dataset-path', root]);
    expect(lone.code).toBe(2);
    expect(lone.stderr).toContain(`translate: ${join(root, 'trainA')} exists but ${join(root, 'trainB')} does not.`);
  });
});
