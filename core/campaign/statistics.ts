/** The least-squares fits of the duration-vs-amplitude study. */
export interface LinearFit {
  /** Intercept first, then one coefficient per predictor. */
  coefficients: number[];
  standardErrors: number[];
  rSquared: number;
  n: number;
}

/**
 * Ordinary least squares of y on the predictor columns (with an intercept), by the normal
 * equations solved with Gaussian elimination and partial pivoting; standard errors from
 * σ² (XᵀX)⁻¹ with σ² = RSS / (n − p). Null when there are no more points than parameters.
 */
export function leastSquares(y: ArrayLike<number>, predictors: ArrayLike<number>[]): LinearFit | null {
  const n = y.length;
  const p = predictors.length + 1;
  if (n <= p) return null;
  const row = (i: number) => [1, ...predictors.map((column) => column[i])];
  const xtx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xty = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) {
    const x = row(i);
    for (let a = 0; a < p; a++) {
      xty[a] += x[a] * y[i];
      for (let b = 0; b < p; b++) xtx[a][b] += x[a] * x[b];
    }
  }
  const inverse = invert(xtx);
  if (!inverse) return null;
  const coefficients = inverse.map((r) => r.reduce((sum, value, b) => sum + value * xty[b], 0));
  let rss = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i] / n;
  let tss = 0;
  for (let i = 0; i < n; i++) {
    const x = row(i);
    const fitted = x.reduce((sum, value, a) => sum + value * coefficients[a], 0);
    rss += (y[i] - fitted) ** 2;
    tss += (y[i] - mean) ** 2;
  }
  const sigma2 = rss / (n - p);
  return {
    coefficients,
    standardErrors: inverse.map((r, a) => Math.sqrt(sigma2 * r[a])),
    rSquared: tss > 0 ? 1 - rss / tss : 0,
    n,
  };
}

/** Inverse of a small square matrix (Gauss-Jordan, partial pivoting); null when singular. */
function invert(matrix: number[][]): number[][] | null {
  const size = matrix.length;
  const a = matrix.map((r, i) => [...r, ...Array.from({ length: size }, (_, j) => (i === j ? 1 : 0))]);
  const scale = Math.max(...matrix.flat().map(Math.abs));
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let r = col + 1; r < size; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (!(Math.abs(a[pivot][col]) > 1e-12 * scale)) return null;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    const diagonal = a[col][col];
    for (let j = 0; j < 2 * size; j++) a[col][j] /= diagonal;
    for (let r = 0; r < size; r++) {
      if (r === col) continue;
      const factor = a[r][col];
      for (let j = 0; j < 2 * size; j++) a[r][j] -= factor * a[col][j];
    }
  }
  return a.map((r) => r.slice(size));
}
