/**
 * Propagation of the uncertainty of one soil parameter (the kriged one, whose kriging variance
 * gives its standard deviation per cell) to the probability that the slope is statically unstable,
 * P(FS < 1), and to the spread of the critical acceleration a_c = max((FS - 1) sin α, 0).
 *
 * Both go through the signed critical acceleration A = (FS - 1) sin α (finite on flat cells, and
 * FS < 1 exactly when A < 0):
 *   - FOSM (first-order second-moment): A ≈ A(μ) + A'(μ)(p - μ), so A is Gaussian with
 *     σ_A = |A'(μ)| σ_p; P(FS < 1) = Φ(-A(μ)/σ_A), and a_c = max(A, 0) is a rectified Gaussian
 *     whose standard deviation has a closed form. A is linear in cohesion, so for cohesion FOSM is
 *     exact; for the other parameters it is a linearisation.
 *   - Monte Carlo: N draws p = μ + σ z_k with the same seeded standard-normal z_k in every cell
 *     (common random numbers: neighbouring cells do not differ by sampling noise), p moved to the
 *     edge of its physical range when a draw falls outside (e.g. cohesion < 0 becomes 0).
 */
import { Random } from "../ml/random.ts";
import type { SlopeParameters } from "./infinite-slope.ts";
import { standardNormalCdf } from "./regressions.ts";

/** Index of each parameter in the argument order of factorOfSafety / signedCriticalAcceleration. */
export const PARAMETER_INDEX = {
  cohesion: 1,
  frictionAngle: 2,
  unitWeight: 3,
  thickness: 4,
  saturation: 5,
} as const;

export type UncertainParameter = keyof typeof PARAMETER_INDEX;
export const UNCERTAIN_PARAMETERS = Object.keys(PARAMETER_INDEX) as UncertainParameter[];

/** Physical edges a Monte Carlo draw is moved back to (open bounds kept a hair inside). */
const DRAW_BOUNDS: Record<UncertainParameter, [number, number]> = {
  cohesion: [0, Number.POSITIVE_INFINITY],
  frictionAngle: [0, 89.999],
  unitWeight: [1e-6, Number.POSITIVE_INFINITY],
  thickness: [1e-6, Number.POSITIVE_INFINITY],
  saturation: [0, 1],
};

const RADIANS = Math.PI / 180;

/**
 * Signed critical acceleration (g) and its derivative with respect to parameter `k` (per unit of
 * that parameter: kPa, degree, kN/m3, m, fraction), for v = [α°, c', φ°, γ, t, m, γ_w].
 */
export function signedAcWithDerivative(v: Float64Array, k: number, out: Float64Array): void {
  const [alpha, c, phi, gamma, t, m, gammaW] = v;
  const cosA = Math.cos(alpha * RADIANS);
  const tanPhi = Math.tan(phi * RADIANS);
  const buoyancy = 1 - (m * gammaW) / gamma;
  out[0] = c / (gamma * t) + tanPhi * cosA * buoyancy - Math.sin(alpha * RADIANS);
  switch (k) {
    case 1:
      out[1] = 1 / (gamma * t);
      break;
    case 2:
      out[1] = (1 + tanPhi * tanPhi) * cosA * buoyancy * RADIANS;
      break;
    case 3:
      out[1] = -c / (gamma * gamma * t) + (tanPhi * cosA * m * gammaW) / (gamma * gamma);
      break;
    case 4:
      out[1] = -c / (gamma * t * t);
      break;
    default:
      out[1] = (-tanPhi * cosA * gammaW) / gamma;
  }
}

/** Standard normal CDF Φ (relative error < 1.2e-7: far below any map's precision). */
export const normalCdf = standardNormalCdf;

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Mean and standard deviation of max(X, 0) for X ~ N(μ, σ²) (the rectified Gaussian). */
export function rectifiedGaussian(mu: number, sigma: number): { mean: number; sd: number } {
  if (sigma <= 0) return { mean: Math.max(mu, 0), sd: 0 };
  const r = mu / sigma;
  const cdf = normalCdf(r);
  const pdf = INV_SQRT_2PI * Math.exp(-0.5 * r * r);
  const mean = mu * cdf + sigma * pdf;
  const second = (mu * mu + sigma * sigma) * cdf + mu * sigma * pdf;
  return { mean, sd: Math.sqrt(Math.max(second - mean * mean, 0)) };
}

