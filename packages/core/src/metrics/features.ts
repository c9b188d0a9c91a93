/** Feature matrices (one row per image) and their Gaussian statistics, in float64. */

/** `count` feature vectors of `dim` values each, row-major. */
export interface FeatureMatrix {
  data: ArrayLike<number>;
  count: number;
  dim: number;
}

/** Mean vector and covariance matrix (row-major dim×dim) of a feature set: pytorch-fid's `mu`, `sigma`. */
export interface FeatureStatistics {
  mu: Float64Array;
  sigma: Float64Array;
  dim: number;
}

/** Throws unless `features` holds count·dim values. */
export function assertFeatureMatrix(features: FeatureMatrix, what: string): void {
  if (features.data.length !== features.count * features.dim) {
    throw new RangeError(`${what}: ${features.data.length} values do not make ${features.count}×${features.dim} features.`);
  }
}

/** The rows minus their mean, in float64, and the mean. */
export function centeredFeatures(features: FeatureMatrix): { centered: Float64Array; mu: Float64Array } {
  assertFeatureMatrix(features, 'centeredFeatures');
  const { count, dim, data } = features;
  const mu = new Float64Array(dim);
  for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) mu[j] = mu[j]! + data[i * dim + j]!;
  for (let j = 0; j < dim; j++) mu[j] = mu[j]! / count;
  const centered = new Float64Array(count * dim);
  for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) centered[i * dim + j] = data[i * dim + j]! - mu[j]!;
  return { centered, mu };
}

/** Mean and unbiased covariance (`np.mean(axis=0)`, `np.cov(rowvar=False)`), both in float64; needs two or more rows. */
export function featureStatistics(features: FeatureMatrix): FeatureStatistics {
  if (features.count < 2) throw new RangeError(`Feature statistics need at least 2 images; got ${features.count}.`);
  const { centered, mu } = centeredFeatures(features);
  const { count, dim } = features;
  const sigma = new Float64Array(dim * dim);
  for (let i = 0; i < count; i++) {
    const row = i * dim;
    for (let a = 0; a < dim; a++) {
      const x = centered[row + a]!;
      if (x === 0) continue;
      const out = a * dim;
      for (let b = a; b < dim; b++) sigma[out + b] = sigma[out + b]! + x * centered[row + b]!;
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = sigma[a * dim + b]! / (count - 1);
      sigma[a * dim + b] = v;
      sigma[b * dim + a] = v;
    }
  }
  return { mu, sigma, dim };
}
