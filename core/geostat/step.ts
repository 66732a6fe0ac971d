import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { parseOptionsWith } from "../options.ts";
import { type CrossValidation, kFold, leaveOneOut } from "./cv.ts";
import { type FittedModel, fitBestVariogram, fitVariogram } from "./fit.ts";
import { isRasterPath, type LoadedTargets, loadSamples, loadTargets } from "./inputs.ts";
import type { KrigingProblem } from "./kriging.ts";
import { formatModel, parseVariogramSpec, type VariogramModel } from "./models.ts";
import { writeCvCsv, writeRasterOrPoints, writeVariogramOutputs } from "./outputs.ts";
import { type PredictionJob, predictAll, type TrendKind, targetCount, targetX, targetY } from "./predict.ts";
import type { Samples } from "./samples.ts";
import { type KrigeInput, type KrigeOptions, krigeOptionsSchema } from "./schema.ts";
import { leastSquares, residuals, trendColumns } from "./trend.ts";
import { empiricalVariogram } from "./variogram.ts";

const GRID_OUTPUTS = ["prediction.tif", "variance.tif", "prediction.png", "variance.png"];
const POINT_OUTPUTS = ["predictions.csv"];
const COMMON_OUTPUTS = ["variogram.png", "variogram.csv", "cv.csv", "summary.json"];

/** The files runKrige writes into outDir (for writeOutputsAtomically and the Lambda's S3 keys). */
export function krigeOutputNames(grid: string, cloud = false): string[] {
  return [
    ...(isRasterPath(grid) ? GRID_OUTPUTS : POINT_OUTPUTS),
    ...COMMON_OUTPUTS,
    ...(cloud ? ["variogram_cloud.csv"] : []),
  ];
}

/** What the kriging system works on, after the trend choice (method). */
interface Design {
  values: Float64Array;
  trend: Float64Array[];
  trendKind: TrendKind;
  centre: [number, number];
  simpleMean?: number;
  /** regression kriging: OLS coefficients, and the trend added back at samples and targets */
  coefficients?: number[];
  sampleOffset?: Float64Array;
}

function buildDesign(options: KrigeOptions, samples: Samples): Design {
  const n = samples.z.length;
  if (options.method === "ordinary") {
    return { values: samples.z, trend: [new Float64Array(n).fill(1)], trendKind: "constant", centre: [0, 0] };
  }
  if (options.method === "simple") {
    const mean = options.mean ?? samples.z.reduce((s, v) => s + v, 0) / n;
    return { values: samples.z, trend: [], trendKind: "none", centre: [0, 0], simpleMean: mean };
  }
  const { columns, centre } = trendColumns(samples.x, samples.y, samples.covariates);
  const trendKind: TrendKind = samples.covariates.length > 0 ? "covariates" : "coordinates";
  const beta = leastSquares(columns, samples.z);
  const residual = residuals(columns, samples.z, beta);
  if (options.method === "universal") return { values: samples.z, trend: columns, trendKind, centre };
  return {
    values: residual,
    trend: [],
    trendKind,
    centre,
    simpleMean: 0,
    coefficients: [...beta],
    sampleOffset: samples.z.map((v, i) => v - residual[i]),
  };
}

/** The variogram model: fitted to the (residual) values, or the fixed one given. */
function chooseVariogram(options: KrigeOptions, samples: Samples, values: Float64Array) {
  const empirical = empiricalVariogram(samples.x, samples.y, values, {
    cutoff: options.cutoff,
    width: options.width,
  });
  const spec = parseVariogramSpec(options.variogram);
  let fitted: FittedModel | undefined;
  let candidates: FittedModel[] = [];
  if (spec.kind === "auto") ({ best: fitted, candidates } = fitBestVariogram(empirical.bins));
  else if (spec.kind === "fit") fitted = fitVariogram(empirical.bins, spec.type, spec.kappa ?? 0.5);
  const model: VariogramModel = spec.kind === "fixed" ? spec.model : fitted!.model;
  return { empirical, model, fitted, candidates };
}

function checkSampleCount(samples: Samples, design: Design, options: KrigeOptions): void {
  const n = samples.z.length;
  const needed = Math.max(3, design.trend.length + 2);
  if (n < needed)
    throw new InputError(
      `${n} sample(s) after removing duplicates; ${options.method} kriging here needs at least ${needed}`,
      { file: options.samples },
    );
  if (samples.z.every((v) => v === samples.z[0])) {
    throw new InputError(
      `all ${n} values of column "${options.value}" are equal (${options.log ? Math.exp(samples.z[0]) : samples.z[0]}): there is nothing to krige`,
      {
        file: options.samples,
      },
    );
  }
}

function crossValidate(options: KrigeOptions, problem: KrigingProblem): CrossValidation | undefined {
  if (options.cv === "none") return undefined;
  if (options.cv === "loo") return leaveOneOut(problem);
  return kFold(problem, options.cv, options.seed);
}

export interface KrigeSummary {
  method: KrigeOptions["method"];
  samples: number;
  variogram: {
    model: VariogramModel;
    text: string;
    fitted: boolean;
    sserr?: number;
    cutoff: number;
    width: number;
    candidates?: { text: string; sserr: number }[];
  };
  neighbourhood: { nmax: number; maxDistance: number | null } | "global";
  trendCoefficients?: number[];
  crossValidation?: {
    method: string;
    folds: number;
    meanError: number;
    rootMeanSquareError: number;
    meanSquaredDeviationRatio: number;
    scale: string;
  };
  backTransform?: string;
  targets: { kind: "grid" | "points"; count: number; predicted: number };
  prediction: { min: number; max: number; mean: number };
  variance: { min: number; max: number; mean: number };
  outputs: string[];
}

