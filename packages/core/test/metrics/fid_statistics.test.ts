/**
 * The statistics stage of FID and KID, independent of any network: numpy-written features
 * (64 dims × 200 samples, fixtures/eval/synthetic_features.npz, np.savez_compressed) against
 * pytorch-fid's calculate_frechet_distance with scipy's sqrtm and clean-fid's kernel_distance
 * (eval/reference.json), a numpy-written statistics file, and the .npz round trip.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  featureStatistics,
  frechetDistance,
  frechetDistanceOfFeatures,
  frechetDistanceToFeatures,
  kernelInceptionDistance,
  readNpz,
  statisticsFromNpz,
  statisticsToNpz,
  symmetricEigen,
  traceSqrtProduct,
  writeNpz,
} from '../../src/metrics/index.js';

const evalDir = (name: string) => fileURLToPath(new URL(`./fixtures/eval/${name}`, import.meta.url));
const reference = JSON.parse(readFileSync(evalDir('reference.json'), 'utf8')) as Record<string, number>;
const arrays = readNpz(new Uint8Array(readFileSync(evalDir('synthetic_features.npz'))), 'synthetic_features.npz');
const a = { data: arrays.get('a')!.data, count: 200, dim: 64 };
const b = { data: arrays.get('b')!.data, count: 200, dim: 64 };
const relative = (x: number, y: number) => Math.abs(x / y - 1);

describe('FID statistics (pytorch-fid, scipy sqrtm)', () => {
  it('reads numpy-written compressed float32 arrays', () => {
    expect(arrays.get('a')!.shape).toEqual([200, 64]);
    expect(arrays.get('a')!.data).toBeInstanceOf(Float32Array);
  });

  it('tr √(Σ₁Σ₂) equals scipy.linalg.sqrtm within 1e-9 relative', () => {
    const [sa, sb] = [featureStatistics(a), featureStatistics(b)];
    const measured = relative(traceSqrtProduct(sa.sigma, sb.sigma, 64), reference.trace_sqrt_synthetic!);
    expect(measured).toBeLessThan(1e-9);
  });

  it('FID from statistics and from features equals pytorch-fid within 1e-9 relative', () => {
    const fromStats = frechetDistance(featureStatistics(a), featureStatistics(b));
    const fewer = { data: a.data.slice(0, 50 * 64), count: 50, dim: 64 };
    expect(relative(fromStats, reference.fid_synthetic!)).toBeLessThan(1e-9);
    expect(relative(frechetDistanceOfFeatures(a, b), reference.fid_synthetic!)).toBeLessThan(1e-9);
    // 50 < 64 samples (Σ₁ singular): the sample-space route agrees with the dim-space one to 1.6e-9.
    expect(relative(frechetDistanceOfFeatures(fewer, b), frechetDistance(featureStatistics(fewer), featureStatistics(b)))).toBeLessThan(
      1e-8,
    );
  });

  it('FID against numpy-written statistics (mu, sigma float64) equals pytorch-fid', () => {
    const stats = statisticsFromNpz(new Uint8Array(readFileSync(evalDir('synthetic_stats.npz'))), 'synthetic_stats.npz');
    expect(stats.dim).toBe(64);
    expect(relative(frechetDistance(stats, featureStatistics(b)), reference.fid_synthetic!)).toBeLessThan(1e-9);
    expect(relative(frechetDistanceToFeatures(stats, b), reference.fid_synthetic!)).toBeLessThan(1e-9);
    // 40 < 64 generated images: the n×n route equals the dense one on the same data.
    const few = { data: b.data.slice(0, 40 * 64), count: 40, dim: 64 };
    expect(relative(frechetDistanceToFeatures(stats, few), frechetDistance(stats, featureStatistics(few)))).toBeLessThan(1e-8);
  });

  it('statistics survive the .npz round trip bit for bit, and a foreign .npz is refused by name', () => {
    const stats = featureStatistics(a);
    const back = statisticsFromNpz(statisticsToNpz(stats), 'round trip');
    expect(back.mu).toEqual(stats.mu);
    expect(back.sigma).toEqual(stats.sigma);
    const other = writeNpz(new Map([['x', { data: new Float32Array([1, 2]), shape: [2] }]]));
    expect(() => statisticsFromNpz(other, 'other.npz')).toThrow("other.npz has no 'mu' and 'sigma' arrays (found: x)");
  });

  it('symmetric eigen-decomposition reconstructs the matrix', () => {
    const m = new Float64Array([4, 1, 2, 1, 3, 0, 2, 0, 5]);
    const { values, vectors } = symmetricEigen(m, 3);
    expect(values[0]! <= values[1]! && values[1]! <= values[2]!).toBe(true);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += vectors![k * 3 + i]! * values[k]! * vectors![k * 3 + j]!;
        expect(s).toBeCloseTo(m[i * 3 + j]!, 12);
      }
    }
  });
});

describe('KID (clean-fid kernel_distance)', () => {
  it('equals clean-fid within 1e-9 relative when both sides fit one subset', () => {
    const kid = kernelInceptionDistance(a, b);
    expect(relative(kid, reference.kid_synthetic!)).toBeLessThan(1e-9);
  });

  it('with subsets smaller than the sets it estimates the same value (seeded, reproducible)', () => {
    const sub = kernelInceptionDistance(a, b, { maxSubsetSize: 100, numSubsets: 50, seed: 3 });
    expect(sub).toBe(kernelInceptionDistance(a, b, { maxSubsetSize: 100, numSubsets: 50, seed: 3 }));
    expect(relative(sub, reference.kid_synthetic!)).toBeLessThan(0.1);
  });
});
