/**
 * Kernel Inception Distance (Bińkowski et al. 2018) as clean-fid's `kernel_distance`: the unbiased
 * MMD² estimator with the cubic polynomial kernel k(x, y) = (x·y/d + 1)³, averaged over
 * `numSubsets` subsets of m = min(n₁, n₂, maxSubsetSize) images drawn without replacement from each
 * side. When both sets have exactly m images every subset is the whole set and the value is exact
 * (it then equals clean-fid's for any random state); otherwise our subsets come from `seed`, not
 * numpy's generator.
 */
import { SeededRandom } from '../random.js';
import { assertFeatureMatrix, type FeatureMatrix } from './features.js';
import { matmulTransposed } from './matrix.js';

/** Options of `kernelInceptionDistance` (clean-fid's defaults). */
export interface KidOptions {
  numSubsets?: number;
  maxSubsetSize?: number;
  /** Seed of the subset draws (used only when a side has more than m images). */
  seed?: number;
}

/** KID between real features `a` and generated features `b` (clean-fid's `feats1`, `feats2`). */
export function kernelInceptionDistance(a: FeatureMatrix, b: FeatureMatrix, options: KidOptions = {}): number {
  assertFeatureMatrix(a, 'KID real features');
  assertFeatureMatrix(b, 'KID generated features');
  if (a.dim !== b.dim) throw new RangeError(`KID: the features have ${a.dim} and ${b.dim} dimensions.`);
  const { numSubsets = 100, maxSubsetSize = 1000, seed = 0 } = options;
  const m = Math.min(a.count, b.count, maxSubsetSize);
  if (m < 2) throw new RangeError(`KID needs at least 2 images on each side; got ${a.count} and ${b.count}.`);
  const kaa = polynomialKernel(a, a);
  const kbb = polynomialKernel(b, b);
  const kab = polynomialKernel(a, b);
  const exact = a.count === m && b.count === m;
  const subsets = exact ? 1 : numSubsets;
  const rng = new SeededRandom(seed);
  let total = 0;
  for (let s = 0; s < subsets; s++) {
    const ib = exact ? range(m) : sampleWithoutReplacement(b.count, m, rng);
    const ia = exact ? range(m) : sampleWithoutReplacement(a.count, m, rng);
    const within = offDiagonalSum(kbb, b.count, ib) + offDiagonalSum(kaa, a.count, ia);
    let cross = 0;
    for (const i of ia) for (const j of ib) cross += kab[i * b.count + j]!;
    total += within / (m - 1) - (2 * cross) / m;
  }
  return total / subsets / m;
}

function polynomialKernel(x: FeatureMatrix, y: FeatureMatrix): Float64Array {
  const k = matmulTransposed(x.data, y.data, x.count, y.count, x.dim);
  for (let i = 0; i < k.length; i++) k[i] = (k[i]! / x.dim + 1) ** 3;
  return k;
}

function offDiagonalSum(kernel: Float64Array, n: number, index: readonly number[]): number {
  let s = 0;
  for (const i of index) for (const j of index) if (i !== j) s += kernel[i * n + j]!;
  return s;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** `m` distinct indices of [0, n) (a partial Fisher–Yates shuffle). */
function sampleWithoutReplacement(n: number, m: number, rng: SeededRandom): number[] {
  const pool = range(n);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rng.nextFloat() * (n - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, m);
}
