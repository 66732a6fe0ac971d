/** Soil and geometry of an infinite slope; units as in docs/stability.md. The names are the stability
 * step's option names (schema.ts) and, in kebab-case, the CLI's. */
export interface SlopeParameters {
  /** Slope angle α (degrees, 0 ≤ α < 90). */
  slope: number;
  /** Effective cohesion c' (kPa, ≥ 0). */
  cohesion: number;
  /** Effective friction angle φ' (degrees, 0 ≤ φ' < 90). */
  frictionAngle: number;
  /** Unit weight of the soil γ (kN/m³, > 0). */
  unitWeight: number;
  /** Slope-normal thickness of the sliding slab t (m, > 0). */
  thickness: number;
  /** Fraction m of the slab that is saturated (0..1). */
  saturation: number;
  /** Unit weight of water γ_w (kN/m³, > 0), default 9.81. */
  waterUnitWeight: number;
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

/**
 * Physical ranges; values outside are input errors, never clamped. The bounds past what any soil
 * or rock has (cohesion 100 MPa, unit weights 1 to 100 kN/m3, slabs of 1 cm to 1 km) keep a value
 * in the wrong units (Pa for kPa, mm for m) from giving an infinite FS that reads as a flat cell.
 */
export const PARAMETER_RANGES: Record<keyof SlopeParameters, Range> = {
  slope: { min: 0, max: 90, maxOpen: true, unit: "degrees" },
  cohesion: { min: 0, max: 100_000, unit: "kPa" },
  frictionAngle: { min: 0, max: 90, maxOpen: true, unit: "degrees" },
  unitWeight: { min: 1, max: 100, unit: "kN/m3" },
  thickness: { min: 0.01, max: 1000, unit: "m" },
  saturation: { min: 0, max: 1, unit: "fraction" },
  waterUnitWeight: { min: 1, max: 100, unit: "kN/m3" },
};

/** Finite and inside the range (an infinite raster value is as wrong as a negative one). */
export function inRange(value: number, range: Range): boolean {
  if (!Number.isFinite(value)) return false;
  const aboveMin = range.minOpen ? value > range.min : value >= range.min;
  const belowMax = range.maxOpen ? value < range.max : value <= range.max;
  return aboveMin && belowMax;
}

/** The problem with a value outside a parameter's range, for the option check and the cell check alike. */
export function rangeProblem(key: keyof SlopeParameters): string {
  const range = PARAMETER_RANGES[key];
  const low = `${range.minOpen ? "(" : "["}${range.min}`;
  const high = Number.isFinite(range.max) ? `${range.max}${range.maxOpen ? ")" : "]"}` : "∞)";
  return `must be in the physical range ${low}, ${high} ${range.unit}`;
}

const RADIANS = Math.PI / 180;

/**
 * Infinite-slope static factor of safety (Jibson, Harp & Michael 2000; Jibson 2007):
 * FS = c'/(γ t sin α) + tan φ'/tan α − m γ_w tan φ'/(γ tan α); +Infinity on flat cells (α = 0).
 */
export function factorOfSafety(p: SlopeParameters): number {
  if (p.slope === 0) return Number.POSITIVE_INFINITY;
  const slope = p.slope * RADIANS;
  const buoyancy = 1 - (p.saturation * p.waterUnitWeight) / p.unitWeight;
  return (
    p.cohesion / (p.unitWeight * p.thickness * Math.sin(slope)) +
    (Math.tan(p.frictionAngle * RADIANS) / Math.tan(slope)) * buoyancy
  );
}

/**
 * (FS − 1) sin α in g, in the algebraically equal form c'/(γ t) + tan φ' cos α (1 − m γ_w/γ) − sin α,
 * which stays finite on flat cells where FS is infinite. Negative when FS < 1.
 */
export function signedCriticalAcceleration(p: SlopeParameters): number {
  const slope = p.slope * RADIANS;
  const buoyancy = 1 - (p.saturation * p.waterUnitWeight) / p.unitWeight;
  return (
    p.cohesion / (p.unitWeight * p.thickness) +
    Math.tan(p.frictionAngle * RADIANS) * Math.cos(slope) * buoyancy -
    Math.sin(slope)
  );
}

/**
 * FS, a_c = max((FS − 1) sin α, 0) in g and the unstable flag, written into `out` (a grid reuses
 * one object for every cell). The one place that decides what "statically unstable" means.
 */
export function evaluateSlope(p: SlopeParameters, out: StabilityResult): StabilityResult {
  out.fs = factorOfSafety(p);
  const ac = signedCriticalAcceleration(p);
  // On flat cells FS is infinite, so stability is decided by the sign of a_c alone.
  out.unstable = p.slope === 0 ? ac < 0 : out.fs < 1;
  out.acG = out.unstable ? 0 : Math.max(ac, 0);
  return out;
}

/** FS, a_c and the unstable flag of one slope with in-range parameters. */
export function infiniteSlope(p: SlopeParameters): StabilityResult {
  return evaluateSlope(p, { fs: 0, acG: 0, unstable: false });
}
