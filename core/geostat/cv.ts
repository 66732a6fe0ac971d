import { InputError } from "../errors.ts";
import { Random } from "../ml/random.ts";
import { assertGlobalFeasible, Kriger, type KrigingProblem, type KrigingResult } from "./kriging.ts";
import { choleskyInPlace, choleskySolveInPlace } from "./linalg.ts";
import { covarianceFunction } from "./models.ts";

/** Cross-validation statistics, on the scale that was kriged (logs with --log). */
export interface CrossValidation {
  method: "leave-one-out" | "k-fold";
  folds: number;
  /** mean of (predicted − observed) */
  meanError: number;
  rootMeanSquareError: number;
  /** mean of (predicted − observed)² / kriging variance; close to 1 when the variances are right */
  meanSquaredDeviationRatio: number;
  predicted: Float64Array;
  variance: Float64Array;
}

function summarise(
  method: CrossValidation["method"],
  folds: number,
  observed: Float64Array,
  predicted: Float64Array,
  variance: Float64Array,
): CrossValidation {
  let error = 0;
  let squared = 0;
  let ratio = 0;
  let count = 0;
  for (let i = 0; i < observed.length; i++) {
    if (!Number.isFinite(predicted[i])) continue;
    const difference = predicted[i] - observed[i];
    error += difference;
    squared += difference * difference;
    ratio += (difference * difference) / variance[i];
    count++;
  }
  return {
    method,
    folds,
    meanError: error / count,
    rootMeanSquareError: Math.sqrt(squared / count),
    meanSquaredDeviationRatio: ratio / count,
    predicted,
    variance,
  };
}

/**
 * Leave-one-out cross-validation with the same model, trend and neighbourhood as the prediction
 * (as gstat's krige.cv: the variogram is not refitted). A local neighbourhood simply skips the
 * sample; a global system uses Dubrule's (1983) identity instead of n refactorisations: with
 * B = K⁻¹ for the kriging matrix K = [[C, F], [Fᵀ, 0]], the left-out error is (B z)_i / B_ii and the
 * left-out kriging variance 1 / B_ii.
 */
export function leaveOneOut(problem: KrigingProblem): CrossValidation {
  const n = problem.x.length;
  const predicted = new Float64Array(n);
  const variance = new Float64Array(n);
  if (problem.neighbourhood) {
    const kriger = new Kriger(problem);
    const f0 = new Float64Array(problem.trend.length);
    const out: KrigingResult = { prediction: 0, variance: 0, lagrangeTerm: 0 };
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < f0.length; k++) f0[k] = problem.trend[k][i];
      kriger.predict(problem.x[i], problem.y[i], f0, out, i);
      predicted[i] = out.prediction;
      variance[i] = out.variance;
    }
  } else {
    globalLeaveOneOut(problem, predicted, variance);
  }
  return summarise("leave-one-out", n, problem.z, predicted, variance);
}

function globalLeaveOneOut(problem: KrigingProblem, predicted: Float64Array, variance: Float64Array): void {
  const { x, y, trend } = problem;
  const n = x.length;
  const p = trend.length;
  assertGlobalFeasible(n);
  const mean = problem.simpleMean ?? 0;
  const cov = covarianceFunction(problem.model);
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) l[i * n + j] = cov(Math.hypot(x[i] - x[j], y[i] - y[j]));
  if (!choleskyInPlace(l, n))
    throw new InputError(
      "singular kriging system in cross-validation: duplicate sample locations with no nugget?",
    );
  // diag(C⁻¹)_i = |L⁻¹ e_i|²; forward substitution from row i on (the entries above are zero).
  const inverseDiagonal = new Float64Array(n);
  const column = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let r = i; r < n; r++) {
      let value = r === i ? 1 : 0;
      for (let k = i; k < r; k++) value -= l[r * n + k] * column[k];
      column[r] = value / l[r * n + r];
      sum += column[r] * column[r];
    }
    inverseDiagonal[i] = sum;
  }
  const solvedZ = problem.z.map((v) => v - mean);
  choleskySolveInPlace(l, n, solvedZ);
  // A = C⁻¹F (column k at k*n), M = FᵀA; B_ii = (C⁻¹)_ii − a_iᵀ M⁻¹ a_i, (Bz)_i = (C⁻¹z)_i − a_iᵀ M⁻¹ Aᵀz.
  const a = new Float64Array(p * n);
  for (let k = 0; k < p; k++) {
    a.set(trend[k], k * n);
    choleskySolveInPlace(l, n, a, k * n);
  }
  const schur = new Float64Array(p * p);
  for (let k = 0; k < p; k++) for (let m = 0; m < p; m++) schur[k * p + m] = dot(trend[k], a, m * n, n);
  const schurFactor = schur.slice();
  if (p > 0 && !choleskyInPlace(schurFactor, p))
    throw new InputError("singular trend in cross-validation: a trend column is constant or collinear");
  const aTz = new Float64Array(p);
  for (let k = 0; k < p; k++)
    aTz[k] = dot(
      problem.z.map((v) => v - mean),
      a,
      k * n,
      n,
    );
  if (p > 0) choleskySolveInPlace(schurFactor, p, aTz);
  const row = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < p; k++) row[k] = a[k * n + i];
    let quadratic = 0;
    let correction = 0;
    if (p > 0) {
      const solved = row.slice();
      choleskySolveInPlace(schurFactor, p, solved);
      for (let k = 0; k < p; k++) {
        quadratic += row[k] * solved[k];
        correction += row[k] * aTz[k];
      }
    }
    const bii = inverseDiagonal[i] - quadratic;
    const residual = (solvedZ[i] - correction) / bii;
    predicted[i] = problem.z[i] - residual;
    variance[i] = 1 / bii;
  }
}

function dot(values: Float64Array, other: Float64Array, offset: number, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] * other[offset + i];
  return sum;
}

/** k-fold cross-validation: random folds (seeded), each predicted from the other folds' samples. */
export function kFold(problem: KrigingProblem, folds: number, seed: number): CrossValidation {
  const n = problem.x.length;
  if (!(folds >= 2 && folds <= n))
    throw new InputError(`k-fold cross-validation needs 2 <= k <= ${n} samples, got ${folds}`);
  const order = new Random(seed).shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const foldOf = new Int32Array(n);
  order.forEach((sample, position) => {
    foldOf[sample] = position % folds;
  });
  const predicted = new Float64Array(n);
  const variance = new Float64Array(n);
  const out: KrigingResult = { prediction: 0, variance: 0, lagrangeTerm: 0 };
  const f0 = new Float64Array(problem.trend.length);
  for (let fold = 0; fold < folds; fold++) {
    const training = [...foldOf.keys()].filter((i) => foldOf[i] !== fold);
    const pick = (values: Float64Array) => Float64Array.from(training, (i) => values[i]);
    const kriger = new Kriger({
      ...problem,
      x: pick(problem.x),
      y: pick(problem.y),
      z: pick(problem.z),
      trend: problem.trend.map(pick),
    });
    for (let i = 0; i < n; i++) {
      if (foldOf[i] !== fold) continue;
      for (let k = 0; k < f0.length; k++) f0[k] = problem.trend[k][i];
      kriger.predict(problem.x[i], problem.y[i], f0, out);
      predicted[i] = out.prediction;
      variance[i] = out.variance;
    }
  }
  return summarise("k-fold", folds, problem.z, predicted, variance);
}
