/**
 * Per-cell statistics across weighted scenarios, and the least-squares fits of the study.
 * `values` holds one row per scenario: values[s * cells + c] is D_N (cm) of cell c in scenario s;
 * `weights` (one per scenario) sum to 1.
 */
export interface CellStatistics {
  /** P(D_N > threshold) per threshold, per cell. */
  exceedance: Float32Array[];
  mean: Float32Array;
  /** The weighted quantile `quantile` (0.9 for the 90th percentile). */
  quantile: Float32Array;
}

/**
 * Exceedance probabilities P(D > t) = Σ_s w_s [D_s > t], the weighted mean Σ_s w_s D_s, and the
 * weighted quantile q: the smallest D_s whose cumulative weight (scenarios sorted by D) reaches
 * q (the inverse of the weighted empirical CDF, no interpolation). A tiny tolerance keeps
 * cumulative sums such as 0.1 + ... + 0.1 from missing q by rounding.
 */
export function cellStatistics(
  values: Float32Array,
  weights: Float64Array,
  cells: number,
  thresholds: number[],
  quantile: number,
): CellStatistics {
  const scenarios = weights.length;
  const exceedance = thresholds.map(() => new Float32Array(cells));
  const mean = new Float32Array(cells);
  const q = new Float32Array(cells);
  const column = new Float64Array(scenarios);
  const order = new Uint32Array(scenarios);
  const byValue = (a: number, b: number) => column[a] - column[b];
  for (let c = 0; c < cells; c++) {
    let sum = 0;
    for (let s = 0; s < scenarios; s++) {
      const value = values[s * cells + c];
      column[s] = value;
      order[s] = s;
      sum += weights[s] * value;
      for (let t = 0; t < thresholds.length; t++) if (value > thresholds[t]) exceedance[t][c] += weights[s];
    }
    mean[c] = sum;
    order.sort(byValue);
    let cumulative = 0;
    let k = 0;
    for (; k < scenarios - 1; k++) {
      cumulative += weights[order[k]];
      if (cumulative >= quantile - 1e-9) break;
    }
    q[c] = column[order[k]];
  }
  return { exceedance, mean, quantile: q };
}

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
