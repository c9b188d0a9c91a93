/**
 * Eigen-decomposition of a real symmetric matrix in float64: Householder tridiagonalisation then
 * the implicit QL algorithm (EISPACK's tql2, as in JAMA), both arranged so that inner loops run
 * along rows. The matrix square roots of FID are built from it.
 */

/** Eigenvalues (ascending) and, when asked, the eigenvectors as the rows of a row-major n×n matrix (row i belongs to `values[i]`). */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array | null;
}

/**
 * Eigenvalues (and eigenvectors when `withVectors`) of the symmetric row-major n×n matrix `a`
 * (`a` is not modified).
 */
export function symmetricEigen(a: ArrayLike<number>, n: number, withVectors = true): SymmetricEigen {
  if (a.length !== n * n) throw new RangeError(`symmetricEigen: expected ${n * n} values for ${n}×${n}; got ${a.length}.`);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const qt = tridiagonalize(Float64Array.from(a), d, e, n, withVectors);
  diagonalize(qt, d, e, n, withVectors);
  return { values: d, vectors: withVectors ? qt : null };
}

/**
 * Householder reduction to tridiagonal form T = Qᵀ A Q, row-oriented (every inner loop runs along
 * a row): `a` (full symmetric, overwritten) → diagonal `d`, sub-diagonal `e` (e[i] couples i−1 and
 * i, e[0] = 0); returns Qᵀ row-major when `withVectors` (else an empty array).
 */
function tridiagonalize(a: Float64Array, d: Float64Array, e: Float64Array, n: number, withVectors: boolean): Float64Array {
  const reflectors: Array<{ k: number; v: Float64Array; beta: number }> = [];
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const m = n - k - 1;
    const row = k * n + k + 1;
    let norm = 0;
    for (let i = 0; i < m; i++) norm += a[row + i]! ** 2;
    const x0 = a[row]!;
    let alpha = Math.sqrt(norm);
    if (x0 > 0) alpha = -alpha;
    if (norm === 0 || alpha === x0) {
      e[k + 1] = x0;
      continue;
    }
    e[k + 1] = alpha;
    const v = a.slice(row, row + m);
    v[0] = x0 - alpha;
    const beta = 1 / (alpha * (alpha - x0));
    let pv = 0;
    for (let i = 0; i < m; i++) {
      const r = (k + 1 + i) * n + k + 1;
      let s = 0;
      for (let j = 0; j < m; j++) s += a[r + j]! * v[j]!;
      p[i] = beta * s;
      pv += p[i]! * v[i]!;
    }
    const half = (beta / 2) * pv;
    for (let i = 0; i < m; i++) p[i] = p[i]! - half * v[i]!;
    for (let i = 0; i < m; i++) {
      const r = (k + 1 + i) * n + k + 1;
      const vi = v[i]!;
      const wi = p[i]!;
      for (let j = 0; j < m; j++) a[r + j] = a[r + j]! - vi * p[j]! - wi * v[j]!;
    }
    if (withVectors) reflectors.push({ k, v, beta });
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i]!;
  if (n >= 2) e[n - 1] = a[(n - 2) * n + n - 1]!;
  e[0] = 0;
  if (!withVectors) return new Float64Array(0);
  const qt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) qt[i * n + i] = 1;
  const u = new Float64Array(n);
  for (const { k, v, beta } of reflectors) {
    u.fill(0);
    for (let i = 0; i < v.length; i++) {
      const r = (k + 1 + i) * n;
      const vi = v[i]!;
      for (let j = 0; j < n; j++) u[j] = u[j]! + vi * qt[r + j]!;
    }
    for (let i = 0; i < v.length; i++) {
      const r = (k + 1 + i) * n;
      const f = beta * v[i]!;
      for (let j = 0; j < n; j++) qt[r + j] = qt[r + j]! - f * u[j]!;
    }
  }
  return qt;
}

/** Implicit QL iterations on the tridiagonal (d, e) (tql2) rotating the rows of `w` (the transposed transform), then ascending sort. */
function diagonalize(w: Float64Array, d: Float64Array, e: Float64Array, n: number, withVectors: boolean): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      do {
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          if (withVectors) {
            const a = i * n;
            const b = a + n;
            for (let k = 0; k < n; k++) {
              h = w[b + k]!;
              w[b + k] = s * w[a + k]! + c * h;
              w[a + k] = c * w[a + k]! - s * h;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  sortAscending(w, d, n, withVectors);
}

function sortAscending(w: Float64Array, d: Float64Array, n: number, withVectors: boolean): void {
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    for (let j = i + 1; j < n; j++) if (d[j]! < d[k]!) k = j;
    if (k === i) continue;
    [d[k], d[i]] = [d[i]!, d[k]!];
    if (!withVectors) continue;
    const row = w.slice(i * n, (i + 1) * n);
    w.copyWithin(i * n, k * n, (k + 1) * n);
    w.set(row, k * n);
  }
}
