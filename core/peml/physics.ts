import { InputError } from "../errors.ts";
import { MIN_ACCELERATION_RATIO } from "../stability/newmark-map.ts";
import { sigmoid } from "./autodiff/index.ts";

/** The soil parameters the network learns, in the order of its outputs. */
export const SOIL_PARAMETERS = ["cohesion", "friction", "saturation", "thickness"] as const;
export type SoilParameter = (typeof SOIL_PARAMETERS)[number];

export interface Bound {
  lower: number;
  upper: number;
}

export interface Prior {
  mean: number;
  sd: number;
}

export const UNITS: Record<SoilParameter, string> = {
  cohesion: "kPa",
  friction: "degrees",
  saturation: "fraction",
  thickness: "m",
};

/**
 * Physical bounds, enforced by the output transform lower + (upper − lower) sigmoid(z): c' ≥ 0,
 * 15° ≤ φ' ≤ 45° (issue 14), 0 ≤ m ≤ 1, t > 0. The upper limits of c' and t only keep the transform
 * bounded; they lie far above the priors.
 */
export const DEFAULT_BOUNDS: Record<SoilParameter, Bound> = {
  cohesion: { lower: 0, upper: 100 },
  friction: { lower: 15, upper: 45 },
  saturation: { lower: 0, upper: 1 },
  thickness: { lower: 0.1, upper: 10 },
};

/**
 * Gaussian priors in physical units (docs/peml.md, "Priors", gives the sources):
 * - φ': 30 ± 7.5°, SINMAP's default calibration range 30-45° (Pack, Tarboton & Goodwin 1998)
 *   widened below to the 15° bound for weak, clay-rich soils;
 * - c': 5 ± 5 kPa, SINMAP's dimensionless cohesion 0-0.25 times γ t for a 2.4 m slab of 18 kN/m³
 *   (0-11 kPa), i.e. soil plus root cohesion of shallow landslides;
 * - t: 2.4 ± 1 m, the typical slab thickness of the Northridge landslides (Jibson et al. 2000);
 * - m: 0.2 ± 0.3, mostly dry to partly saturated (Jibson et al. 2000 take m = 0 for Northridge).
 */
export const DEFAULT_PRIORS: Record<SoilParameter, Prior> = {
  cohesion: { mean: 5, sd: 5 },
  friction: { mean: 30, sd: 7.5 },
  saturation: { mean: 0.2, sd: 0.3 },
  thickness: { mean: 2.4, sd: 1 },
};

/** Unit weights (kN/m³): soil γ (a typical 15-22 range midpoint) and water γ_w. */
export const DEFAULT_UNIT_WEIGHT = 18;
export const WATER_UNIT_WEIGHT = 9.81;

/**
 * Slopes below this (degrees) are treated as this slope in the failure probability: FS is infinite
 * on flat cells, and ln FS = ln(A + B cos α) − ln sin α needs sin α > 0. Such cells have P(f) ≈ 0
 * either way.
 */
export const MIN_SLOPE_DEG = 0.5;

/** A PGA below this (g) is taken as this, so that a_c / PGA stays finite. */
export const MIN_PGA_G = 0.001;

/** Jibson (2007) eq. 6 in log10 form: log D = 0.215 + 2.341 log(1 − r) − 1.438 log r. */
export const JIBSON2007 = { intercept: 0.215, exponent1mr: 2.341, exponentR: -1.438 } as const;

/** a_c / PGA is clamped into [MIN_ACCELERATION_RATIO, RATIO_CEILING] in the seismic term (OpenQuake's 0.05 below). */
export const RATIO_FLOOR = MIN_ACCELERATION_RATIO;
export const RATIO_CEILING = 1 - 1e-6;

/** The smallest FS uncertainty scale s (ln FS units): keeps the logistic link from becoming a step. */
export const MIN_LINK_SCALE = 0.01;

/** Maps a network output z to a parameter inside its bounds. */
export function boundedValue(z: number, bound: Bound): number {
  return bound.lower + (bound.upper - bound.lower) * sigmoid(z);
}

/** The z at which the bounded transform gives `value` (the network's initial output bias). */
export function unboundedValue(value: number, bound: Bound): number {
  const fraction = Math.min(1 - 1e-6, Math.max(1e-6, (value - bound.lower) / (bound.upper - bound.lower)));
  return Math.log(fraction / (1 - fraction));
}

/**
 * The two numbers the inventory can constrain: FS = A / sin α + B / tan α with A = c'/(γ t)
 * (this function) and B = tan φ' (1 − m γ_w/γ) (frictionTerm); docs/peml.md, "What the labels identify".
 */
export function cohesionTerm(cohesionKPa: number, thicknessM: number, unitWeight: number): number {
  return cohesionKPa / (unitWeight * thicknessM);
}

/** B = tan φ' (1 − m γ_w/γ); see cohesionTerm. */
export function frictionTerm(
  frictionDeg: number,
  saturation: number,
  unitWeight: number,
  waterUnitWeight: number,
): number {
  return Math.tan((frictionDeg * Math.PI) / 180) * (1 - (saturation * waterUnitWeight) / unitWeight);
}

/** Static failure log-odds −ln FS / s, with α floored at MIN_SLOPE_DEG. */
export function staticLogit(a: number, b: number, slopeDeg: number, scale: number): number {
  const alpha = (Math.max(slopeDeg, MIN_SLOPE_DEG) * Math.PI) / 180;
  return -(Math.log(a + b * Math.cos(alpha)) - Math.log(Math.sin(alpha))) / scale;
}

/**
 * Seismic failure log-odds (log10 D_N − log10 D_c) / s_N with D_N from Jibson (2007) eq. 6 and
 * a_c = A + B cos α − sin α (signed: negative on statically unstable cells, where the ratio floor
 * applies).
 */
export function seismicLogit(
  a: number,
  b: number,
  slopeDeg: number,
  pgaG: number,
  scale: number,
  criticalDisplacementCm: number,
): number {
  const alpha = (Math.max(slopeDeg, MIN_SLOPE_DEG) * Math.PI) / 180;
  const ac = a + b * Math.cos(alpha) - Math.sin(alpha);
  const ratio = Math.min(RATIO_CEILING, Math.max(RATIO_FLOOR, ac / Math.max(pgaG, MIN_PGA_G)));
  const log10D =
    JIBSON2007.intercept +
    JIBSON2007.exponent1mr * Math.log10(1 - ratio) +
    JIBSON2007.exponentR * Math.log10(ratio);
  return (log10D - Math.log10(criticalDisplacementCm)) / scale;
}

/** P(f) = 1 − (1 − P_static)(1 − P_seismic), or P_static without ground motion. */
export function failureProbability(staticLogOdds: number, seismicLogOdds?: number): number {
  const staticP = sigmoid(staticLogOdds);
  if (seismicLogOdds === undefined) return staticP;
  return 1 - (1 - staticP) * (1 - sigmoid(seismicLogOdds));
}

/** Unit weights must leave the buoyancy factor 1 − m γ_w / γ positive for every m in [0, 1]. */
export function checkUnitWeights(unitWeight: number, waterUnitWeight: number): void {
  if (!(unitWeight > waterUnitWeight))
    throw new InputError(
      `--unit-weight ${unitWeight} kN/m3 must exceed the water unit weight ${waterUnitWeight} kN/m3 (a saturated slab would float)`,
    );
}
