import type { Bound, Prior, SoilParameter } from "./physics.ts";
import { UNITS } from "./physics.ts";

/** A value within this share of the range from a bound counts as "at the bound". */
export const AT_BOUND_SHARE = 0.01;

export interface ParameterPlausibility {
  parameter: SoilParameter;
  unit: string;
  bounds: Bound;
  prior: Prior;
  cells: number;
  min: number;
  mean: number;
  sd: number;
  max: number;
  /** Share of cells within 1 % of the range from the lower / upper bound: the transform saturated there. */
  shareAtLowerBound: number;
  shareAtUpperBound: number;
  /** Share of cells inside prior mean ± 2 sd (≈ 0.95 if the map looked like a draw from the prior). */
  shareWithinTwoPriorSd: number;
  /** (map mean − prior mean) / prior sd. */
  meanShiftInPriorSd: number;
}

/** Summary of one learned parameter map against its bounds and prior; NaN cells are skipped. */
export function parameterPlausibility(
  parameter: SoilParameter,
  values: ArrayLike<number>,
  bound: Bound,
  prior: Prior,
): ParameterPlausibility {
  const margin = AT_BOUND_SHARE * (bound.upper - bound.lower);
  let cells = 0;
  let sum = 0;
  let sumSquares = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let atLower = 0;
  let atUpper = 0;
  let withinPrior = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    cells++;
    sum += v;
    sumSquares += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v <= bound.lower + margin) atLower++;
    if (v >= bound.upper - margin) atUpper++;
    if (Math.abs(v - prior.mean) <= 2 * prior.sd) withinPrior++;
  }
  const mean = sum / cells;
  return {
    parameter,
    unit: UNITS[parameter],
    bounds: bound,
    prior,
    cells,
    min,
    mean,
    sd: Math.sqrt(Math.max(0, sumSquares / cells - mean * mean)),
    max,
    shareAtLowerBound: atLower / cells,
    shareAtUpperBound: atUpper / cells,
    shareWithinTwoPriorSd: withinPrior / cells,
    meanShiftInPriorSd: (mean - prior.mean) / prior.sd,
  };
}
