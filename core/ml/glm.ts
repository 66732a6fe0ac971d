/**
 * Logistic regression (binomial GLM, logit link) fitted by iteratively reweighted least squares,
 * as R's glm(): stop when |dev - dev_old| / (|dev| + 0.1) < 1e-8, at most 25 iterations.
 */
export interface LogisticModel {
  /** Intercept first, then one coefficient per feature. */
  coefficients: number[];
  iterations: number;
  converged: boolean;
}

export function fitLogistic(columns: ArrayLike<number>[], label: ArrayLike<number>): LogisticModel {
  const n = label.length;
  const p = columns.length + 1;
  const value = (i: number, j: number) => (j === 0 ? 1 : columns[j - 1][i]);
  const beta = new Float64Array(p);
  const eta = new Float64Array(n);
  let deviance = Number.POSITIVE_INFINITY;
  let iterations = 0;
  let converged = false;
  const xtwx = new Float64Array(p * p);
  const xtwz = new Float64Array(p);
  while (iterations < 25 && !converged) {
    iterations++;
    xtwx.fill(0);
    xtwz.fill(0);
    for (let i = 0; i < n; i++) {
      const mu = 1 / (1 + Math.exp(-eta[i]));
      const w = Math.max(mu * (1 - mu), 1e-10);
      const z = eta[i] + (label[i] - mu) / w;
      for (let a = 0; a < p; a++) {
        const xa = value(i, a) * w;
        xtwz[a] += xa * z;
        for (let b = 0; b <= a; b++) xtwx[a * p + b] += xa * value(i, b);
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) xtwx[b * p + a] = xtwx[a * p + b];
    beta.set(solveSymmetric(xtwx, xtwz, p));
    let newDeviance = 0;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let j = 0; j < p; j++) e += beta[j] * value(i, j);
      eta[i] = e;
      // Binomial deviance, computed stably from the linear predictor.
      newDeviance += 2 * (label[i] === 1 ? softplus(-e) : softplus(e));
    }
    converged = Math.abs(newDeviance - deviance) / (Math.abs(newDeviance) + 0.1) < 1e-8;
    deviance = newDeviance;
  }
  return { coefficients: Array.from(beta), iterations, converged };
}

export function predictLogistic(
  model: LogisticModel,
  columns: ArrayLike<number>[],
  rowCount: number,
): Float64Array {
  const out = new Float64Array(rowCount);
  const c = model.coefficients;
  for (let i = 0; i < rowCount; i++) {
    let e = c[0];
    for (let j = 1; j < c.length; j++) e += c[j] * columns[j - 1][i];
    out[i] = 1 / (1 + Math.exp(-e));
  }
  return out;
}

function softplus(x: number): number {
  return x > 30 ? x : Math.log1p(Math.exp(x));
}

/** Cholesky solve of A x = b for a symmetric positive (semi-)definite A, with a tiny relative ridge for collinear columns. */
function solveSymmetric(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      // Ridge relative to each diagonal element, so that columns of very different scale (elevation
      // in metres next to curvature in rad/m) are not biased.
      let sum = a[i * p + j] * (i === j ? 1 + 1e-12 : 1);
      for (let k = 0; k < j; k++) sum -= l[i * p + k] * l[j * p + k];
      l[i * p + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j * p + j];
    }
  }
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i * p + k] * y[k];
    y[i] = sum / l[i * p + i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < p; k++) sum -= l[k * p + i] * x[k];
    x[i] = sum / l[i * p + i];
  }
  return x;
}
