import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { parseOptionsWith } from "../options.ts";
import { type CvProtocol, crossValidate } from "./cv.ts";
import type { ForestHyper } from "./learner.ts";
import { loadInventory } from "./load.ts";
import { type SusceptibilityCvOptions, susceptibilityCvOptionsSchema } from "./schema.ts";
import { nestedCrossValidate } from "./tune.ts";

export type Progress = (fraction: number, message?: string) => void;

export const CV_OUTPUTS = ["cv.json", "folds.csv"] as const;

export function forestHyperFrom(forest: {
  trees: number;
  mtry?: number;
  minNodeSize: number;
  sampleFraction: number;
  replace: boolean;
}): ForestHyper {
  return {
    numTrees: forest.trees,
    mtry: forest.mtry,
    minNodeSize: forest.minNodeSize,
    sampleFraction: forest.sampleFraction,
    replace: forest.replace,
  };
}

export interface CvSummary {
  learner: string;
  partition: string;
  folds: number;
  repeats: number;
  tuned: boolean;
  points: number;
  aurocMean: number;
  aurocSd: number;
  /** Folds whose test set held both classes (the others have no AUROC). */
  scoredFolds: number;
  scores: { repetition: number; fold: number; testSize: number; auroc: number | null; hyper?: ForestHyper }[];
}

/** Repeated (optionally nested, tuned) cross-validation; writes cv.json and folds.csv when outDir is given. */
export async function runSusceptibilityCv(
  options: SusceptibilityCvOptions,
  onProgress?: Progress,
): Promise<CvSummary> {
  const o = parseOptionsWith(susceptibilityCvOptionsSchema, options, "susceptibility cv options");
  if (o.tune && o.learner !== "rf")
    throw new InputError("--tune tunes the random forest; use it with --learner rf");
  const { dataset } = await loadInventory(o, { memoryLimitGb: o.memoryLimitGb });
  const protocol: CvProtocol = {
    learner: o.learner,
    hyper: forestHyperFrom(o.forest),
    partition: o.partition,
    folds: o.folds,
    repeats: o.repeats,
    seed: o.seed,
  };
  const result = o.tune
    ? await nestedCrossValidate(dataset, protocol, o.tune, onProgress)
    : await crossValidate(dataset, protocol, onProgress);
  const chosen = "chosen" in result ? (result.chosen as ForestHyper[]) : undefined;
  const summary: CvSummary = {
    learner: o.learner,
    partition: o.partition,
    folds: o.folds,
    repeats: o.repeats,
    tuned: Boolean(o.tune),
    points: dataset.label.length,
    aurocMean: result.mean,
    aurocSd: result.sd,
    scoredFolds: result.scores.filter((s) => Number.isFinite(s.auroc)).length,
    scores: result.scores.map((s, k) => ({
      repetition: s.repetition,
      fold: s.fold,
      testSize: s.testSize,
      auroc: Number.isFinite(s.auroc) ? s.auroc : null,
      ...(chosen ? { hyper: chosen[k] } : {}),
    })),
  };
  if (o.outDir) {
    writeFileSync(join(o.outDir, "cv.json"), `${JSON.stringify(summary, null, 2)}\n`);
    const lines = ["line,repetition,fold"];
    result.foldIds.forEach((fold, repetition) => {
      fold.forEach((k, row) => {
        lines.push(`${dataset.lineNumbers[row]},${repetition},${k}`);
      });
    });
    writeFileSync(join(o.outDir, "folds.csv"), `${lines.join("\n")}\n`);
  }
  return summary;
}
