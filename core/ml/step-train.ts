import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { crossValidate } from "./cv.ts";
import { fitLearner } from "./learner.ts";
import { loadInventory } from "./load.ts";
import { MODEL_FORMAT, MODEL_VERSION, type ModelArtifact, serializeFitted } from "./model.ts";
import { resolvedMtry } from "./forest.ts";
import {
  parseOptionsWith,
  type SusceptibilityTrainOptions,
  susceptibilityTrainOptionsSchema,
} from "./schema.ts";
import { forestHyperFrom, type Progress } from "./step-cv.ts";

export const TRAIN_OUTPUTS = ["model.json"] as const;

export interface TrainSummary {
  model: string;
  learner: string;
  features: string[];
  points: number;
  landslides: number;
  outOfBagAuroc?: number;
  outOfBagErrorRate?: number;
  spatialCvAurocMean?: number;
  spatialCvAurocSd?: number;
}

/** Fits the learner on every point and writes model.json (with spatial-CV metrics unless cvRepeats is 0). */
export async function runSusceptibilityTrain(
  options: SusceptibilityTrainOptions,
  onProgress?: Progress,
): Promise<TrainSummary> {
  const o = parseOptionsWith(susceptibilityTrainOptionsSchema, options);
  const { dataset, crs } = await loadInventory(o);
  const hyper = forestHyperFrom(o.forest);
  const cv =
    o.cvRepeats > 0
      ? await crossValidate(
          dataset,
          {
            learner: o.learner,
            hyper,
            partition: "spatial",
            folds: o.cvFolds,
            repeats: o.cvRepeats,
            seed: o.seed,
          },
          (f, m) => onProgress?.(0.5 * f, `spatial CV: ${m}`),
        )
      : undefined;
  const fitted = await fitLearner(o.learner, dataset.columns, dataset.label, hyper, o.seed, {
    threads: o.threads,
    onProgress: (f, m) => onProgress?.(0.5 + 0.5 * f, m),
  });
  const landslides = dataset.label.reduce((a, b) => a + b, 0);
  const oob = fitted.kind === "rf" ? fitted.outOfBag : undefined;
  const artifact: ModelArtifact = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    learner: o.learner,
    features: dataset.featureNames,
    hyper: { ...hyper, mtry: resolvedMtry({ ...hyper, seed: o.seed }, dataset.featureNames.length) },
    seed: o.seed,
    training: {
      inventory: basename(o.inventory),
      sha256: dataset.checksum,
      rows: dataset.label.length,
      landslides,
      label: o.label,
      x: o.x,
      y: o.y,
      ...(o.covariates ? { covariates: basename(o.covariates), epsg: crs?.epsg } : {}),
    },
    ...(cv
      ? {
          cv: {
            partition: "spatial" as const,
            folds: o.cvFolds,
            repeats: o.cvRepeats,
            aurocMean: cv.mean,
            aurocSd: cv.sd,
          },
        }
      : {}),
    ...(oob && Number.isFinite(oob.auroc) ? { outOfBag: oob } : {}),
    ...serializeFitted(fitted),
  };
  const path = join(o.outDir, "model.json");
  writeFileSync(path, JSON.stringify(artifact));
  return {
    model: "model.json",
    learner: o.learner,
    features: dataset.featureNames,
    points: dataset.label.length,
    landslides,
    outOfBagAuroc: artifact.outOfBag?.auroc,
    outOfBagErrorRate: artifact.outOfBag?.errorRate,
    spatialCvAurocMean: cv?.mean,
    spatialCvAurocSd: cv?.sd,
  };
}
