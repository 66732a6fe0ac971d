import {
  buildDisplacementTable,
  type DisplacementTable,
  interpolateDisplacement,
} from "./displacement-table.ts";
import { newmarkRigidBlock } from "./newmark.ts";
import {
  brayTravasarou2007,
  jibson2007,
  jibson2007Arias,
  jibson2007Magnitude,
  probabilityOfFailure,
  type RegressionModel,
  saygiliRathje2008,
} from "./regressions.ts";
import type { Polarity } from "./schema.ts";

/**
 * Lower bound of a_c/PGA for the regressions, which diverge as the ratio goes to 0 (a_c = 0 on
 * statically unstable cells): OpenQuake's `accel_ratio_threshold` (openquake/sep/landslide/displacement.py).
 */
export const MIN_ACCELERATION_RATIO = 0.05;

/** Exact rigid-block D_N (cm) for one a_c with the chosen polarity combination. */
export function polarityDisplacement(
  record: Float64Array,
  inverted: Float64Array,
  dtS: number,
  acG: number,
  polarity: Polarity,
): number {
  if (polarity === "normal") return newmarkRigidBlock(record, dtS, acG);
  if (polarity === "inverse") return newmarkRigidBlock(inverted, dtS, acG);
  const normal = newmarkRigidBlock(record, dtS, acG);
  const inverse = newmarkRigidBlock(inverted, dtS, acG);
  return polarity === "mean" ? (normal + inverse) / 2 : Math.max(normal, inverse);
}

/** The a_c at and above which the chosen polarity combination gives exactly 0. */
function zeroDisplacementFrom(record: Float64Array, polarity: Polarity): number {
  let up = 0;
  let down = 0;
  for (let i = 0; i < record.length; i++) {
    if (record[i] > up) up = record[i];
    if (-record[i] > down) down = -record[i];
  }
  return polarity === "normal" ? up : polarity === "inverse" ? down : Math.max(up, down);
}

/** D_N for every cell of an a_c band from one record, through an exact-at-nodes table (see displacement-table.ts). */
export function recordDisplacementMap(
  acG: Float32Array,
  record: Float64Array,
  dtS: number,
  polarity: Polarity,
): { displacementCm: Float32Array; table: DisplacementTable } {
  const inverted = Float64Array.from(record, (value) => -value);
  let acMin = Number.POSITIVE_INFINITY;
  let acMax = 0;
  for (let i = 0; i < acG.length; i++) {
    const ac = acG[i];
    if (ac < acMin) acMin = ac;
    if (ac > acMax) acMax = ac;
  }
  if (!Number.isFinite(acMin)) acMin = 0;
  const table = buildDisplacementTable(
    (ac) => polarityDisplacement(record, inverted, dtS, ac, polarity),
    acMin,
    acMax,
    zeroDisplacementFrom(record, polarity),
  );
  const displacementCm = new Float32Array(acG.length);
  for (let i = 0; i < acG.length; i++) {
    displacementCm[i] = Number.isNaN(acG[i]) ? Number.NaN : interpolateDisplacement(table, acG[i]);
  }
  return { displacementCm, table };
}

export interface RegressionInputs {
  model: RegressionModel;
  acG: Float32Array;
  pgaG: Float32Array;
  pgvCmS?: Float32Array;
  ariasMS?: Float32Array;
  magnitude?: number;
}

/** Median D_N (cm) per cell from a regression; cells with PGA = 0 do not slide. */
export function regressionDisplacementMap(inputs: RegressionInputs): {
  displacementCm: Float32Array;
  clampedCells: number;
} {
  const { model, acG, pgaG, pgvCmS, ariasMS, magnitude = Number.NaN } = inputs;
  const displacementCm = new Float32Array(acG.length);
  let clampedCells = 0;
  for (let i = 0; i < acG.length; i++) {
    const pga = pgaG[i];
    let ac = acG[i];
    if (Number.isNaN(ac) || Number.isNaN(pga)) {
      displacementCm[i] = Number.NaN;
      continue;
    }
    if (pga === 0 || ac >= pga) {
      displacementCm[i] = 0;
      continue;
    }
    if (ac < MIN_ACCELERATION_RATIO * pga) {
      ac = MIN_ACCELERATION_RATIO * pga;
      clampedCells++;
    }
    displacementCm[i] = regressionAt(
      model,
      ac,
      pga,
      pgvCmS?.[i] ?? Number.NaN,
      ariasMS?.[i] ?? Number.NaN,
      magnitude,
    );
  }
  return { displacementCm, clampedCells };
}

function regressionAt(
  model: RegressionModel,
  ac: number,
  pga: number,
  pgv: number,
  arias: number,
  magnitude: number,
): number {
  switch (model) {
    case "jibson2007":
      return jibson2007(ac, pga);
    case "jibson2007-m":
      return jibson2007Magnitude(ac, pga, magnitude);
    case "jibson2007-arias":
      return arias === 0 ? 0 : jibson2007Arias(ac, pga, arias);
    case "saygili-rathje2008":
      return pgv === 0 ? 0 : saygiliRathje2008(ac, pga, pgv);
    case "bray-travasarou2007":
      return brayTravasarou2007(ac, pga, magnitude, 0);
  }
}

/** P(f) per cell from D_N (Jibson et al. 2000); NaN stays NaN. */
export function probabilityMap(displacementCm: Float32Array): Float32Array {
  const pf = new Float32Array(displacementCm.length);
  for (let i = 0; i < pf.length; i++) pf[i] = probabilityOfFailure(displacementCm[i]);
  return pf;
}
