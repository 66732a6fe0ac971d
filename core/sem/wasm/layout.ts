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
  invMassX: 24,
  invMassZ: 28,
  /** Element groups: see groupVectors. */
  groups: 32,
  /** Per group, i32: active lanes | (rectangular ? 256 : 0). */
  groupInfo: 36,
  /** The even–odd coefficient sets (see coefficientSets), each coefficient as a vector of equal lanes. */
  constants: 40,
  /** npz × float bytes: from one GLL point column to the next. */
  pointColumnBytes: 44,
  groupsPerColumn: 48,
  /** (ngll − 1) × npz × float bytes: from one element column to the next. */
  elementColumnBytes: 52,
  dt: 64,
  halfDt: 72,
  halfDtSquared: 80,
} as const;
export const LAYOUT_BYTES = 96;

/**
 * A group is `lanes` consecutive elements of one element column, one per SIMD lane. Its record,
 * in vectors of `lanes` floats (lane k = element k of the group): λ, μ, λ + 2μ; the six
 * constants of a rectangular element (RECTANGLE_CONSTANTS); then per GLL point (ngll² of them)
 * ξx, ξz, γx, γz, J.
 */
export const GROUP_HEADER_VECTORS = 9;

/**
 * A rectangle has a constant inverse map with ξz = γx = 0, so its tractions are two products
 * each: t1x = c1 ∂ξux + c2 ∂γuz, t2z = c3 ∂γuz + c2 ∂ξux, t1z = c4 ∂ξuz + c5 ∂γux,
 * t2x = c5 ∂ξuz + c6 ∂γux, with these constants (J the Jacobian, ξx and γz the inverse map).
 */
export function rectangleConstants(
  lambda: number,
  mu: number,
  xix: number,
  gammaz: number,
  jacobian: number,
): number[] {
  const lambda2mu = lambda + 2 * mu;
  return [
    jacobian * xix * xix * lambda2mu,
    jacobian * xix * gammaz * lambda,
    jacobian * gammaz * gammaz * lambda2mu,
    jacobian * xix * xix * mu,
    jacobian * xix * gammaz * mu,
    jacobian * gammaz * gammaz * mu,
  ];
}

/**
 * The 1D sums of the kernel are products y = X·u with an ngll × ngll matrix that is
 * centro-antisymmetric, X[n−1−i][n−1−l] = −X[i][l]: the GLL derivative matrix D, and
 * K[i][l] = w_l D[l][i] of the divergence (the weights are symmetric). With the even and odd
 * parts e_l = u_l + u_{n−1−l}, o_l = u_l − u_{n−1−l} (l < m = ⌊n/2⌋) and, for odd n, the centre
 * c = u_m: y_i = P_i + M_i and y_{n−1−i} = P_i − M_i, where P_i = Σ A[i][l] o_l and
 * M_i = Σ B[i][l] e_l (+ B[i][m] c), and for odd n the centre y_m = Σ C[l] o_l. For NGLL 5 that
 * is 27 operations instead of 45 (Kopriva 2009, "Implementing spectral methods", §3.5).
 * Layout of one set: A (m × m), B (m × (m + n mod 2)), C (m if n is odd).
 */
export function evenOddSetSize(ngll: number): number {
  const m = Math.floor(ngll / 2);
  const odd = ngll % 2;
  return m * m + m * (m + odd) + odd * m;
}

export function evenOddCoefficients(matrix: ArrayLike<number>, ngll: number): Float64Array {
  const n = ngll;
  const m = Math.floor(n / 2);
  const odd = n % 2;
  const out = new Float64Array(evenOddSetSize(n));
  const x = (i: number, l: number) => matrix[i * n + l];
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      out[i * m + l] = (x(i, l) - x(i, n - 1 - l)) / 2;
      out[m * m + i * (m + odd) + l] = (x(i, l) + x(i, n - 1 - l)) / 2;
    }
    if (odd) out[m * m + i * (m + 1) + m] = x(i, m);
  }
  if (odd) for (let l = 0; l < m; l++) out[m * m + m * (m + 1) + l] = x(m, l);
  return out;
}

/**
 * The kernel's coefficient sets: set 0 is D (the gradient, along ξ and along γ); set 1 + s is
 * w_s K (the divergence along one index, with the weight of the other index w_s folded in).
 */
export function coefficientSets(
  derivative: ArrayLike<number>,
  weights: ArrayLike<number>,
  ngll: number,
): Float64Array {
  const n = ngll;
  const size = evenOddSetSize(n);
  const out = new Float64Array((1 + n) * size);
  out.set(evenOddCoefficients(derivative, n), 0);
  for (let s = 0; s < n; s++) {
    const scaled = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let l = 0; l < n; l++) scaled[i * n + l] = weights[s] * weights[l] * derivative[l * n + i];
    out.set(evenOddCoefficients(scaled, n), (1 + s) * size);
  }
  return out;
}
export function groupVectors(ngll: number): number {
  return GROUP_HEADER_VECTORS + 5 * ngll * ngll;
}

/** Per-thread scratch: u (x, z), then t1x, t1z, t2x, t2z, then f (x, z): 8 vectors per GLL point. */
export function scratchBytes(ngll: number): number {
  return 8 * ngll * ngll * 16;
}
