import { InputError } from "../errors.ts";
import { KdTree } from "./kdtree.ts";
import { choleskyInPlace, choleskySolveInPlace, solveSmallSpd } from "./linalg.ts";
import { covarianceFunction, sill, type VariogramModel } from "./models.ts";

/**
 * Samples and trend for one kriging problem, as plain arrays (workers rebuild a Kriger from it).
 * The trend columns F (p of them, one value per sample) carry the unbiasedness constraints:
 * ordinary kriging has F = [1], universal kriging [1, x, y] or [1, covariates...], and simple
 * kriging none (then `simpleMean` is the known mean).
 */
export interface KrigingProblem {
  model: VariogramModel;
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  trend: Float64Array[];
  simpleMean?: number;
  /** null: global kriging (every sample); otherwise the nmax nearest within maxDistance. */
  neighbourhood: { nmax: number; maxDistance: number } | null;
}

/** One prediction; `lagrangeTerm` = μᵀf0 is what the lognormal back-transform needs. */
export interface KrigingResult {
  prediction: number;
  variance: number;
  lagrangeTerm: number;
}

/** Above this, a global system (n x n, factorised once) costs too much memory and time: ask for --nmax. */
export const MAX_GLOBAL_SAMPLES = 4000;

export function assertGlobalFeasible(sampleCount: number): void {
  if (sampleCount > MAX_GLOBAL_SAMPLES) {
    throw new InputError(
      `global kriging of ${sampleCount} samples needs a ${sampleCount} x ${sampleCount} system; give --nmax (e.g. 20) for local kriging`,
    );
  }
}

/**
 * Solves the kriging equations in covariance form, C λ + F μ = c0, Fᵀ λ = f0, by a Cholesky
 * factorisation of C and the Schur complement M = Fᵀ C⁻¹ F:
 *   a = C⁻¹ c0,  μ = M⁻¹ (Fᵀ a − f0),  λ = a − C⁻¹ F μ,
 *   prediction = λᵀ z,  variance = C(0) − λᵀ c0 − μᵀ f0   (Cressie 1993, §3.4).
 * All buffers are allocated once; a local neighbourhood that equals the previous one (common for
 * neighbouring grid cells) reuses the previous factorisation.
 */
export class Kriger {
  private readonly problem: KrigingProblem;
  private readonly cov: (h: number) => number;
  private readonly totalSill: number;
  private readonly p: number;
  private readonly tree: KdTree | null;
  private readonly size: number;
  private readonly neighbours: Int32Array;
  private readonly previous: Int32Array;
  private previousCount = -1;
  private readonly factor: Float64Array;
  private readonly a: Float64Array;
  private readonly c0: Float64Array;
  private readonly trendSolved: Float64Array;
  private readonly schur: Float64Array;
  private readonly schurScratch: Float64Array;
  private readonly mu: Float64Array;
  private readonly residualZ: Float64Array;

  constructor(problem: KrigingProblem) {
    this.problem = problem;
    this.cov = covarianceFunction(problem.model);
    this.totalSill = sill(problem.model);
    this.p = problem.trend.length;
    const n = problem.x.length;
    const local = problem.neighbourhood;
    if (!local) assertGlobalFeasible(n);
    this.size = local ? Math.min(local.nmax, n) : n;
    this.tree = local ? new KdTree(problem.x, problem.y) : null;
    const m = this.size;
    this.neighbours = new Int32Array(m);
    this.previous = new Int32Array(m);
    this.factor = new Float64Array(m * m);
    this.a = new Float64Array(m);
    this.c0 = new Float64Array(m);
    this.trendSolved = new Float64Array(Math.max(1, this.p) * m);
    this.schur = new Float64Array(this.p * this.p);
    this.schurScratch = new Float64Array(this.p * this.p);
    this.mu = new Float64Array(this.p);
    const mean = problem.simpleMean ?? 0;
    this.residualZ = problem.z.map((v) => v - mean);
    if (!local) {
      for (let i = 0; i < n; i++) this.neighbours[i] = i;
      this.factorise(n, 0, 0);
      this.previousCount = n;
    }
  }

