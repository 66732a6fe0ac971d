import { InputError } from "../errors.ts";
import { Random } from "../ml/random.ts";

/**
 * A function of p covariates evaluated on `count` rows at once: `columns[j][r]` is covariate j of
 * row r; output o of row r goes to `out[o * count + r]`.
 */
export type BatchFunction = (columns: Float64Array[], count: number, out: Float64Array) => void;

export interface ShapleyResult {
  /** values[o][i * p + j]: the Shapley value of covariate j for point i and output o. */
  values: Float64Array[];
  /** E_b[f(b)] over the background, per output: v(∅). */
  expected: number[];
  /** f(x_i) per output: v(all). */
  predictions: Float64Array[];
}

/** Exact Shapley values cost 2^p coalitions per point; beyond this it is no longer "seconds". */
export const MAX_PLAYERS = 14;

/** |S|! (p − |S| − 1)! / p! for |S| = 0 .. p − 1. */
export function shapleyWeights(p: number): Float64Array {
  const factorial = [1];
  for (let k = 1; k <= p; k++) factorial.push(factorial[k - 1] * k);
  return Float64Array.from({ length: p }, (_, s) => (factorial[s] * factorial[p - s - 1]) / factorial[p]);
}

/**
 * Exact interventional Shapley values (Janzing, Minorics & Bloebaum 2020; the `shap` package's
 * ExactExplainer with an independent masker): the value of a coalition S for point x is
 * v(S) = mean over background rows b of f(x_S, b_rest), and
 * φ_j = Σ_{S ∌ j} |S|! (p − |S| − 1)! / p! [v(S ∪ {j}) − v(S)], over all 2^p coalitions.
 * Efficiency holds by construction: Σ_j φ_j = f(x) − E_b[f(b)]; a covariate that f ignores gets
 * exactly 0 (the two evaluations it separates are identical).
 */
export function exactShapley(
  f: BatchFunction,
  outputs: number,
  points: ArrayLike<number>[],
  pointCount: number,
  background: ArrayLike<number>[],
  backgroundCount: number,
  onProgress?: (fraction: number) => void,
): ShapleyResult {
  const p = points.length;
  if (p < 1 || p > MAX_PLAYERS)
    throw new InputError(`exact Shapley values need 1 to ${MAX_PLAYERS} covariates, got ${p}`);
  if (background.length !== p) throw new Error("points and background differ in covariates");
  const coalitions = 1 << p;
  const rows = coalitions * backgroundCount;
  const columns = Array.from({ length: p }, () => new Float64Array(rows));
  // Covariates outside the coalition come from the background: the same for every point.
  for (let mask = 0; mask < coalitions; mask++) {
    for (let j = 0; j < p; j++) {
      if ((mask >> j) & 1) continue;
      for (let r = 0; r < backgroundCount; r++) columns[j][mask * backgroundCount + r] = background[j][r];
    }
  }
  const out = new Float64Array(outputs * rows);
  const value = new Float64Array(coalitions);
  const weights = shapleyWeights(p);
  const sizes = Uint8Array.from({ length: coalitions }, (_, mask) => popcount(mask));
  const result: ShapleyResult = {
    values: Array.from({ length: outputs }, () => new Float64Array(pointCount * p)),
    expected: new Array(outputs).fill(0),
    predictions: Array.from({ length: outputs }, () => new Float64Array(pointCount)),
  };
  for (let i = 0; i < pointCount; i++) {
    for (let mask = 1; mask < coalitions; mask++) {
      for (let j = 0; j < p; j++) {
        if (!((mask >> j) & 1)) continue;
        columns[j].fill(points[j][i], mask * backgroundCount, (mask + 1) * backgroundCount);
      }
    }
    f(columns, rows, out);
    for (let o = 0; o < outputs; o++) {
      const base = o * rows;
      for (let mask = 0; mask < coalitions; mask++) {
        let sum = 0;
        for (let r = 0; r < backgroundCount; r++) sum += out[base + mask * backgroundCount + r];
        value[mask] = sum / backgroundCount;
      }
      const phi = result.values[o];
      for (let j = 0; j < p; j++) {
        const bit = 1 << j;
        let total = 0;
        for (let mask = 0; mask < coalitions; mask++) {
          if (mask & bit) continue;
          total += weights[sizes[mask]] * (value[mask | bit] - value[mask]);
        }
        phi[i * p + j] = total;
      }
      result.expected[o] = value[0];
      result.predictions[o][i] = value[coalitions - 1];
    }
    onProgress?.((i + 1) / pointCount);
  }
  return result;
}

function popcount(mask: number): number {
  let count = 0;
  for (let m = mask; m; m &= m - 1) count++;
  return count;
}

/** Mean |φ_j| over the points, per covariate. */
export function meanAbsolute(values: Float64Array, p: number): number[] {
  const n = values.length / p;
  const sums = new Array(p).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) sums[j] += Math.abs(values[i * p + j]);
  return sums.map((s) => s / n);
}

/** Up to `size` distinct rows drawn at random (seeded) from `count`: the background sample. */
export function backgroundRows(count: number, size: number, seed: number): Int32Array {
  const order = new Random(seed).shuffle(Int32Array.from({ length: count }, (_, i) => i));
  return order.slice(0, Math.min(size, count)).sort();
}
