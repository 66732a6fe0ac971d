import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { parseOptionsWith } from "../options.ts";
import { type FeatureImportance, permutationImportance } from "./importance.ts";
import { predictProbability } from "./learner.ts";
import { fittedFromArtifact, readModel } from "./model.ts";
import { type SusceptibilityExplainOptions, susceptibilityExplainOptionsSchema } from "./schema.ts";
import { forestShap } from "./shap.ts";
import { writeShapSummaryPng } from "./shap-plot.ts";
import { loadForModel } from "./step-evaluate.ts";

export const EXPLAIN_OUTPUTS = ["importance.json", "shap.csv", "shap-summary.png"] as const;

export interface ExplainSummary {
  points: number;
  baseAuroc: number;
  expectedValue: number;
  features: (FeatureImportance & { meanAbsShap: number })[];
  /** Largest |expectedValue + sum(SHAP) - prediction| over the points: the additivity check. */
  maxAdditivityError: number;
}

/** Permutation importance (AUROC drop) and exact TreeSHAP values of a saved random forest on labelled points. */
export async function runSusceptibilityExplain(
  options: SusceptibilityExplainOptions,
): Promise<ExplainSummary> {
  const o = parseOptionsWith(susceptibilityExplainOptionsSchema, options, "susceptibility explain options");
  const artifact = readModel(o.model);
  if (artifact.learner !== "rf")
    throw new InputError(
      "explain needs a random-forest model (--learner rf); the GLM's coefficients explain it",
      { file: o.model },
    );
  const model = fittedFromArtifact(artifact);
  if (model.kind !== "rf") throw new Error("unreachable");
  const data = await loadForModel(artifact, o.inventory, o.covariates, true, o.memoryLimitGb);
  const n = data.label.length;
  const p = artifact.features.length;
  const importance = permutationImportance(
    model,
    artifact.features,
    data.columns,
    data.label,
    o.repeats,
    o.seed,
  );
  const shap = forestShap(model.forest, data.columns, n);
  const prediction = predictProbability(model, data.columns, n);
  let maxAdditivityError = 0;
  const lines = [
    ["line", "x", "y", "label", "prediction", ...artifact.features.map((f) => `shap_${f}`)].join(","),
  ];
  for (let i = 0; i < n; i++) {
    let total = shap.expectedValue;
    for (let f = 0; f < p; f++) total += shap.values[i * p + f];
    maxAdditivityError = Math.max(maxAdditivityError, Math.abs(total - prediction[i]));
    const row = [
      data.lineNumbers[i],
      data.x[i],
      data.y[i],
      data.label[i],
      prediction[i],
      ...shap.values.subarray(i * p, (i + 1) * p),
    ];
    lines.push(row.join(","));
  }
  const features = importance.features.map((entry, f) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.abs(shap.values[i * p + f]);
    return { ...entry, meanAbsShap: sum / n };
  });
  const summary: ExplainSummary = {
    points: n,
    baseAuroc: importance.baseAuroc,
    expectedValue: shap.expectedValue,
    features,
    maxAdditivityError,
  };
  writeFileSync(
    join(o.outDir, "importance.json"),
    `${JSON.stringify({ ...summary, permutationRepeats: o.repeats }, null, 2)}\n`,
  );
  writeFileSync(join(o.outDir, "shap.csv"), `${lines.join("\n")}\n`);
  await writeShapSummaryPng(
    join(o.outDir, "shap-summary.png"),
    artifact.features,
    shap.values,
    data.columns,
    n,
  );
  return summary;
}
