import { describe, expect, it } from 'vitest';
import { getParams, preprocess, type PreprocessOptions } from '../src/transform/preprocess.js';
import { coordImage, pixel, scriptedRng } from './helpers.js';

const base: PreprocessOptions = {
  preprocess: 'resize_and_crop',
  load_size: 286,
  crop_size: 256,
  no_flip: false,
  size_multiple: 4,
  aspect_ratio: 1,
};
const opts = (o: Partial<PreprocessOptions>): PreprocessOptions => ({ ...base, ...o });
const quiet = { file: 'x.png', warn: () => undefined };

describe('getParams (reference get_params)', () => {
  it('resize_and_crop draws x, y in [0, load − crop] and flips when random() > 0.5', () => {
    const rng = scriptedRng([7, 30], [0.51]);
    expect(getParams(base, { width: 600, height: 400 }, rng)).toEqual({ crop_pos: [7, 30], flip: true });
    expect(rng.calls).toEqual(['randint(0,30)', 'randint(0,30)', 'nextFloat()']);
    expect(getParams(base, { width: 600, height: 400 }, scriptedRng([0, 0], [0.5])).flip).toBe(false);
  });

  it('scale_width_and_crop predicts height load·h // w (y range 0 when that is below crop)', () => {
    const rng = scriptedRng([3, 0], [0.2]);
    getParams(opts({ preprocess: 'scale_width_and_crop' }), { width: 400, height: 300 }, rng);
    // new_w = 286, new_h = 286*300//400 = 214 < 256
    expect(rng.calls.slice(0, 2)).toEqual(['randint(0,30)', 'randint(0,0)']);
  });

  it('crop and none use the original size', () => {
    const rng = scriptedRng([0, 0], [0]);
    getParams(opts({ preprocess: 'crop' }), { width: 300, height: 280 }, rng);
    expect(rng.calls.slice(0, 2)).toEqual(['randint(0,44)', 'randint(0,24)']);
  });

  it('scale_shortside_and_crop predicts short side = load, long side = int(load·long/short)', () => {
    const rng = scriptedRng([0, 0], [0]);
    getParams(opts({ preprocess: 'scale_shortside_and_crop', load_size: 100, crop_size: 64 }), { width: 300, height: 200 }, rng);
    expect(rng.calls.slice(0, 2)).toEqual(['randint(0,86)', 'randint(0,36)']);
  });
});