/**
 * The kriging step: samples CSV → variogram (fitted or fixed) → cross-validation → prediction and
 * kriging variance on a GeoTIFF template (COGs + PNG previews) or at points (CSV), plus the
 * variogram plot/table and summary.json, all written into options.outDir.
 */
export async function runKrige(
  input: KrigeInput,
  onProgress?: (fraction: number, message?: string) => void,
): Promise<KrigeSummary> {
  const options = parseOptionsWith(krigeOptionsSchema, input, "krige options");
  const samples = loadSamples(options);
  const loaded = await loadTargets(options, samples);
  const design = buildDesign(options, samples);
  checkSampleCount(samples, design, options);
  onProgress?.(0.05, "variogram");
  const variogram = chooseVariogram(options, samples, design.values);
  const problem: KrigingProblem = {
    model: variogram.model,
    x: samples.x,
    y: samples.y,
    z: design.values,
    trend: design.trend,
    simpleMean: design.simpleMean,
    neighbourhood:
      options.nmax || options.maxDistance
        ? {
            nmax: options.nmax ?? samples.x.length,
            maxDistance: options.maxDistance ?? Number.POSITIVE_INFINITY,
          }
        : null,
  };
  onProgress?.(0.1, "cross-validation");
  const cv = crossValidate(options, problem);
  const job: PredictionJob = {
    problem,
    trendKind: design.trendKind,
    coordinateCentre: design.centre,
    targets: loaded.targets,
    targetCovariates: loaded.covariates,
    mask: loaded.mask,
    offset: design.coefficients ? targetTrend(design, loaded) : undefined,
    logBackTransform: options.log,
  };
  const { prediction, variance } = await predictAll(job, {
    threads: options.threads,
    onProgress: (f, m) => onProgress?.(0.15 + 0.75 * f, m),
  });
  const outputs = krigeOutputNames(options.grid, options.cloud);
  await writeRasterOrPoints(options, loaded, prediction, variance);
  await writeVariogramOutputs(options, samples, design.values, variogram);
  await writeCvCsv(options, samples, design.sampleOffset, cv);
  const summary = summarise(
    options,
    samples,
    design,
    variogram,
    problem,
    cv,
    loaded,
    prediction,
    variance,
    outputs,
  );
  await writeFile(join(options.outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  onProgress?.(1, "done");
  return summary;
}

/** Regression kriging: the OLS trend Fβ at every target (NaN where a covariate is missing). */
function targetTrend(design: Design, loaded: LoadedTargets): Float32Array {
  const beta = design.coefficients!;
  const { targets, covariates } = loaded;
  const count = targetCount(targets);
  const offset = new Float32Array(count);
  const [cx, cy] = design.centre;
  for (let i = 0; i < count; i++) {
    let value = beta[0];
    if (design.trendKind === "covariates") {
      for (let k = 0; k < covariates.length; k++) value += beta[k + 1] * covariates[k][i];
    } else {
      value += beta[1] * (targetX(targets, i) - cx) + beta[2] * (targetY(targets, i) - cy);
    }
    offset[i] = value;
  }
  return offset;
}

function stats(values: Float32Array) {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let count = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    count++;
  }
  return { count, min, max, mean: sum / count };
}

function summarise(
  options: KrigeOptions,
  samples: Samples,
  design: Design,
  variogram: ReturnType<typeof chooseVariogram>,
  problem: KrigingProblem,
  cv: CrossValidation | undefined,
  loaded: LoadedTargets,
  prediction: Float32Array,
  variance: Float32Array,
  outputs: string[],
): KrigeSummary {
  const p = stats(prediction);
  const v = stats(variance);
  return {
    method: options.method,
    samples: samples.x.length,
    variogram: {
      model: variogram.model,
      text: formatModel(variogram.model),
      fitted: variogram.fitted !== undefined,
      sserr: variogram.fitted?.sserr,
      cutoff: variogram.empirical.cutoff,
      width: variogram.empirical.width,
      candidates: variogram.candidates.length
        ? variogram.candidates.map((c) => ({ text: formatModel(c.model), sserr: c.sserr }))
        : undefined,
    },
    neighbourhood: problem.neighbourhood
      ? {
          nmax: problem.neighbourhood.nmax,
          maxDistance: Number.isFinite(problem.neighbourhood.maxDistance)
            ? problem.neighbourhood.maxDistance
            : null,
        }
      : "global",
    trendCoefficients: design.coefficients,
    crossValidation: cv && {
      method: cv.method,
      folds: cv.folds,
      meanError: cv.meanError,
      rootMeanSquareError: cv.rootMeanSquareError,
      meanSquaredDeviationRatio: cv.meanSquaredDeviationRatio,
      scale: options.log ? `ln(${options.value})` : options.value,
    },
    backTransform: options.log
      ? "lognormal: prediction = exp(y + s2/2 + m) with y, s2 the kriged log value and variance and m the Lagrange term (0 for simple kriging); variance = prediction^2 (exp(s2) - 1)"
      : undefined,
    targets: { kind: loaded.targets.kind, count: targetCount(loaded.targets), predicted: p.count },
    prediction: { min: p.min, max: p.max, mean: p.mean },
    variance: { min: v.min, max: v.max, mean: v.mean },
    outputs,
  };
}
