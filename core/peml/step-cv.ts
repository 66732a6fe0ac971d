import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CvResult, crossValidate, runFolds } from "../ml/cv.ts";
import type { Dataset } from "../ml/dataset.ts";
import { forestHyperFrom } from "../ml/step-cv.ts";
import { parseOptionsWith } from "../options.ts";
import { loadPemlData, trainSettingsFrom } from "./data.ts";
import { checkUnitWeights } from "./physics.ts";
import { type PemlCvOptions, pemlCvOptionsSchema } from "./schema.ts";
import { checkTrainingMemory, type Progress, pemlFoldFitter } from "./step-train.ts";

export const PEML_CV_OUTPUTS = ["cv.json", "folds.csv"] as const;

export interface LearnerCv {
  learner: "peml" | "rf" | "glm";
  aurocMean: number;
  aurocSd: number;
  scoredFolds: number;
  /** Per fold, repetition-major; null where the test fold held one class. */
  auroc: (number | null)[];
}

export interface PemlCvSummary {
  partition: "spatial" | "random";
  folds: number;
  repeats: number;
  points: number;
  /** The network's covariates; the random forest and the GLM see `features` (which may include the slope). */
  networkFeatures: string[];
  features: string[];
  slope: string;
  seismic: boolean;
  learners: LearnerCv[];
  /** Test-fold sizes, repetition-major, the same for every learner. */
  testSizes: number[];
}

/**
 * Repeated k-fold CV of the physics-embedded model and, on the same folds (same partition, seed and
 * repetitions, hence the same k-means clusters), of the random forest and the GLM of `susceptibility cv`.
 */
export async function runPemlCv(options: PemlCvOptions, onProgress?: Progress): Promise<PemlCvSummary> {
  const o = parseOptionsWith(pemlCvOptionsSchema, options, "peml cv options");
  checkUnitWeights(o.unitWeight, o.waterUnitWeight);
  const data = await loadPemlData(o, { memoryLimitGb: o.memoryLimitGb });
  checkTrainingMemory(data.training, o, o.memoryLimitGb);
  const protocol = { partition: o.partition, folds: o.folds, repeats: o.repeats, seed: o.seed };
  const settings = trainSettingsFrom(o);
  const peml = await runFolds(data.dataset, protocol, pemlFoldFitter(data.training, settings), (f, m) =>
    onProgress?.(0.7 * f, `physics-embedded model: ${m}`),
  );
  const others: Dataset = {
    ...data.dataset,
    featureNames: data.features,
    columns: data.features.map((name) => data.dataset.columns[data.dataset.featureNames.indexOf(name)]),
  };
  const hyper = forestHyperFrom(o.forest);
  const rf = await crossValidate(others, { ...protocol, learner: "rf", hyper }, (f, m) =>
    onProgress?.(0.7 + 0.25 * f, `random forest: ${m}`),
  );
  const glm = await crossValidate(others, { ...protocol, learner: "glm", hyper }, (f, m) =>
    onProgress?.(0.95 + 0.05 * f, `GLM: ${m}`),
  );
  const summary: PemlCvSummary = {
    ...protocol,
    points: data.dataset.label.length,
    networkFeatures: data.training.featureNames,
    features: data.features,
    slope: o.slope,
    seismic: data.training.pgaG !== undefined,
    learners: [learnerCv("peml", peml), learnerCv("rf", rf), learnerCv("glm", glm)],
    testSizes: peml.scores.map((s) => s.testSize),
  };
  if (o.outDir) {
    writeFileSync(join(o.outDir, "cv.json"), `${JSON.stringify(summary, null, 2)}\n`);
    const lines = ["line,repetition,fold"];
    peml.foldIds.forEach((fold, repetition) => {
      fold.forEach((k, row) => {
        lines.push(`${data.dataset.lineNumbers[row]},${repetition},${k}`);
      });
    });
    writeFileSync(join(o.outDir, "folds.csv"), `${lines.join("\n")}\n`);
  }
  return summary;
}

function learnerCv(learner: LearnerCv["learner"], result: CvResult): LearnerCv {
  return {
    learner,
    aurocMean: result.mean,
    aurocSd: result.sd,
    scoredFolds: result.scores.filter((s) => Number.isFinite(s.auroc)).length,
    auroc: result.scores.map((s) => (Number.isFinite(s.auroc) ? s.auroc : null)),
  };
}
