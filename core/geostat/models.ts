import { InputError } from "../errors.ts";

/** Model families with gstat's names and conventions (range parameter `a`, not the practical range). */
export type ModelType = "sph" | "exp" | "gau" | "mat";
export const MODEL_TYPES: readonly ModelType[] = ["sph", "exp", "gau", "mat"];

/**
 * A variogram model: a nugget plus one structure, as gstat's `vgm(psill, model, range, nugget, kappa)`.
 * gamma(h) = nugget * [h > 0] + psill * (1 - rho(h / range)), so the covariance is
 * C(h) = psill * rho(h / range) + nugget * [h == 0] and the total sill is nugget + psill.
 */
export interface VariogramModel {
  type: ModelType;
  nugget: number;
  psill: number;
  range: number;
  /** Matérn smoothness (gstat's kappa); ignored by the other families. */
  kappa: number;
}

/** Correlation rho(h/range) of the structure, in [0, 1]; gstat's definitions (gstat/src/vario_fn.c). */
export function correlationFunction(model: VariogramModel): (h: number) => number {
  const a = model.range;
  switch (model.type) {
    case "sph":
      return (h) => {
        if (h >= a) return 0;
        const r = h / a;
        return 1 - 1.5 * r + 0.5 * r * r * r;
      };
    case "exp":
      return (h) => Math.exp(-h / a);
    case "gau":
      return (h) => {
        const r = h / a;
        return Math.exp(-r * r);
      };
    case "mat":
      return maternCorrelation(model.kappa, a);
  }
}

/** Matérn tables: log-spaced in r below MATERN_SPLIT (where rho is not smooth in r for small κ), linear above. */
const MATERN_SPLIT = 0.05;
const MATERN_LINEAR_STEP = 1e-3;
const MATERN_LOG_FIRST = Math.log(1e-8);
const MATERN_LOG_STEP = 0.01;

interface MaternTables {
  /** rho at r = exp(MATERN_LOG_FIRST + (k − 1) step), up to just past MATERN_SPLIT */
  nearLog: Float64Array;
  /** rho at r = MATERN_SPLIT + (k − 1) step, until it falls below 1e-17 */
  farLinear: Float64Array;
}

/**
 * Matérn correlation rho(r) = r^κ K_κ(r) / (2^(κ−1) Γ(κ)), r = h / range (gstat's parameterisation).
 * Kriging evaluates it millions of times, so it is interpolated (4-point Lagrange, error ~ step⁴ ×
 * fourth derivative / 24) from two tables: in ln r below r = 0.05, where rho behaves like
 * 1 − c r^(2κ) and is smooth in ln r but not in r, and in r above. Below r = 1e-8 it is computed
 * directly. The unit test checks the tables against the direct formula.
 */
function maternCorrelation(kappa: number, range: number): (h: number) => number {
  const scale = 1 / (2 ** (kappa - 1) * gammaFunction(kappa));
  const exact = (r: number) => (r === 0 ? 1 : scale * r ** kappa * besselK(kappa, r));
  const { nearLog, farLinear } = maternTables(kappa, exact);
  const smallest = Math.exp(MATERN_LOG_FIRST);
  return (h) => {
    const r = h / range;
    if (r < smallest) return exact(r);
    if (r < MATERN_SPLIT) return lagrange4(nearLog, (Math.log(r) - MATERN_LOG_FIRST) / MATERN_LOG_STEP + 1);
    const position = (r - MATERN_SPLIT) / MATERN_LINEAR_STEP + 1;
    return position >= farLinear.length - 2 ? 0 : lagrange4(farLinear, position);
  };
}

/** Interpolates table at a fractional position in [1, length − 2) through nodes i−1 .. i+2. */
function lagrange4(table: Float64Array, position: number): number {
  const i = Math.min(table.length - 3, Math.max(1, Math.floor(position)));
  const t = position - i;
  return (
    (-t * (t - 1) * (t - 2) * table[i - 1]) / 6 +
    ((t + 1) * (t - 1) * (t - 2) * table[i]) / 2 -
    ((t + 1) * t * (t - 2) * table[i + 1]) / 2 +
    ((t + 1) * t * (t - 1) * table[i + 2]) / 6
  );
}

/** The tables depend on κ only (r is scaled by the range), so the fit's many ranges share them. */
const maternTableCache = new Map<number, MaternTables>();

function maternTables(kappa: number, exact: (r: number) => number): MaternTables {
  let tables = maternTableCache.get(kappa);
  if (!tables) {
    const near: number[] = [];
    const nearCount = Math.ceil((Math.log(MATERN_SPLIT) - MATERN_LOG_FIRST) / MATERN_LOG_STEP) + 3;
    for (let k = 0; k < nearCount; k++)
      near.push(exact(Math.exp(MATERN_LOG_FIRST + (k - 1) * MATERN_LOG_STEP)));
    const far: number[] = [];
    for (let k = 0; ; k++) {
      const value = exact(MATERN_SPLIT + (k - 1) * MATERN_LINEAR_STEP);
      far.push(value);
      if (value < 1e-17 && far.length > 4) break;
    }
    tables = { nearLog: Float64Array.from(near), farLinear: Float64Array.from(far) };
    maternTableCache.set(kappa, tables);
  }
  return tables;
}

/** Covariance C(h) including the nugget at exactly h = 0 (gstat's point-support convention). */
export function covarianceFunction(model: VariogramModel): (h: number) => number {
  const rho = correlationFunction(model);
  const { psill, nugget } = model;
  return (h) => (h === 0 ? psill + nugget : psill * rho(h));
}

