import { InputError } from "../errors.ts";
import { correlationFunction, type ModelType, type VariogramModel } from "./models.ts";
import type { VariogramBin } from "./variogram.ts";

export interface FittedModel {
  model: VariogramModel;
  /** weighted sum of squared errors, gstat's attr(fit, "SSErr") */
  sserr: number;
}

/** Matérn smoothness values tried by the automatic choice (those of automap's autofitVariogram). */
export const AUTO_KAPPAS = [
  0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2, 5, 10,
];

/**
 * Best non-negative nugget and partial sill for a fixed range: a two-parameter non-negative
 * weighted least-squares problem, solved exactly (unconstrained solution, else the best one-sided one).
 */
function bestSills(
  gamma: Float64Array,
  weight: Float64Array,
  shape: Float64Array,
): { nugget: number; psill: number; sserr: number } {
  let sw = 0;
  let swg = 0;
  let swgg = 0;
  let swy = 0;
  let swyg = 0;
  let swyy = 0;
  for (let j = 0; j < gamma.length; j++) {
    const w = weight[j];
    sw += w;
    swg += w * shape[j];
    swgg += w * shape[j] * shape[j];
    swy += w * gamma[j];
    swyg += w * gamma[j] * shape[j];
    swyy += w * gamma[j] * gamma[j];
  }
  // S(n, s) = swyy - 2 n swy - 2 s swyg + n² sw + 2 n s swg + s² swgg
  const objective = (n: number, s: number) =>
    swyy - 2 * n * swy - 2 * s * swyg + n * n * sw + 2 * n * s * swg + s * s * swgg;
  const determinant = sw * swgg - swg * swg;
  const candidates: [number, number][] = [[0, 0]];
  if (determinant > 1e-14 * sw * swgg) {
    const n = (swy * swgg - swg * swyg) / determinant;
    const s = (sw * swyg - swg * swy) / determinant;
    if (n >= 0 && s >= 0) candidates.push([n, s]);
  }
  if (swgg > 0) candidates.push([0, Math.max(0, swyg / swgg)]);
  candidates.push([Math.max(0, swy / sw), 0]);
  let best = { nugget: 0, psill: 0, sserr: Number.POSITIVE_INFINITY };
  for (const [n, s] of candidates) {
    const sserr = objective(n, s);
    if (sserr < best.sserr) best = { nugget: n, psill: s, sserr };
  }
  return best;
}

/**
 * Weighted least-squares fit of one model family to an empirical variogram with gstat's default
 * weights N_j / h_j² (fit.method = 7). The sills enter linearly, so for each range they are solved
 * exactly (non-negative); the range is found by a log-spaced scan followed by golden-section search
 * on that profile. This finds the constrained optimum that gstat's iterations converge to, without
 * depending on start values.
 */
export function fitVariogram(bins: VariogramBin[], type: ModelType, kappa = 0.5): FittedModel {
  const usable = bins.filter((b) => b.dist > 0 && b.np > 0);
  if (usable.length < 3) {
    throw new InputError(
      `cannot fit a variogram to ${usable.length} lag bin(s); need at least 3 (more samples, or a larger --cutoff)`,
    );
  }
  const h = Float64Array.from(usable, (b) => b.dist);
  const gamma = Float64Array.from(usable, (b) => b.gamma);
  const weight = Float64Array.from(usable, (b) => b.np / (b.dist * b.dist));
  if (gamma.every((g) => g === 0))
    throw new InputError("all sample values are equal: the variogram is zero and kriging is meaningless");
  const shape = new Float64Array(h.length);
  const profile = (range: number) => {
    const rho = correlationFunction({ type, nugget: 0, psill: 1, range, kappa });
    for (let j = 0; j < h.length; j++) shape[j] = 1 - rho(h[j]);
    return bestSills(gamma, weight, shape);
  };
  const maxDistance = h[h.length - 1];
  const scanCount = 150;
  const logLow = Math.log(maxDistance / 1000);
  const logHigh = Math.log(maxDistance * 100);
  const logRangeAt = (k: number) => logLow + ((logHigh - logLow) * k) / (scanCount - 1);
  let bestK = 0;
  let bestValue = Number.POSITIVE_INFINITY;
  for (let k = 0; k < scanCount; k++) {
    const value = profile(Math.exp(logRangeAt(k))).sserr;
    if (value < bestValue) {
      bestValue = value;
      bestK = k;
    }
  }
  const logRange = goldenSection(
    (logR) => profile(Math.exp(logR)).sserr,
    logRangeAt(Math.max(0, bestK - 1)),
    logRangeAt(Math.min(scanCount - 1, bestK + 1)),
  );
  const range = Math.exp(logRange);
  const sills = profile(range);
  return { model: { type, nugget: sills.nugget, psill: sills.psill, range, kappa }, sserr: sills.sserr };
}

/** Minimum of a unimodal function on [a, b], to a relative width of 1e-12. */
function goldenSection(f: (v: number) => number, a: number, b: number): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (Math.abs(b - a) > 1e-12 * Math.max(1, Math.abs(a))) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

/**
 * Fits spherical, exponential, Gaussian and Matérn (each kappa of AUTO_KAPPAS) and keeps the one
 * with the smallest weighted SSErr; all candidates are returned for the report.
 */
export function fitBestVariogram(bins: VariogramBin[]): { best: FittedModel; candidates: FittedModel[] } {
  const candidates: FittedModel[] = [
    fitVariogram(bins, "sph"),
    fitVariogram(bins, "exp"),
    fitVariogram(bins, "gau"),
  ];
  for (const kappa of AUTO_KAPPAS) candidates.push(fitVariogram(bins, "mat", kappa));
  const best = candidates.reduce((a, b) => (b.sserr < a.sserr ? b : a));
  return { best, candidates };
}
