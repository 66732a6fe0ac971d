import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { InputError } from "../errors.ts";
import { parseOptionsWith } from "../options.ts";
import { crossValidate } from "./cv.ts";
import { resolvedMtry } from "./forest.ts";
import { fitLearner } from "./learner.ts";
import { loadInventory } from "./load.ts";
import {
  MODEL_FORMAT,
  MODEL_VERSION,
  type ModelArtifact,
  serializeFitted,
  spatialCvRecord,
} from "./model.ts";
import { type SusceptibilityTrainOptions, susceptibilityTrainOptionsSchema } from "./schema.ts";
import { forestHyperFrom, type Progress } from "./step-cv.ts";
import { SEARCH_SPACE, searchHyper, type TuningResult } from "./tune.ts";

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
  /** With tune: the chosen values and their inner spatial-CV AUROC. */
  tuned?: { mtry: number; minNodeSize: number; sampleFraction: number; innerAuroc: number | null };
}

const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/**
 * Fits the learner on every point and writes model.json (with spatial-CV metrics unless cvRepeats
 * is 0). With `tune`, the forest's mtry, min node size and sample fraction are first chosen by
 * random search scored by inner spatial CV on all the points; CV and the final fit use them.
 */
export async function runSusceptibilityTrain(
  options: SusceptibilityTrainOptions,
  onProgress?: Progress,
): Promise<TrainSummary> {
  const o = parseOptionsWith(susceptibilityTrainOptionsSchema, options, "susceptibility train options");
  if (o.tune && o.learner !== "rf")
    throw new InputError("--tune tunes the random forest; use it with --learner rf");
  const { dataset, crs } = await loadInventory(o, { memoryLimitGb: o.memoryLimitGb });
  // Progress: tuning 0..0.6 when asked, then CV, then the final fit.
  const tuneShare = o.tune ? 0.6 : 0;
  let tuning: TuningResult | undefined;
  if (o.tune) {
    tuning = await searchHyper(dataset, forestHyperFrom(o.forest), o.tune, o.seed, (f, m) =>
      onProgress?.(tuneShare * f, m),
    );
  }
  const hyper = tuning ? tuning.best : forestHyperFrom(o.forest);
  const rest = (start: number, share: number) => (f: number, m?: string) =>
    onProgress?.(tuneShare + (1 - tuneShare) * (start + share * f), m);
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
          (f, m) => rest(0, 0.5)(f, `spatial CV: ${m}`),
        )
      : undefined;
  const fitted = await fitLearner(o.learner, dataset.columns, dataset.label, hyper, o.seed, {
    threads: o.threads,
    onProgress: rest(0.5, 0.5),
  });
  const landslides = dataset.label.reduce((a, b) => a + b, 0);
  const oob = fitted.kind === "rf" ? fitted.outOfBag : undefined;
  const mtry = resolvedMtry({ ...hyper, seed: o.seed }, dataset.featureNames.length);
  const artifact: ModelArtifact = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    learner: o.learner,
    features: dataset.featureNames,
    hyper: { ...hyper, mtry },
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
    ...(cv ? { cv: spatialCvRecord(o.cvFolds, o.cvRepeats, cv) } : {}),
    ...(tuning && o.tune
      ? {
          tuning: {
            method: "random-search" as const,
            searchSpace: {
              mtry: { lower: SEARCH_SPACE.mtry.lower, upper: dataset.featureNames.length },
              minNodeSize: { ...SEARCH_SPACE.minNodeSize },
              sampleFraction: { ...SEARCH_SPACE.sampleFraction },
            },
            evaluations: o.tune.evaluations,
            innerFolds: o.tune.innerFolds,
            chosen: { mtry, minNodeSize: hyper.minNodeSize, sampleFraction: hyper.sampleFraction },
            innerAuroc: finiteOrNull(tuning.bestAuroc),
            candidates: tuning.candidates.map((c) => ({
              mtry: c.hyper.mtry ?? mtry,
              minNodeSize: c.hyper.minNodeSize,
              sampleFraction: c.hyper.sampleFraction,
              innerAuroc: finiteOrNull(c.auroc),
            })),
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
    ...(artifact.tuning
      ? { tuned: { ...artifact.tuning.chosen, innerAuroc: artifact.tuning.innerAuroc } }
      : {}),
  };
}
