import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { auroc, type CalibrationBin, calibration } from "../ml/metrics.ts";
import { parseOptionsWith } from "../options.ts";
import type { PemlArtifact } from "./artifact.ts";
import { readPemlModel } from "./artifact.ts";
import { loadPemlData, type PemlData } from "./data.ts";
import type { PemlModel } from "./model.ts";
import { writeCalibrationPng } from "./plots.ts";
import { evaluateRasters, readModelRasters } from "./raster-inputs.ts";
import { type PemlEvaluateOptions, pemlEvaluateOptionsSchema } from "./schema.ts";
import { probabilityAt } from "./step-train.ts";

export const PEML_EVALUATE_OUTPUTS = ["evaluation.json", "calibration.csv", "calibration.png"] as const;

export interface PemlEvaluateSummary {
  points: number;
  landslides: number;
  probability: "static" | "static+seismic";
  auroc: number | null;
  brier: number;
  calibration: CalibrationBin[];
  /** Landslides among the points whose P(f) lies in the top `topShare` of the map's cells (or of the points). */
  hitRate: {
    topShare: number;
    population: "raster cells" | "inventory points";
    threshold: number;
    hits: number;
    landslides: number;
    rate: number;
    /** rate / topShare: how many times better than a map drawn at random. */
    lift: number;
  };
}

/** Points for a saved model: its label, coordinates and covariates (CSV columns or raster bands) and slope. */
export async function loadForPemlModel(
  artifact: PemlArtifact,
  model: PemlModel,
  o: { inventory: string; label?: string; covariates?: string; pga?: string; memoryLimitGb: number },
  requireBothClasses: boolean,
): Promise<PemlData> {
  const t = artifact.training;
  if (t.covariates && !o.covariates)
    throw new InputError(
      `the model's covariates were sampled from a raster (${t.covariates}); give --covariates`,
      {
        file: o.inventory,
      },
    );
  if (o.pga && !model.seismic)
    throw new InputError(
      "the model was trained without ground motion (no --pga), so --pga cannot be used with it",
      {
        file: o.pga,
      },
    );
  return loadPemlData(
    {
      inventory: o.inventory,
      label: o.label ?? t.label,
      x: t.x,
      y: t.y,
      covariates: o.covariates,
      features: artifact.features.map((f) => f.name),
      slope: artifact.slope,
      classes: artifact.features.filter((f) => f.kind === "class").map((f) => f.name),
      pga: o.pga,
    },
    { requireBothClasses, memoryLimitGb: o.memoryLimitGb },
  );
}

/**
 * Scores a saved model against the inventory of a later event: AUROC, Brier score and reliability
 * table (+ calibration.png), and the share of the landslides that fall in the top 10 % of the map.
 */
export async function runPemlEvaluate(options: PemlEvaluateOptions): Promise<PemlEvaluateSummary> {
  const o = parseOptionsWith(pemlEvaluateOptionsSchema, options, "peml evaluate options");
  const { artifact, model } = readPemlModel(o.model);
  const data = await loadForPemlModel(artifact, model, o, false);
  const label = data.training.label;
  const probability = probabilityAt(model, data.training);
  const score = auroc(label, probability);
  const { brier, bins } = calibration(label, probability);
  let population = probability;
  if (o.covariates) {
    const inputs = await readModelRasters(artifact, model, o.covariates, o.pga, o.memoryLimitGb);
    const pf = new Float32Array(inputs.cells);
    evaluateRasters(model, inputs, { pf });
    population = Float64Array.from(pf.filter((v) => !Number.isNaN(v)));
  }
  const threshold = topThreshold(population, o.topShare);
  let landslides = 0;
  let hits = 0;
  for (let i = 0; i < label.length; i++) {
    if (label[i] !== 1) continue;
    landslides++;
    if (probability[i] >= threshold) hits++;
  }
  const rate = landslides > 0 ? hits / landslides : Number.NaN;
  const summary: PemlEvaluateSummary = {
    points: label.length,
    landslides,
    probability: model.seismic && data.training.pgaG ? "static+seismic" : "static",
    auroc: Number.isFinite(score) ? score : null,
    brier,
    calibration: bins,
    hitRate: {
      topShare: o.topShare,
      population: o.covariates ? "raster cells" : "inventory points",
      threshold,
      hits,
      landslides,
      rate,
      lift: rate / o.topShare,
    },
  };
  if (o.outDir) {
    writeFileSync(join(o.outDir, "evaluation.json"), `${JSON.stringify(summary, null, 2)}\n`);
    const lines = ["lower,upper,count,mean_predicted,observed_rate"];
    for (const b of bins) lines.push([b.lower, b.upper, b.count, b.meanPredicted, b.observedRate].join(","));
    writeFileSync(join(o.outDir, "calibration.csv"), `${lines.join("\n")}\n`);
    await writeCalibrationPng(
      join(o.outDir, "calibration.png"),
      bins,
      `Calibration: ${label.length} points, AUROC ${summary.auroc?.toFixed(3) ?? "n/a"}`,
    );
  }
  return summary;
}

/** The P(f) at or above which the top `share` of `values` lie (the ceil(share n)-th largest). */
export function topThreshold(values: ArrayLike<number>, share: number): number {
  const sorted = Float64Array.from(values).sort();
  const k = Math.max(1, Math.ceil(share * sorted.length));
  return sorted[sorted.length - k];
}
