/**
 * pytorch-fid's FID Inception with the fixtures' deterministic weights against the pool3 features
 * Debian's torch computed for the same PNGs (fixtures/make_eval_fixtures.py → eval/inception_features.npz),
 * and the FID/KID of those features against pytorch-fid's and clean-fid's arithmetic (eval/reference.json).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FidInceptionV3,
  frechetDistanceOfFeatures,
  inceptionFeatures,
  kernelInceptionDistance,
  readNpz,
  type MetricImage,
} from '../../src/metrics/index.js';
import { useBackend } from '../helpers.js';
import { deterministicState } from './deterministic_weights.js';

const evalDir = (name: string) => fileURLToPath(new URL(`./fixtures/eval/${name}`, import.meta.url));
const reference = JSON.parse(readFileSync(evalDir('reference.json'), 'utf8')) as {
  fid_images: number;
  kid_images: number;
  fid_images_clean: number;
};
const expected = readNpz(new Uint8Array(readFileSync(evalDir('inception_features.npz'))));

async function folder(name: string): Promise<MetricImage[]> {
  const files = readdirSync(evalDir(name)).sort();
  return Promise.all(
    files.map(async (f) => {
      const { data, info } = await sharp(evalDir(`${name}/${f}`))
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height, channels: info.channels };
    }),
  );
}

describe('FID Inception (pytorch-fid protocol, clean-fid clean mode)', () => {
  let features: Record<'real' | 'fake' | 'clean_real' | 'clean_fake', Float32Array>;
  beforeAll(async () => {
    await useBackend('wasm');
    const net = new FidInceptionV3();
    net.loadPublishedState(deterministicState(net), 'deterministic');
    const [real, fake] = [await folder('real'), await folder('fake')];
    features = {
      real: inceptionFeatures(net, real, { batchSize: 2 }).data,
      fake: inceptionFeatures(net, fake, { batchSize: 4 }).data,
      clean_real: inceptionFeatures(net, real, { mode: 'clean' }).data,
      clean_fake: inceptionFeatures(net, fake, { mode: 'clean' }).data,
    };
    net.dispose();
  });

  it('pool3 features equal torch within 1e-4 (both protocols)', () => {
    for (const side of ['real', 'fake', 'clean_real', 'clean_fake'] as const) {
      const want = expected.get(side)!;
      expect(want.shape).toEqual([4, 2048]);
      let worst = 0;
      for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(features[side][i]! - want.data[i]!));
      expect(worst).toBeLessThan(1e-4);
    }
  });

  it('FID and KID of our features match pytorch-fid / clean-fid within 1e-3 relative', () => {
    const real = { data: features.real, count: 4, dim: 2048 };
    const fake = { data: features.fake, count: 4, dim: 2048 };
    const fid = frechetDistanceOfFeatures(real, fake);
    const kid = kernelInceptionDistance(real, fake);
    expect(Math.abs(fid / reference.fid_images - 1)).toBeLessThan(1e-3);
    expect(Math.abs(kid / reference.kid_images - 1)).toBeLessThan(1e-3);
    const clean = frechetDistanceOfFeatures(
      { data: features.clean_real, count: 4, dim: 2048 },
      { data: features.clean_fake, count: 4, dim: 2048 },
    );
    expect(Math.abs(clean / reference.fid_images_clean - 1)).toBeLessThan(1e-3);
  });
});
