import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { checkMemory } from "../limits.ts";
import { type CvResult, type FoldFitter, runFolds } from "../ml/cv.ts";
import { spatialCvRecord } from "../ml/model.ts";
import { parseOptionsWith } from "../options.ts";
import { PEML_FORMAT, PEML_VERSION, type PemlArtifact, serializeModel } from "./artifact.ts";
import { loadPemlData, subsetTraining, trainSettingsFrom } from "./data.ts";
import { encodedWidth, evaluateModel, fitEncodings, type PemlModel } from "./model.ts";
import { checkUnitWeights, type SoilParameter } from "./physics.ts";
import { type PemlTrainOptions, pemlTrainOptionsSchema } from "./schema.ts";
import { type TrainingData, type TrainSettings, trainingBytes, trainPeml } from "./train.ts";

export type Progress = (fraction: number, message?: string) => void;

export const PEML_TRAIN_OUTPUTS = ["model.json", "history.csv"] as const;

export interface PemlTrainSummary {
  model: string;
  features: string[];
  slope: string;
  points: number;
  landslides: number;
  seismic: boolean;
  epochs: number;
  finalLoss: { logLoss: number; prior: number; total: number };
  /** s of P_static = sigmoid(−ln FS / s), and s_N of the seismic term. */
  linkScale: number;
  seismicScale?: number;
  /** Mean learned parameter at the training points. */
  meanAtPoints: Record<SoilParameter, number>;
  spatialCvAurocMean?: number;
  spatialCvAurocSd?: number;
}

/** Refuses a training that would need more memory than the limit (the estimate of train.ts). */
export function checkTrainingMemory(
  data: TrainingData,
  settings: Pick<TrainSettings, "hidden" | "batchSize">,
  memoryLimitGb: number,
): void {
  const rows = data.label.length;
  const width = encodedWidth(fitEncodings(data.featureNames, data.columns, data.classes));
  checkMemory(
    trainingBytes(rows, width, settings),
    memoryLimitGb,
    `training on ${rows} points with ${width} encoded covariates (use --batch-size to need less)`,
  );
}

/** P(f) of a fitted model at the rows of a training set (all of it, or the test fold of a CV split). */
export function probabilityAt(model: PemlModel, data: TrainingData): Float64Array {
  const pf = new Float64Array(data.label.length);
  evaluateModel(
    model,
    { columns: data.columns, slopeDeg: data.slopeDeg, pgaG: data.pgaG, count: pf.length },
    { pf },
  );
  return pf;
}

/** CV fold fitter: trains on the fold's training rows (seeded by the fold) and returns P(f) on its test rows. */
export function pemlFoldFitter(data: TrainingData, settings: TrainSettings): FoldFitter {
  return async (trainRows, testRows, foldSeed) => {
    const { model } = trainPeml(subsetTraining(data, trainRows), { ...settings, seed: foldSeed });
    return probabilityAt(model, subsetTraining(data, testRows));
  };
}

/**
 * Fits the physics-embedded model on every point and writes model.json (with its spatial-CV AUROC
 * unless cvRepeats is 0) and history.csv (the loss terms per epoch).
 */
export async function runPemlTrain(
  options: PemlTrainOptions,
  onProgress?: Progress,
): Promise<PemlTrainSummary> {
  const o = parseOptionsWith(pemlTrainOptionsSchema, options, "peml train options");
  checkUnitWeights(o.unitWeight, o.waterUnitWeight);
  const data = await loadPemlData(o, { memoryLimitGb: o.memoryLimitGb });
  checkTrainingMemory(data.training, o, o.memoryLimitGb);
  const settings = trainSettingsFrom(o);
  const cvShare = o.cvRepeats > 0 ? 0.5 : 0;
  let cv: CvResult | undefined;
  if (o.cvRepeats > 0) {
    cv = await runFolds(
      data.dataset,
      { partition: "spatial", folds: o.cvFolds, repeats: o.cvRepeats, seed: o.seed },
      pemlFoldFitter(data.training, settings),
      (f, m) => onProgress?.(cvShare * f, `spatial CV: ${m}`),
    );
  }
  const { model, history } = trainPeml(data.training, settings, (f, m) =>
    onProgress?.(cvShare + (1 - cvShare) * f, m),
  );
  const last = history[history.length - 1];
  const finalLoss = { logLoss: last.logLoss, prior: last.prior, total: last.total };
  const landslides = data.dataset.label.reduce((a, b) => a + b, 0);
  const artifact: PemlArtifact = {
    format: PEML_FORMAT,
    version: PEML_VERSION,
    ...serializeModel(model),
    slope: o.slope,
    priors: settings.priors,
    settings: {
      hidden: o.hidden,
      epochs: o.epochs,
      learningRate: o.learningRate,
      batchSize: o.batchSize,
      priorWeight: o.priorWeight,
      weightSd: o.weightSd,
      ...(o.prevalence !== undefined ? { prevalence: o.prevalence } : {}),
    },
    seed: o.seed,
    training: {
      inventory: basename(o.inventory),
      sha256: data.dataset.checksum,
      rows: data.dataset.label.length,
      landslides,
      label: o.label,
      x: o.x,
      y: o.y,
      ...(o.covariates ? { covariates: basename(o.covariates), epsg: data.crs?.epsg } : {}),
      ...(o.pga ? { pga: basename(o.pga) } : {}),
      finalLoss,
    },
    ...(cv ? { cv: spatialCvRecord(o.cvFolds, o.cvRepeats, cv) } : {}),
  };
  writeFileSync(join(o.outDir, "model.json"), JSON.stringify(artifact));
  const lines = [
    "epoch,log_loss,prior,total",
    ...history.map((h) => `${h.epoch},${h.logLoss},${h.prior},${h.total}`),
  ];
  writeFileSync(join(o.outDir, "history.csv"), `${lines.join("\n")}\n`);
  return {
    model: "model.json",
    features: data.training.featureNames,
    slope: o.slope,
    points: data.dataset.label.length,
    landslides,
    seismic: model.seismic !== undefined,
    epochs: o.epochs,
    finalLoss,
    linkScale: model.linkScale,
    seismicScale: model.seismic?.scale,
    meanAtPoints: meanParameters(model, data.training),
    spatialCvAurocMean: cv?.mean,
    spatialCvAurocSd: cv?.sd,
  };
}

function meanParameters(model: PemlModel, data: TrainingData): Record<SoilParameter, number> {
  const n = data.label.length;
  const outputs = {
    cohesion: new Float64Array(n),
    friction: new Float64Array(n),
    saturation: new Float64Array(n),
    thickness: new Float64Array(n),
  };
  evaluateModel(
    model,
    { columns: data.columns, slopeDeg: data.slopeDeg, pgaG: data.pgaG, count: n },
    outputs,
  );
  const mean = (values: Float64Array) => values.reduce((a, b) => a + b, 0) / n;
  return {
    cohesion: mean(outputs.cohesion),
    friction: mean(outputs.friction),
    saturation: mean(outputs.saturation),
    thickness: mean(outputs.thickness),
  };
}
