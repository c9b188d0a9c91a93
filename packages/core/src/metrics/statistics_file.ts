/**
 * Precomputed feature statistics in clean-fid's file format: an `.npz` with float64 `mu` (dim) and
 * `sigma` (dim×dim), as `np.savez_compressed(path, mu=mu, sigma=sigma)` writes it. pytorch-fid's
 * `--save-stats` files have the same two arrays.
 */
import type { FeatureStatistics } from './features.js';
import { readNpz, writeNpz } from './npz.js';

/** The `.npz` bytes of `stats`. */
export function statisticsToNpz(stats: FeatureStatistics): Uint8Array {
  return writeNpz(
    new Map([
      ['mu', { data: stats.mu, shape: [stats.dim] }],
      ['sigma', { data: stats.sigma, shape: [stats.dim, stats.dim] }],
    ]),
  );
}

/** Reads `mu` and `sigma` from `.npz` bytes (float32 files are widened to float64). */
export function statisticsFromNpz(bytes: Uint8Array, source: string): FeatureStatistics {
  const arrays = readNpz(bytes, source);
  const mu = arrays.get('mu');
  const sigma = arrays.get('sigma');
  if (!mu || !sigma) throw new RangeError(`${source} has no 'mu' and 'sigma' arrays (found: ${[...arrays.keys()].join(', ') || 'none'}).`);
  const dim = mu.shape[0] ?? 0;
  if (mu.shape.length !== 1 || sigma.shape.length !== 2 || sigma.shape[0] !== dim || sigma.shape[1] !== dim) {
    throw new RangeError(
      `${source}: 'mu' ${JSON.stringify(mu.shape)} and 'sigma' ${JSON.stringify(sigma.shape)} are not a dim vector and a dim×dim matrix.`,
    );
  }
  return { mu: Float64Array.from(mu.data), sigma: Float64Array.from(sigma.data), dim };
}