describe('preprocess (reference get_transform)', () => {
  it('crop: the exact box at crop_pos, no flip', async () => {
    const img = coordImage(300, 280);
    const out = await preprocess(img, opts({ preprocess: 'crop' }), { crop_pos: [40, 17], flip: false }, scriptedRng([]), 'bicubic', quiet);
    expect([out.width, out.height]).toEqual([256, 256]);
    expect(pixel(out, 0, 0)).toEqual([40, 17, 0]);
    expect(pixel(out, 255, 255)).toEqual([(40 + 255) % 256, (17 + 255) % 256, 0]);
  });

  it('flip mirrors the crop: left column holds the crop box right edge', async () => {
    const img = coordImage(300, 280);
    const out = await preprocess(img, opts({ preprocess: 'crop' }), { crop_pos: [10, 5], flip: true }, scriptedRng([]), 'bicubic', quiet);
    expect(pixel(out, 0, 0)).toEqual([(10 + 255) % 256, 5, 0]);
    expect(pixel(out, 255, 0)).toEqual([10, 5, 0]);
  });

  it('no_flip ignores the flip parameter', async () => {
    const out = await preprocess(
      coordImage(300, 280),
      opts({ preprocess: 'crop', no_flip: true }),
      { crop_pos: [10, 5], flip: true },
      scriptedRng([]),
      'bicubic',
      quiet,
    );
    expect(pixel(out, 0, 0)).toEqual([10, 5, 0]);
  });

  it('crop past the border fills with zeros, as PIL crop (image shorter than crop_size)', async () => {
    const out = await preprocess(
      coordImage(300, 200),
      opts({ preprocess: 'crop' }),
      { crop_pos: [12, 0], flip: false },
      scriptedRng([]),
      'bicubic',
      quiet,
    );
    expect([out.width, out.height]).toEqual([256, 256]);
    expect(pixel(out, 0, 199)).toEqual([12, 199, 0]);
    expect(pixel(out, 5, 200)).toEqual([0, 0, 0]);
  });

  it('crop leaves an image no larger than the crop unchanged', async () => {
    const img = coordImage(200, 100);
    const out = await preprocess(img, opts({ preprocess: 'crop' }), { crop_pos: [0, 0], flip: false }, scriptedRng([]), 'bicubic', quiet);
    expect(out).toBe(img);
  });

  it('resize_and_crop: load×load then the crop', async () => {
    const out = await preprocess(
      coordImage(300, 200),
      opts({ load_size: 64, crop_size: 48 }),
      { crop_pos: [3, 4], flip: false },
      scriptedRng([]),
      'nearest',
      quiet,
    );
    expect([out.width, out.height]).toEqual([48, 48]);
    // nearest 300→64: source x = floor((x+0.5)·300/64); output x 0 of the crop is resized x 3 → floor(3.5·4.6875) = 16
    expect(pixel(out, 0, 0)).toEqual([16, Math.floor(4.5 * (200 / 64)), 0]);
  });

  it('scale_width: width → load, height int(max(load·h/w, crop))', async () => {
    const p = opts({ preprocess: 'scale_width', load_size: 64, crop_size: 40 });
    const wide = await preprocess(coordImage(128, 64), p, { crop_pos: [0, 0], flip: false }, scriptedRng([]), 'nearest', quiet);
    expect([wide.width, wide.height]).toEqual([64, 40]); // 64·64/128 = 32 < 40
    const tall = await preprocess(coordImage(100, 150), p, { crop_pos: [0, 0], flip: false }, scriptedRng([]), 'nearest', quiet);
    expect([tall.width, tall.height]).toEqual([64, 96]);
    const same = coordImage(64, 50);
    expect(await preprocess(same, p, { crop_pos: [0, 0], flip: false }, scriptedRng([]), 'nearest', quiet)).toBe(same);
  });

  it('scale_width_and_crop: scaled then a crop_size square at crop_pos', async () => {
    const out = await preprocess(
      coordImage(100, 150),
      opts({ preprocess: 'scale_width_and_crop', load_size: 64, crop_size: 40 }),
      { crop_pos: [24, 56], flip: false },
      scriptedRng([]),
      'nearest',
      quiet,
    );
    expect([out.width, out.height]).toEqual([40, 40]);
    expect(pixel(out, 39, 39)).toEqual([Math.floor((63 + 0.5) * (100 / 64)), Math.floor((95 + 0.5) * (150 / 96)), 0]);
  });

  it('none rounds each side half-to-even to a multiple of 4 and warns once', async () => {
    const warnings: string[] = [];
    const ctx = { file: 'x.png', warn: (_k: string, m: string) => warnings.push(m) };
    const p = opts({ preprocess: 'none', no_flip: true });
    const a = await preprocess(coordImage(301, 198), p, null, scriptedRng([]), 'bicubic', ctx);
    expect([a.width, a.height]).toEqual([300, 200]); // 75.25 → 75, 49.5 → 50 (even)
    const b = await preprocess(coordImage(302, 202), p, null, scriptedRng([]), 'bicubic', ctx);
    expect([b.width, b.height]).toEqual([304, 200]); // 75.5 → 76, 50.5 → 50
    expect(warnings[0]).toContain(
      'The image size needs to be a multiple of 4. The loaded image size was (301, 198), so it was adjusted to (300, 200).',
    );
    const c = coordImage(64, 32);
    expect(await preprocess(c, p, null, scriptedRng([]), 'bicubic', ctx)).toBe(c);
  });

  it('none with size_multiple 32 (SPADE) and a too-small image is a clear error', async () => {
    const p = opts({ preprocess: 'none', no_flip: true, size_multiple: 32 });
    const a = await preprocess(coordImage(100, 50), p, null, scriptedRng([]), 'nearest', quiet);
    expect([a.width, a.height]).toEqual([96, 64]);
    await expect(preprocess(coordImage(10, 10), p, null, scriptedRng([]), 'nearest', quiet)).rejects.toThrow(
      /x.png is 10x10, too small for --preprocess none/,
    );
  });

  it('scale_shortside and fixed (SPADE)', async () => {
    const s = await preprocess(
      coordImage(300, 200),
      opts({ preprocess: 'scale_shortside', load_size: 100, no_flip: true }),
      null,
      scriptedRng([]),
      'nearest',
      quiet,
    );
    expect([s.width, s.height]).toEqual([150, 100]);
    const f = await preprocess(
      coordImage(300, 200),
      opts({ preprocess: 'fixed', crop_size: 64, aspect_ratio: 2, no_flip: true }),
      null,
      scriptedRng([]),
      'nearest',
      quiet,
    );
    expect([f.width, f.height]).toEqual([64, 32]);
  });

  it('random crop and flip without params (unaligned): x, y then flip when random() < 0.5', async () => {
    const rng = scriptedRng([9, 4], [0.25]);
    const out = await preprocess(coordImage(80, 70), opts({ preprocess: 'crop', crop_size: 64 }), null, rng, 'bicubic', quiet);
    expect(rng.calls).toEqual(['randint(0,16)', 'randint(0,6)', 'nextFloat()']);
    expect(pixel(out, 63, 0)).toEqual([9, 4, 0]); // flipped
  });

  it('random crop of an image smaller than crop_size names the file', async () => {
    await expect(
      preprocess(coordImage(50, 80), opts({ preprocess: 'crop', crop_size: 64 }), null, scriptedRng([0, 0], [0]), 'bicubic', quiet),
    ).rejects.toThrow('x.png is 50x80 after resizing, smaller than --crop_size 64');
  });
});
