import { errorFromName } from "../errors.ts";
import type { GeoTransform } from "../raster/types.ts";
import { defaultThreads, startWorker } from "../util/workers.ts";
import { Kriger, type KrigingProblem, type KrigingResult } from "./kriging.ts";

/** Where to predict: the cell centres of a grid, or a list of points. */
export type TargetSpec =
  | { kind: "grid"; transform: GeoTransform; width: number; height: number }
  | { kind: "points"; x: Float64Array; y: Float64Array };

/**
 * How the trend values f0 at a target are formed, matching the sample trend columns:
 * none (simple kriging), constant [1] (ordinary), coordinates [1, x - cx, y - cy] (universal),
 * covariates [1, c1, ..., ck] (universal with external drift, values given per target).
 */
export type TrendKind = "none" | "constant" | "coordinates" | "covariates";

/** Everything a worker needs to predict a range of targets; plain data, cloneable. */
export interface PredictionJob {
  problem: KrigingProblem;
  trendKind: TrendKind;
  /** Subtracted from target coordinates for the "coordinates" trend (the samples' mean). */
  coordinateCentre: [number, number];
  targets: TargetSpec;
  /** Covariate values per target (one array per covariate); NaN means no prediction there. */
  targetCovariates: Float32Array[];
  /** Optional per-target mask: 0 means leave NaN (template nodata). */
  mask?: Uint8Array;
  /** Added to every prediction: the regression-kriging trend per target, or none. */
  offset?: Float32Array;
  /** exp back-transform with the lognormal correction (values were kriged as logs). */
  logBackTransform: boolean;
}

export function targetCount(targets: TargetSpec): number {
  return targets.kind === "grid" ? targets.width * targets.height : targets.x.length;
}

/** Map x of target i (a cell centre for a grid, rows from the top). */
export function targetX(targets: TargetSpec, i: number): number {
  if (targets.kind === "points") return targets.x[i];
  const t = targets.transform;
  return t[0] + ((i % targets.width) + 0.5) * t[1] + (Math.floor(i / targets.width) + 0.5) * t[2];
}

/** Map y of target i. */
export function targetY(targets: TargetSpec, i: number): number {
  if (targets.kind === "points") return targets.y[i];
  const t = targets.transform;
  return t[3] + ((i % targets.width) + 0.5) * t[4] + (Math.floor(i / targets.width) + 0.5) * t[5];
}

/**
 * Predicts targets [start, end) into `prediction` and `variance`. With logBackTransform the
 * prediction becomes exp(ŷ + σ²/2 + μᵀf0) (lognormal kriging, Journel 1980; the Lagrange term
 * vanishes for simple kriging) and the variance that of a lognormal variable with that mean:
 * p² (exp(σ²) − 1).
 */
export function predictRange(
  job: PredictionJob,
  start: number,
  end: number,
  prediction: Float32Array | Float64Array,
  variance: Float32Array | Float64Array,
  onProgress?: (fraction: number) => void,
): void {
  const kriger = new Kriger(job.problem);
  const progressEvery = Math.max(1, Math.ceil((end - start) / 20));
  const f0 = new Float64Array(job.problem.trend.length);
  const out: KrigingResult = { prediction: 0, variance: 0, lagrangeTerm: 0 };
  const { targets, mask, targetCovariates, offset } = job;
  const [cx, cy] = job.coordinateCentre;
  for (let i = start; i < end; i++) {
    if (onProgress && (i - start) % progressEvery === 0) onProgress((i - start) / (end - start));
    const tx = targetX(targets, i);
    const ty = targetY(targets, i);
    let usable = mask === undefined || mask[i] !== 0;
    if (job.trendKind === "constant") f0[0] = 1;
    else if (job.trendKind === "coordinates") {
      f0[0] = 1;
      f0[1] = tx - cx;
      f0[2] = ty - cy;
    } else if (job.trendKind === "covariates") {
      f0[0] = 1;
      for (let k = 0; k < targetCovariates.length; k++) {
        f0[k + 1] = targetCovariates[k][i];
        if (Number.isNaN(f0[k + 1])) usable = false;
      }
    }
    if (!usable) {
      prediction[i] = Number.NaN;
      variance[i] = Number.NaN;
      continue;
    }
    kriger.predict(tx, ty, f0, out);
    let value = out.prediction + (offset ? offset[i] : 0);
    let spread = out.variance;
    if (job.logBackTransform) {
      value = Math.exp(value + spread / 2 + out.lagrangeTerm);
      spread = value * value * Math.expm1(spread);
    }
    prediction[i] = value;
    variance[i] = spread;
  }
}

/** Below this many targets, starting worker threads costs more than it saves. */
const PARALLEL_THRESHOLD = 40_000;

/**
 * Predicts every target, splitting the targets over worker threads when there are many. Outputs
 * live in SharedArrayBuffers that the workers fill in place.
 */
export async function predictAll(
  job: PredictionJob,
  options: { threads?: number; onProgress?: (fraction: number, message?: string) => void } = {},
): Promise<{ prediction: Float32Array; variance: Float32Array }> {
  const count = targetCount(job.targets);
  const prediction = new Float32Array(new SharedArrayBuffer(count * 4));
  const variance = new Float32Array(new SharedArrayBuffer(count * 4));
  const threads = Math.max(1, Math.min(options.threads ?? defaultThreads(), Math.ceil(count / 10_000)));
  if (count < PARALLEL_THRESHOLD || threads === 1) {
    predictRange(job, 0, count, prediction, variance, (f) => options.onProgress?.(f, "kriging"));
    return { prediction, variance };
  }
  let finished = 0;
  const perThread = Math.ceil(count / threads);
  await Promise.all(
    Array.from({ length: threads }, (_, t) => {
      const start = t * perThread;
      const end = Math.min(count, start + perThread);
      return new Promise<void>((resolve, reject) => {
        const worker = startWorker(new URL("./krige-worker.ts", import.meta.url), {
          job,
          start,
          end,
          prediction,
          variance,
        });
        worker.on("message", (message: { error?: { name: string; message: string } }) => {
          if (message.error) reject(rebuildError(message.error));
        });
        worker.on("error", reject);
        worker.on("exit", (code) => {
          if (code !== 0) return reject(new Error(`kriging worker exited with code ${code}`));
          finished++;
          options.onProgress?.(finished / threads, "kriging");
          resolve();
        });
      });
    }),
  );
  return { prediction, variance };
}

/** Errors cross the thread boundary as plain data; an InputError (singular system) stays one. */
function rebuildError(error: { name: string; message: string }): Error {
  return errorFromName(error.name, error.message);
}
