import { G_CM_S2 } from "./newmark.ts";

const G_M_S2 = G_CM_S2 / 100;

export interface IntensityMeasures {
  /** Peak ground acceleration, max |a| (g). */
  pgaG: number;
  /** Peak ground velocity (cm/s): max |v| of the trapezoidal integral of the record, v(0) = 0, no baseline correction. */
  pgvCmS: number;
  /** Arias intensity (m/s): π/(2g) ∫ a² dt, rectangle rule, a in m/s² (Arias 1970). */
  ariasMS: number;
  /** Significant duration (s): time between 5 % and 95 % of the Arias intensity (Trifunac & Brady 1975). */
  d5_95S: number;
}

/**
 * Ground-motion intensity measures of an acceleration record in g sampled every `dtS` s. The
 * rectangle rule for Arias intensity and the first-sample-reaching rule for D5-95 are those the
 * SLAMMER record database is consistent with (see docs/stability.md for the checks).
 */
export function intensityMeasures(accelerationG: ArrayLike<number>, dtS: number): IntensityMeasures {
  let pga = 0;
  let pgv = 0;
  let velocity = 0;
  let sumSquares = 0;
  for (let i = 0; i < accelerationG.length; i++) {
    const a = accelerationG[i];
    if (Math.abs(a) > pga) pga = Math.abs(a);
    if (i > 0) velocity += (dtS / 2) * (a + accelerationG[i - 1]) * G_CM_S2;
    if (Math.abs(velocity) > pgv) pgv = Math.abs(velocity);
    sumSquares += a * a;
  }
  const ariasMS = (Math.PI / (2 * G_M_S2)) * sumSquares * dtS * G_M_S2 * G_M_S2;
  return { pgaG: pga, pgvCmS: pgv, ariasMS, d5_95S: significantDuration(accelerationG, dtS, sumSquares) };
}

function significantDuration(accelerationG: ArrayLike<number>, dtS: number, sumSquares: number): number {
  if (sumSquares === 0) return 0;
  let cumulative = 0;
  let start = -1;
  for (let i = 0; i < accelerationG.length; i++) {
    cumulative += accelerationG[i] * accelerationG[i];
    if (start < 0 && cumulative >= 0.05 * sumSquares) start = i;
    if (cumulative >= 0.95 * sumSquares) return (i - start) * dtS;
  }
  return (accelerationG.length - 1 - start) * dtS;
}