/** Semivariance gamma(h); gamma(0) = 0. */
export function semivariance(model: VariogramModel, h: number, rho = correlationFunction(model)): number {
  if (h === 0) return 0;
  return model.nugget + model.psill * (1 - rho(h));
}

export function sill(model: VariogramModel): number {
  return model.nugget + model.psill;
}

/** gstat-like text for messages and JSON: `sph(nugget=0.05,psill=0.59,range=897)`. */
export function formatModel(model: VariogramModel): string {
  const round = (v: number) => Number(v.toPrecision(6));
  const kappa = model.type === "mat" ? `,kappa=${round(model.kappa)}` : "";
  return `${model.type}(nugget=${round(model.nugget)},psill=${round(model.psill)},range=${round(model.range)}${kappa})`;
}

/** What `--variogram` asks for: choose automatically, fit one family, or use a fixed model. */
export type VariogramSpec =
  | { kind: "auto" }
  | { kind: "fit"; type: ModelType; kappa?: number }
  | { kind: "fixed"; model: VariogramModel };

const SPEC_PATTERN = /^\s*([a-z]+)\s*(?:\(([^)]*)\))?\s*$/i;
const PARAMETER_NAMES = ["nugget", "psill", "range", "kappa"] as const;

/**
 * Parses `auto`, a family (`sph`, `mat(kappa=1.5)`: fit it) or a full model
 * (`sph(nugget=0.05,psill=0.59,range=897)`: use it as given). Family names are case-insensitive
 * and accept gstat's spellings (Sph, Exp, Gau, Mat).
 */
export function parseVariogramSpec(text: string): VariogramSpec {
  const match = SPEC_PATTERN.exec(text);
  const usage =
    'expected auto, a family (sph|exp|gau|mat) or a model such as "sph(nugget=0.05,psill=0.59,range=897)"';
  if (!match) throw new InputError(`--variogram "${text}": ${usage}`);
  const name = match[1].toLowerCase();
  if (name === "auto" && match[2] === undefined) return { kind: "auto" };
  if (!(MODEL_TYPES as readonly string[]).includes(name))
    throw new InputError(`--variogram "${text}": unknown model "${match[1]}"; ${usage}`);
  const type = name as ModelType;
  const values: Partial<Record<(typeof PARAMETER_NAMES)[number], number>> = {};
  for (const part of (match[2] ?? "").split(",").filter((p) => p.trim() !== "")) {
    const [key, raw] = part.split("=").map((s) => s.trim());
    const value = Number(raw);
    if (
      !(PARAMETER_NAMES as readonly string[]).includes(key) ||
      raw === undefined ||
      raw === "" ||
      !Number.isFinite(value)
    ) {
      throw new InputError(
        `--variogram "${text}": cannot read "${part.trim()}"; parameters are nugget=, psill=, range=, kappa= with numbers`,
      );
    }
    values[key as (typeof PARAMETER_NAMES)[number]] = value;
  }
  if (type === "mat" && values.kappa !== undefined && !(values.kappa > 0))
    throw new InputError(`--variogram "${text}": kappa must be > 0`);
  const kappa = values.kappa ?? 0.5;
  if (values.psill === undefined && values.range === undefined && values.nugget === undefined) {
    return { kind: "fit", type, kappa: values.kappa };
  }
  if (values.psill === undefined || values.range === undefined) {
    throw new InputError(
      `--variogram "${text}": a fixed model needs psill= and range= (nugget= defaults to 0)`,
    );
  }
  const model: VariogramModel = {
    type,
    nugget: values.nugget ?? 0,
    psill: values.psill,
    range: values.range,
    kappa,
  };
  if (model.nugget < 0 || model.psill < 0 || !(model.range > 0) || model.nugget + model.psill <= 0) {
    throw new InputError(
      `--variogram "${text}": need nugget >= 0, psill >= 0, range > 0 and a positive total sill`,
    );
  }
  return { kind: "fixed", model };
}

/** Lanczos approximation (g = 7, n = 9), relative error ~1e-15 for the kappa values used here. */
export function gammaFunction(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gammaFunction(1 - x));
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return Math.sqrt(2 * Math.PI) * t ** (z + 0.5) * Math.exp(-t) * sum;
}

/**
 * Modified Bessel function of the second kind K_nu(x), x > 0, from its integral
 * K_nu(x) = ∫_0^∞ exp(-x cosh t) cosh(nu t) dt by the trapezoidal rule. The integrand is analytic
 * and decays doubly exponentially, so the error falls like exp(-2π s / step) for a strip of
 * half-width s: with s ≈ π/2 a step of 0.25 is below 1e-16 relative; for large x the peak narrows
 * like 1/sqrt(x) and a step of 0.7/sqrt(x) keeps the error below exp(-2π²/0.49) ≈ 3e-18. The sum
 * stops past the peak once a term is below 1e-17 of it.
 */
export function besselK(nu: number, x: number): number {
  const step = Math.min(0.25, 0.7 / Math.sqrt(x));
  let sum = 0.5 * Math.exp(-x);
  for (let t = step; ; t += step) {
    const term = Math.exp(-x * Math.cosh(t)) * Math.cosh(nu * t);
    sum += term;
    if (x * Math.sinh(t) > nu && term <= 1e-17 * sum) break;
  }
  return sum * step;
}
