import { InputError } from "../errors.ts";

/** Soil and geometry of an infinite slope; units as in docs/stability.md. */
export interface SlopeParameters {
  /** Slope angle α (degrees, 0 ≤ α < 90). */
  slopeDeg: number;
  /** Effective cohesion c' (kPa, ≥ 0). */
  cohesionKPa: number;
  /** Effective friction angle φ' (degrees, 0 ≤ φ' < 90). */
  frictionDeg: number;
  /** Unit weight of the soil γ (kN/m³, > 0). */
  unitWeightKNm3: number;
  /** Slope-normal thickness of the sliding slab t (m, > 0). */
  thicknessM: number;
  /** Fraction m of the slab that is saturated (0..1). */
  saturation: number;
  /** Unit weight of water γ_w (kN/m³, > 0), default 9.81. */
  waterUnitWeightKNm3: number;
}

export interface StabilityResult {
  /** Static factor of safety; +Infinity on flat cells (α = 0). */
  fs: number;
  /** Critical acceleration (g): (FS − 1) sin α, 0 where FS < 1. */
  acG: number;
  /** FS < 1: statically unstable (a_c is then 0, not negative). */
  unstable: boolean;
}

type Range = { min: number; max: number; minOpen?: boolean; maxOpen?: boolean; unit: string };

/** Physical ranges; values outside are input errors, never clamped. */
export const PARAMETER_RANGES: Record<keyof SlopeParameters, Range> = {
  slopeDeg: { min: 0, max: 90, maxOpen: true, unit: "degrees" },
  cohesionKPa: { min: 0, max: Number.POSITIVE_INFINITY, unit: "kPa" },
  frictionDeg: { min: 0, max: 90, maxOpen: true, unit: "degrees" },
  unitWeightKNm3: { min: 0, max: Number.POSITIVE_INFINITY, minOpen: true, unit: "kN/m3" },
  thicknessM: { min: 0, max: Number.POSITIVE_INFINITY, minOpen: true, unit: "m" },
  saturation: { min: 0, max: 1, unit: "fraction" },
  waterUnitWeightKNm3: { min: 0, max: Number.POSITIVE_INFINITY, minOpen: true, unit: "kN/m3" },
};

export function inRange(value: number, range: Range): boolean {
  const aboveMin = range.minOpen ? value > range.min : value >= range.min;
  const belowMax = range.maxOpen ? value < range.max : value <= range.max;
  return aboveMin && belowMax;
}

export function describeRange(range: Range): string {
  const low = `${range.minOpen ? "(" : "["}${range.min}`;
  const high = `${Number.isFinite(range.max) ? range.max : "∞"}${range.maxOpen ? ")" : "]"}`;
  return `${low}, ${high} ${range.unit}`;
}

const RADIANS = Math.PI / 180;

/**
 * Infinite-slope static factor of safety (Jibson, Harp & Michael 2000; Jibson 2007):
 * FS = c'/(γ t sin α) + tan φ'/tan α − m γ_w tan φ'/(γ tan α); +Infinity on flat cells (α = 0).
 */
export function factorOfSafety(
  slopeDeg: number,
  cohesionKPa: number,
  frictionDeg: number,
  unitWeightKNm3: number,
  thicknessM: number,
  saturation: number,
  waterUnitWeightKNm3: number,
): number {
  if (slopeDeg === 0) return Number.POSITIVE_INFINITY;
  const slope = slopeDeg * RADIANS;
  const buoyancy = 1 - (saturation * waterUnitWeightKNm3) / unitWeightKNm3;
  return (
    cohesionKPa / (unitWeightKNm3 * thicknessM * Math.sin(slope)) +
    (Math.tan(frictionDeg * RADIANS) / Math.tan(slope)) * buoyancy
  );
}

/**
 * (FS − 1) sin α in g, in the algebraically equal form c'/(γ t) + tan φ' cos α (1 − m γ_w/γ) − sin α,
 * which stays finite on flat cells where FS is infinite. Negative when FS < 1 (the caller zeroes it).
 */
export function signedCriticalAcceleration(
  slopeDeg: number,
  cohesionKPa: number,
  frictionDeg: number,
  unitWeightKNm3: number,
  thicknessM: number,
  saturation: number,
  waterUnitWeightKNm3: number,
): number {
  const slope = slopeDeg * RADIANS;
  const buoyancy = 1 - (saturation * waterUnitWeightKNm3) / unitWeightKNm3;
  return (
    cohesionKPa / (unitWeightKNm3 * thicknessM) +
    Math.tan(frictionDeg * RADIANS) * Math.cos(slope) * buoyancy -
    Math.sin(slope)
  );
}

/** FS, a_c = max((FS − 1) sin α, 0) in g, and the unstable flag (FS < 1) for in-range parameters. */
export function infiniteSlope(p: SlopeParameters): StabilityResult {
  const args = [
    p.slopeDeg,
    p.cohesionKPa,
    p.frictionDeg,
    p.unitWeightKNm3,
    p.thicknessM,
    p.saturation,
    p.waterUnitWeightKNm3,
  ] as const;
  const fs = factorOfSafety(...args);
  const ac = signedCriticalAcceleration(...args);
  // On flat cells FS is infinite, so stability is decided by the sign of a_c alone.
  const unstable = p.slopeDeg === 0 ? ac < 0 : fs < 1;
  return { fs, acG: unstable ? 0 : Math.max(ac, 0), unstable };
}

/** Checks every parameter of a scalar call; InputError naming the option otherwise. */
export function validateSlopeParameters(
  p: SlopeParameters,
  names: Record<keyof SlopeParameters, string>,
): void {
  for (const key of Object.keys(PARAMETER_RANGES) as (keyof SlopeParameters)[]) {
    const value = p[key];
    if (!Number.isFinite(value) || !inRange(value, PARAMETER_RANGES[key])) {
      throw new InputError(
        `${names[key]} = ${value} is outside the physical range ${describeRange(PARAMETER_RANGES[key])}`,
      );
    }
  }
}
