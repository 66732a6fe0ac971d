import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { parseOptionsWith } from "../options.ts";
import type { Dataset } from "./dataset.ts";
import { predictProbability } from "./learner.ts";
import { loadInventory } from "./load.ts";
import { auroc, type CalibrationBin, type Confusion, calibration, confusionAt } from "./metrics.ts";
import { fittedFromArtifact, type ModelArtifact, readModel } from "./model.ts";
import { type SusceptibilityEvaluateOptions, susceptibilityEvaluateOptionsSchema } from "./schema.ts";

export const EVALUATE_OUTPUTS = ["evaluation.json"] as const;

export interface EvaluateSummary {
  points: number;
  landslides: number;
  auroc: number | null;
  brier: number;
  confusion: Confusion;
  calibration: CalibrationBin[];
}

/** Reads points for a saved model: its own label, coordinate and feature columns (or raster bands). */
export async function loadForModel(
  artifact: ModelArtifact,
  inventory: string,
  covariates: string | undefined,
  requireBothClasses: boolean,
  memoryLimitGb: number,
): Promise<Dataset> {
  const t = artifact.training;
  if (t.covariates && !covariates) {
    throw new InputError(
      `the model's features were sampled from a raster (${t.covariates}); give --covariates`,
      { file: inventory },
    );
  }
  const source = { inventory, label: t.label, x: t.x, y: t.y, features: artifact.features, covariates };
  return (await loadInventory(source, { requireBothClasses, memoryLimitGb })).dataset;
}

/** Scores a saved model on (new) labelled points: AUROC, Brier score, reliability table, confusion at a threshold. */
export async function runSusceptibilityEvaluate(
  options: SusceptibilityEvaluateOptions,
): Promise<EvaluateSummary> {
  const o = parseOptionsWith(susceptibilityEvaluateOptionsSchema, options, "susceptibility evaluate options");
  const artifact = readModel(o.model);
  const dataset = await loadForModel(artifact, o.inventory, o.covariates, false, o.memoryLimitGb);
  const probability = predictProbability(fittedFromArtifact(artifact), dataset.columns, dataset.label.length);
  const score = auroc(dataset.label, probability);
  const { brier, bins } = calibration(dataset.label, probability);
  const summary: EvaluateSummary = {
    points: dataset.label.length,
    landslides: dataset.label.reduce((a, b) => a + b, 0),
    auroc: Number.isFinite(score) ? score : null,
    brier,
    confusion: confusionAt(dataset.label, probability, o.threshold),
    calibration: bins,
  };
  if (o.outDir) writeFileSync(join(o.outDir, "evaluation.json"), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}
