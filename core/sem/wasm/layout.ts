/**
 * Where the wasm SEM kernels find their data in the shared memory: one header of pointers and
 * constants (LAYOUT_SLOTS), element groups, and per-thread scratch. Shared by the generator
 * (kernel-source.ts), which reads the header, and the solver (solver-data.ts), which writes it.
 */

export type Precision = "single" | "double";

/** Bytes per float and elements per 128-bit vector. */
export function floatBytes(precision: Precision): 4 | 8 {
  return precision === "single" ? 4 : 8;
}
export function lanes(precision: Precision): 4 | 2 {
  return precision === "single" ? 4 : 2;
}

/** Byte offsets of the header fields (i32 pointers and sizes, then three floats of the precision). */
export const LAYOUT_SLOTS = {
  ux: 0,
  uz: 4,
  vx: 8,
  vz: 12,
  ax: 16,
  az: 20,
  dampX: 24,
  dampZ: 28,
  invMassX: 32,
  invMassZ: 36,
  /** Element groups: see groupFloats. */
  groups: 40,
  /** Per group, i32: active lanes | (rectangular ? 256 : 0). */
  groupInfo: 44,
  /** derivative (ngll²), weightedDerivative (ngll²), weights (ngll), as floats of the precision. */
  constants: 48,
  /** npz × float bytes: from one GLL point column to the next. */
  pointColumnBytes: 52,
  groupsPerColumn: 56,
  /** (ngll − 1) × npz × float bytes: from one element column to the next. */
  elementColumnBytes: 60,
  dt: 64,
  halfDt: 72,
  halfDtSquared: 80,
} as const;
export const LAYOUT_BYTES = 96;

/**
 * A group is `lanes` consecutive elements of one element column, one per SIMD lane. Its record,
 * in vectors of `lanes` floats (lane k = element k of the group): λ, μ, λ + 2μ, then the
 * rectangular shortcut's constant ξx, γz, J, then per GLL point (ngll² of them) ξx, ξz, γx, γz, J.
 */
export const GROUP_HEADER_VECTORS = 6;
export function groupVectors(ngll: number): number {
  return GROUP_HEADER_VECTORS + 5 * ngll * ngll;
}

/** Per-thread scratch: u (x, z), then t1x, t1z, t2x, t2z, then f (x, z): 8 vectors per GLL point. */
export function scratchBytes(ngll: number): number {
  return 8 * ngll * ngll * 16;
}
