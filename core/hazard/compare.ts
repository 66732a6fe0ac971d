import { classOf, DEFAULT_SUSCEPTIBILITY_BREAKS } from "./classes.ts";

export interface MapComparison {
  /** Cells where both maps have a value. */
  cells: number;
  /** Mean of new - old. */
  meanDifference: number | null;
  meanAbsoluteDifference: number | null;
  /** Pearson correlation of the two maps over the common cells. */
  correlation: number | null;
  /** Share of the common cells whose class (breaks) changed. */
  classChangedShare: number | null;
}

/** new - old per cell (NaN where either is nodata) and the statistics a reviewer compares versions by. */
export function compareMaps(
  previous: Float32Array,
  next: Float32Array,
  breaks: readonly number[] = DEFAULT_SUSCEPTIBILITY_BREAKS,
): { difference: Float32Array; stats: MapComparison } {
  const difference = new Float32Array(next.length);
  let n = 0;
  let sumD = 0;
  let sumAbs = 0;
  let sumA = 0;
  let sumB = 0;
  let sumAA = 0;
  let sumBB = 0;
  let sumAB = 0;
  let changed = 0;
  for (let i = 0; i < next.length; i++) {
    const a = previous[i];
    const b = next[i];
    if (Number.isNaN(a) || Number.isNaN(b)) {
      difference[i] = Number.NaN;
      continue;
    }
    const d = b - a;
    difference[i] = d;
    n++;
    sumD += d;
    sumAbs += Math.abs(d);
    sumA += a;
    sumB += b;
    sumAA += a * a;
    sumBB += b * b;
    sumAB += a * b;
    if (classOf(a, breaks) !== classOf(b, breaks)) changed++;
  }
  if (n === 0)
    return {
      difference,
      stats: {
        cells: 0,
        meanDifference: null,
        meanAbsoluteDifference: null,
        correlation: null,
        classChangedShare: null,
      },
    };
  const covariance = sumAB / n - (sumA / n) * (sumB / n);
  const varA = sumAA / n - (sumA / n) ** 2;
  const varB = sumBB / n - (sumB / n) ** 2;
  return {
    difference,
    stats: {
      cells: n,
      meanDifference: sumD / n,
      meanAbsoluteDifference: sumAbs / n,
      correlation: varA > 0 && varB > 0 ? covariance / Math.sqrt(varA * varB) : null,
      classChangedShare: changed / n,
    },
  };
}