  /**
   * Predicts at (tx, ty) with trend values f0 (length p) and writes into `out`. `skip` leaves one
   * sample out (leave-one-out cross-validation). Fewer usable neighbours than the trend needs
   * gives NaN.
   */
  predict(tx: number, ty: number, f0: Float64Array, out: KrigingResult, skip = -1): void {
    const { x, y, trend } = this.problem;
    const p = this.p;
    let m = this.size;
    if (this.tree) {
      const { nmax, maxDistance } = this.problem.neighbourhood!;
      m = this.tree.nearest(
        tx,
        ty,
        nmax,
        maxDistance,
        this.neighbours,
        skip,
        this.previousBound(tx, ty, nmax, skip),
      );
      sortSmall(this.neighbours, m);
      if (m < Math.max(1, p)) {
        out.prediction = Number.NaN;
        out.variance = Number.NaN;
        out.lagrangeTerm = Number.NaN;
        return;
      }
      if (!this.sameAsPrevious(m)) this.factorise(m, tx, ty);
    } else if (skip >= 0) {
      throw new Error("leave-one-out on a global Kriger: build one without the sample instead");
    }
    const idx = this.neighbours;
    const { a, c0, trendSolved, mu } = this;
    for (let i = 0; i < m; i++) {
      const dx = tx - x[idx[i]];
      const dy = ty - y[idx[i]];
      c0[i] = this.cov(Math.sqrt(dx * dx + dy * dy));
      a[i] = c0[i];
    }
    choleskySolveInPlace(this.factor, m, a);
    for (let k = 0; k < p; k++) {
      const column = trend[k];
      let r = -f0[k];
      for (let i = 0; i < m; i++) r += column[idx[i]] * a[i];
      mu[k] = r;
    }
    if (p > 0 && !solveSmallSpd(this.schur, p, mu, this.schurScratch)) this.singular(tx, ty);
    let prediction = 0;
    let weightedC0 = 0;
    for (let i = 0; i < m; i++) {
      let lambda = a[i];
      for (let k = 0; k < p; k++) lambda -= trendSolved[k * m + i] * mu[k];
      prediction += lambda * this.residualZ[idx[i]];
      weightedC0 += lambda * c0[i];
    }
    let lagrangeTerm = 0;
    for (let k = 0; k < p; k++) lagrangeTerm += mu[k] * f0[k];
    out.prediction = prediction + (this.problem.simpleMean ?? 0);
    out.variance = this.totalSill - weightedC0 - lagrangeTerm;
    out.lagrangeTerm = lagrangeTerm;
  }

  /** Builds and factorises C for the current neighbours, then C⁻¹F and M = Fᵀ C⁻¹ F. */
  private factorise(m: number, tx: number, ty: number): void {
    const { x, y, trend } = this.problem;
    const idx = this.neighbours;
    const c = this.factor;
    for (let i = 0; i < m; i++) {
      const xi = x[idx[i]];
      const yi = y[idx[i]];
      for (let j = 0; j <= i; j++) {
        const dx = xi - x[idx[j]];
        const dy = yi - y[idx[j]];
        c[i * m + j] = this.cov(Math.sqrt(dx * dx + dy * dy));
      }
    }
    if (!choleskyInPlace(c, m)) this.singular(tx, ty);
    const p = this.p;
    for (let k = 0; k < p; k++) {
      const column = trend[k];
      for (let i = 0; i < m; i++) this.trendSolved[k * m + i] = column[idx[i]];
      choleskySolveInPlace(c, m, this.trendSolved, k * m);
    }
    for (let k = 0; k < p; k++) {
      for (let l = 0; l < p; l++) {
        let value = 0;
        for (let i = 0; i < m; i++) value += trend[k][idx[i]] * this.trendSolved[l * m + i];
        this.schur[k * p + l] = value;
      }
    }
    this.previousCount = m;
    for (let i = 0; i < m; i++) this.previous[i] = idx[i];
  }

  /**
   * The previous target's nmax neighbours all lie within the largest of their distances to this
   * target, so the nmax nearest do too: a tight starting radius for the search of a neighbouring cell.
   */
  private previousBound(tx: number, ty: number, nmax: number, skip: number): number {
    if (this.previousCount < nmax || skip >= 0) return Number.POSITIVE_INFINITY;
    const { x, y } = this.problem;
    let bound = 0;
    for (let i = 0; i < this.previousCount; i++) {
      const dx = tx - x[this.previous[i]];
      const dy = ty - y[this.previous[i]];
      bound = Math.max(bound, dx * dx + dy * dy);
    }
    return bound;
  }

  private sameAsPrevious(m: number): boolean {
    if (m !== this.previousCount) return false;
    for (let i = 0; i < m; i++) if (this.previous[i] !== this.neighbours[i]) return false;
    return true;
  }

  private singular(tx: number, ty: number): never {
    const where = this.tree ? ` near (${tx}, ${ty})` : "";
    throw new InputError(
      `singular kriging system${where}: samples at (nearly) the same location with no nugget, a trend column that is constant or collinear among the neighbours, or too few neighbours for the trend; average duplicates, add a nugget or widen the neighbourhood`,
    );
  }
}

/** Insertion sort of the first n entries (n is nmax, about 20), so neighbour sets compare cheaply. */
function sortSmall(values: Int32Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = values[i];
    let j = i - 1;
    while (j >= 0 && values[j] > v) {
      values[j + 1] = values[j];
      j--;
    }
    values[j + 1] = v;
  }
}
