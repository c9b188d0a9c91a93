/** Dense row-major float64 matrix products used by the FID and KID estimators. */

/** a (n×k) · b (k×m). */
export function matmul(a: Float64Array, b: Float64Array, n: number, k: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const row = i * m;
    for (let p = 0; p < k; p++) {
      const x = a[i * k + p]!;
      if (x === 0) continue;
      const brow = p * m;
      for (let j = 0; j < m; j++) out[row + j] = out[row + j]! + x * b[brow + j]!;
    }
  }
  return out;
}

/** a (n×k) · bᵀ where b is m×k: every dot product of a row of a with a row of b. */
export function matmulTransposed(a: ArrayLike<number>, b: ArrayLike<number>, n: number, m: number, k: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[j * k + p]!;
      out[i * m + j] = s;
    }
  }
  return out;
}

/**
 * The lower-triangular Cholesky factor L (A = L Lᵀ) of a symmetric n×n matrix, or null when A is
 * not safely positive definite (a pivot at or below 1e-10 of its diagonal entry: singular up to round-off).
 */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 1e-10 * a[i * n + i]!)) return null;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  return l;
}

/** The transpose of a row-major n×m matrix. */
export function transpose(a: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[j * n + i] = a[i * m + j]!;
  return out;
}
