import { InputError } from "../errors.ts";
import { choleskyInPlace, choleskySolveInPlace } from "./linalg.ts";

/**
 * Trend columns at the samples for universal / regression kriging: an intercept, then either the
 * coordinates (centred on their mean for conditioning; kriging is invariant to that shift) or the
 * covariates.
 */
export function trendColumns(
  x: Float64Array,
  y: Float64Array,
  covariates: Float64Array[],
): { columns: Float64Array[]; centre: [number, number] } {
  const n = x.length;
  const ones = new Float64Array(n).fill(1);
  if (covariates.length > 0) return { columns: [ones, ...covariates], centre: [0, 0] };
  const cx = x.reduce((s, v) => s + v, 0) / n;
  const cy = y.reduce((s, v) => s + v, 0) / n;
  return { columns: [ones, x.map((v) => v - cx), y.map((v) => v - cy)], centre: [cx, cy] };
}

/** Ordinary least squares z ≈ Σ β_k F_k by the normal equations (p is a handful of columns). */
export function leastSquares(columns: Float64Array[], z: Float64Array): Float64Array {
  const p = columns.length;
  const normal = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    for (let l = 0; l <= k; l++) {
      let sum = 0;
      for (let i = 0; i < z.length; i++) sum += columns[k][i] * columns[l][i];
      normal[k * p + l] = sum;
    }
    let sum = 0;
    for (let i = 0; i < z.length; i++) sum += columns[k][i] * z[i];
    rhs[k] = sum;
  }
  if (z.length <= p || !choleskyInPlace(normal, p)) {
    throw new InputError(
      `cannot fit the linear trend: ${z.length} samples for ${p} coefficients, or a covariate that is constant or collinear with another`,
    );
  }
  choleskySolveInPlace(normal, p, rhs);
  return rhs;
}

/** z − Fβ: the residuals that regression kriging krigs. */
export function residuals(columns: Float64Array[], z: Float64Array, beta: Float64Array): Float64Array {
  return z.map((value, i) => {
    let fitted = 0;
    for (let k = 0; k < beta.length; k++) fitted += beta[k] * columns[k][i];
    return value - fitted;
  });
}