export interface UncertaintyResult {
  /** P(FS < 1) per cell, NaN on nodata. */
  probabilityUnstable: Float32Array;
  /** Standard deviation of a_c (g) per cell, NaN on nodata. */
  acSd: Float32Array;
}

export interface UncertaintyInputs {
  /** The seven parameter layers as values per cell (constant layers filled), in SlopeParameters order. */
  layers: Record<keyof SlopeParameters, number | Float32Array>;
  parameter: UncertainParameter;
  /** Variance of the parameter per cell ((unit)²); negative round-off is read as 0. */
  variance: Float32Array;
  method: "fosm" | "montecarlo";
  samples: number;
  seed: number;
}

const ORDER: (keyof SlopeParameters)[] = [
  "slope",
  "cohesion",
  "frictionAngle",
  "unitWeight",
  "thickness",
  "saturation",
  "waterUnitWeight",
];

/** P(FS < 1) and the standard deviation of a_c for every cell (see the file comment for the methods). */
export function propagateUncertainty(inputs: UncertaintyInputs): UncertaintyResult {
  const cells = inputs.variance.length;
  const k = PARAMETER_INDEX[inputs.parameter];
  const probabilityUnstable = new Float32Array(cells);
  const acSd = new Float32Array(cells);
  const v = new Float64Array(7);
  const out = new Float64Array(2);
  const draws = inputs.method === "montecarlo" ? standardNormalDraws(inputs.samples, inputs.seed) : undefined;
  const [low, high] = DRAW_BOUNDS[inputs.parameter];
  for (let i = 0; i < cells; i++) {
    let nodata = Number.isNaN(inputs.variance[i]);
    for (let j = 0; j < 7; j++) {
      const layer = inputs.layers[ORDER[j]];
      v[j] = typeof layer === "number" ? layer : layer[i];
      if (Number.isNaN(v[j])) nodata = true;
    }
    if (nodata) {
      probabilityUnstable[i] = acSd[i] = Number.NaN;
      continue;
    }
    const sigma = Math.sqrt(Math.max(inputs.variance[i], 0));
    if (!draws) {
      signedAcWithDerivative(v, k, out);
      const sigmaA = Math.abs(out[1]) * sigma;
      probabilityUnstable[i] = sigmaA > 0 ? normalCdf(-out[0] / sigmaA) : out[0] < 0 ? 1 : 0;
      acSd[i] = rectifiedGaussian(out[0], sigmaA).sd;
      continue;
    }
    const mean = v[k];
    let below = 0;
    let sum = 0;
    let sumSquares = 0;
    for (let s = 0; s < draws.length; s++) {
      v[k] = Math.min(Math.max(mean + sigma * draws[s], low), high);
      signedAcWithDerivative(v, k, out);
      if (out[0] < 0) below++;
      const ac = Math.max(out[0], 0);
      sum += ac;
      sumSquares += ac * ac;
    }
    const n = draws.length;
    probabilityUnstable[i] = below / n;
    acSd[i] = Math.sqrt(Math.max((sumSquares - (sum * sum) / n) / (n - 1), 0));
  }
  return { probabilityUnstable, acSd };
}

/** N seeded standard-normal draws (Box-Muller on the project's mulberry32 generator). */
export function standardNormalDraws(n: number, seed: number): Float64Array {
  const random = new Random(seed);
  const draws = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - random.next(); // (0, 1]: log(u) is finite
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * random.next();
    draws[i] = r * Math.cos(theta);
    if (i + 1 < n) draws[i + 1] = r * Math.sin(theta);
  }
  return draws;
}
