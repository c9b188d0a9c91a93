/**
 * Fréchet Inception Distance in float64 (Heusel et al. 2017, pytorch-fid's
 * `calculate_frechet_distance`): d² = |μ₁−μ₂|² + tr Σ₁ + tr Σ₂ − 2 tr √(Σ₁Σ₂). The trace of the
 * square root is the sum of the square roots of the eigenvalues of a symmetric positive
 * semi-definite matrix similar to Σ₁Σ₂ — LᵀΣ₂L for the Cholesky factor Σ₁ = LLᵀ, or √Σ₁ Σ₂ √Σ₁
 * when Σ₁ is singular — so it needs only symmetric eigen-decompositions; negative round-off
 * eigenvalues count as 0. scipy's `sqrtm(Σ₁Σ₂)` gives the same trace wherever it is finite.
 */
import { centeredFeatures, featureStatistics, type FeatureMatrix, type FeatureStatistics } from './features.js';
import { cholesky, matmul, matmulTransposed, transpose } from './matrix.js';
import { symmetricEigen } from './symmetric_eigen.js';

/** tr √(Σ₁Σ₂) for symmetric positive semi-definite dim×dim Σ₁, Σ₂. */
export function traceSqrtProduct(sigma1: Float64Array, sigma2: Float64Array, dim: number): number {
  const l = cholesky(sigma1, dim);
  if (!l) return traceSqrtProductSingular(sigma1, sigma2, dim);
  const similar = matmul(transpose(l, dim, dim), matmul(sigma2, l, dim, dim, dim), dim, dim, dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < i; j++) {
      const v = (similar[i * dim + j]! + similar[j * dim + i]!) / 2;
      similar[i * dim + j] = v;
      similar[j * dim + i] = v;
    }
  }
  return sumOfRoots(symmetricEigen(similar, dim, false).values);
}

/** `traceSqrtProduct` through the eigenvectors of Σ₁ (which need not be positive definite). */
function traceSqrtProductSingular(sigma1: Float64Array, sigma2: Float64Array, dim: number): number {
  const { values, vectors } = symmetricEigen(sigma1, dim);
  // Σ₁ = Wᵀ Λ W (rows of W are eigenvectors): √Σ₁ Σ₂ √Σ₁ is similar to Λ^½ (W Σ₂ Wᵀ) Λ^½.
  const rotated = matmulTransposed(matmul(vectors!, sigma2, dim, dim, dim), vectors!, dim, dim, dim);
  const root = Float64Array.from(values, (v) => Math.sqrt(Math.max(v, 0)));
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) rotated[i * dim + j] = rotated[i * dim + j]! * root[i]! * root[j]!;
  return sumOfRoots(symmetricEigen(rotated, dim, false).values);
}

/** The Fréchet distance between two Gaussians given by their statistics. */
export function frechetDistance(a: FeatureStatistics, b: FeatureStatistics): number {
  if (a.dim !== b.dim) throw new RangeError(`FID: the statistics have ${a.dim} and ${b.dim} dimensions.`);
  return meanTerm(a.mu, b.mu) + trace(a.sigma, a.dim) + trace(b.sigma, b.dim) - 2 * traceSqrtProduct(a.sigma, b.sigma, a.dim);
}

/**
 * FID between two feature sets; the same value as `frechetDistance` of their statistics, computed
 * in sample space when there are fewer images than dimensions (tr √(Σ₁Σ₂) is the sum of the singular
 * values of X₁X₂ᵀ/√((n₁−1)(n₂−1)) for centred X), which keeps small evaluations fast.
 */
export function frechetDistanceOfFeatures(a: FeatureMatrix, b: FeatureMatrix): number {
  if (a.dim !== b.dim) throw new RangeError(`FID: the features have ${a.dim} and ${b.dim} dimensions.`);
  if (Math.min(a.count, b.count) >= a.dim) return frechetDistance(featureStatistics(a), featureStatistics(b));
  if (a.count < 2 || b.count < 2) throw new RangeError(`FID needs at least 2 images on each side; got ${a.count} and ${b.count}.`);
  const x = centeredFeatures(a);
  const y = centeredFeatures(b);
  const cross = matmulTransposed(x.centered, y.centered, a.count, b.count, a.dim);
  const gram = matmulTransposed(cross, cross, a.count, a.count, b.count);
  const traceSqrt = sumOfRoots(symmetricEigen(gram, a.count, false).values) / Math.sqrt((a.count - 1) * (b.count - 1));
  const traceA = sumOfSquares(x.centered) / (a.count - 1);
  const traceB = sumOfSquares(y.centered) / (b.count - 1);
  return meanTerm(x.mu, y.mu) + traceA + traceB - 2 * traceSqrt;
}

/**
 * FID between precomputed statistics (e.g. a dataset's test set) and a feature set; with fewer
 * images than dimensions tr √(Σ₁Σ₂) comes from the n×n matrix X Σ₁ Xᵀ/(n−1) of the centred
 * features X (the same non-zero spectrum as Σ₁Σ₂), seconds instead of minutes for 2048 dimensions.
 */
export function frechetDistanceToFeatures(stats: FeatureStatistics, features: FeatureMatrix): number {
  if (stats.dim !== features.dim)
    throw new RangeError(`FID: the statistics have ${stats.dim} dimensions and the features ${features.dim}.`);
  if (features.count >= stats.dim) return frechetDistance(stats, featureStatistics(features));
  if (features.count < 2) throw new RangeError(`FID needs at least 2 images; got ${features.count}.`);
  const { count: n, dim } = features;
  const x = centeredFeatures(features);
  const projected = matmulTransposed(x.centered, stats.sigma, n, dim, dim);
  const gram = matmulTransposed(projected, x.centered, n, n, dim);
  for (let i = 0; i < gram.length; i++) gram[i] = gram[i]! / (n - 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const v = (gram[i * n + j]! + gram[j * n + i]!) / 2;
      gram[i * n + j] = v;
      gram[j * n + i] = v;
    }
  }
  const traceSqrt = sumOfRoots(symmetricEigen(gram, n, false).values);
  return meanTerm(stats.mu, x.mu) + trace(stats.sigma, dim) + sumOfSquares(x.centered) / (n - 1) - 2 * traceSqrt;
}

function meanTerm(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
}

function trace(m: Float64Array, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) s += m[i * dim + i]!;
  return s;
}

function sumOfSquares(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v * v;
  return s;
}

function sumOfRoots(eigenvalues: Float64Array): number {
  let s = 0;
  for (const v of eigenvalues) if (v > 0) s += Math.sqrt(v);
  return s;
}
