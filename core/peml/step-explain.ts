import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkMemory } from "../limits.ts";
import { parseOptionsWith } from "../options.ts";
import { evaluateSlope, type SlopeParameters, type StabilityResult } from "../stability/infinite-slope.ts";
import { readPemlModel } from "./artifact.ts";
import { type ExplainedPoints, explainedPoints } from "./explain-points.ts";
import { evaluateModel, FS_CAP, type PemlModel } from "./model.ts";
import { writeDependencePng } from "./plots.ts";
import { type PemlExplainOptions, pemlExplainOptionsSchema } from "./schema.ts";
import {
  type BatchFunction,
  backgroundRows,
  exactShapley,
  meanAbsolute,
  type ShapleyResult,
} from "./shapley.ts";
import type { Progress } from "./step-train.ts";

/** The seven geotechnical covariates of the infinite slope, c', φ', γ, t, m, γ_w, slope. */
export const PHYSICS_COVARIATES = [
  "cohesion",
  "friction",
  "unit_weight",
  "thickness",
  "saturation",
  "water_unit_weight",
  "slope",
] as const;

export const PEML_EXPLAIN_OUTPUTS = [
  "shapley.json",
  "shap-physics.csv",
  "shap-model.csv",
  "dependence-physics-fs.png",
  "dependence-physics-ac.png",
  "dependence-model-fs.png",
  "dependence-model-ac.png",
  "dependence-model-pf.png",
] as const;

export interface Ranking {
  target: string;
  expectedValue: number;
  /** Covariates sorted by mean |SHAP|, largest first. */
  ranking: { covariate: string; meanAbsShap: number }[];
  /** max over points of |Σ SHAP − (f(x) − E[f])|: the efficiency check (~1e-15 relative). */
  maxEfficiencyError: number;
}

export interface PemlExplainSummary {
  /** What was explained: inventory points or raster cells drawn at random. */
  explained: "points" | "cells";
  points: number;
  backgroundRows: number;
  physics: Ranking[];
  model: Ranking[];
}

/** FS (capped) and a_c (g, 0 where FS < 1) of the infinite slope over the seven covariates. */
export const infiniteSlopeFunction: BatchFunction = (columns, count, out) => {
  const [c, phi, gamma, t, m, gammaW, slope] = columns;
  const p: SlopeParameters = {
    slope: 0,
    cohesion: 0,
    frictionAngle: 0,
    unitWeight: 0,
    thickness: 0,
    saturation: 0,
    waterUnitWeight: 0,
  };
  const result: StabilityResult = { fs: 0, acG: 0, unstable: false };
  for (let r = 0; r < count; r++) {
    p.slope = slope[r];
    p.cohesion = c[r];
    p.frictionAngle = phi[r];
    p.unitWeight = gamma[r];
    p.thickness = t[r];
    p.saturation = m[r];
    p.waterUnitWeight = gammaW[r];
    evaluateSlope(p, result);
    out[r] = Math.min(result.fs, FS_CAP);
    out[count + r] = result.acG;
  }
};

/** FS, a_c and P(f) of a fitted model as a function of its raw covariates, the slope (and the PGA). */
export function modelFunction(model: PemlModel, covariates: number, seismic: boolean): BatchFunction {
  return (columns, count, out) => {
    evaluateModel(
      model,
      {
        columns: columns.slice(0, covariates),
        slopeDeg: columns[covariates],
        pgaG: seismic ? columns[covariates + 1] : undefined,
        count,
      },
      {
        fs: out.subarray(0, count),
        ac: out.subarray(count, 2 * count),
        pf: out.subarray(2 * count, 3 * count),
      },
    );
  };
}

/**
 * Exact interventional Shapley values per inventory point, or per raster cell drawn at random
 * (background: `background` of those points) of FS and a_c over the seven geotechnical covariates, with the soil
 * parameters the model learned at the points, and of the model's FS, a_c and P(f) over its own
 * inputs. Writes rankings, per-point values and dependence plots.
 */
export async function runPemlExplain(
  options: PemlExplainOptions,
  onProgress?: Progress,
): Promise<PemlExplainSummary> {
  const o = parseOptionsWith(pemlExplainOptionsSchema, options, "peml explain options");
  const { artifact, model } = readPemlModel(o.model);
  const t = await explainedPoints(artifact, model, o);
  const n = t.id.length;
  const soil = {
    cohesion: new Float64Array(n),
    friction: new Float64Array(n),
    saturation: new Float64Array(n),
    thickness: new Float64Array(n),
  };
  evaluateModel(model, { columns: t.columns, slopeDeg: t.slopeDeg, pgaG: t.pgaG, count: n }, soil);
  const physicsColumns = [
    soil.cohesion,
    soil.friction,
    new Float64Array(n).fill(model.unitWeight),
    soil.thickness,
    soil.saturation,
    new Float64Array(n).fill(model.waterUnitWeight),
    t.slopeDeg,
  ];
  const seismic = model.seismic !== undefined && t.pgaG !== undefined;
  const modelNames = [...t.featureNames, artifact.slope, ...(seismic ? ["pga"] : [])];
  const modelColumns = [...t.columns, t.slopeDeg, ...(seismic && t.pgaG ? [t.pgaG] : [])];
  const rows = backgroundRows(n, o.background, o.seed);
  // The coalition rows of one point: 2^p x background, each with its covariates and 3 outputs.
  const players = Math.max(physicsColumns.length, modelColumns.length);
  checkMemory(
    2 ** players * rows.length * (players + 3) * 8,
    o.memoryLimitGb,
    `exact Shapley values over ${players} covariates with ${rows.length} background points (use --background to need less)`,
  );
  const pick = (columns: ArrayLike<number>[]) => columns.map((c) => Float64Array.from(rows, (i) => c[i]));
  const physics = exactShapley(
    infiniteSlopeFunction,
    2,
    physicsColumns,
    n,
    pick(physicsColumns),
    rows.length,
    (f) => onProgress?.(0.5 * f, "Shapley values of the infinite slope"),
  );
  const learned = exactShapley(
    modelFunction(model, t.columns.length, seismic),
    3,
    modelColumns,
    n,
    pick(modelColumns),
    rows.length,
    (f) => onProgress?.(0.5 + 0.45 * f, "Shapley values of the model"),
  );
  const physicsNames = [...PHYSICS_COVARIATES];
  const summary: PemlExplainSummary = {
    explained: t.kind,
    points: n,
    backgroundRows: rows.length,
    physics: ["fs", "ac"].map((target, k) => ranking(target, physics, k, physicsNames)),
    model: ["fs", "ac", "pf"].map((target, k) => ranking(target, learned, k, modelNames)),
  };
  writeFileSync(join(o.outDir, "shapley.json"), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(
    join(o.outDir, "shap-physics.csv"),
    shapCsv(t, physics, ["fs", "ac"], physicsNames, physicsColumns),
  );
  writeFileSync(
    join(o.outDir, "shap-model.csv"),
    shapCsv(t, learned, ["fs", "ac", "pf"], modelNames, modelColumns),
  );
  const titles = { fs: "factor of safety FS", ac: "critical acceleration a_c (g)", pf: "P(f)" } as const;
  for (const [k, target] of (["fs", "ac"] as const).entries())
    await writeDependencePng(
      join(o.outDir, `dependence-physics-${target}.png`),
      `SHAP of ${titles[target]} over the seven geotechnical covariates`,
      physicsNames,
      physics.values[k],
      physicsColumns,
      n,
      meanAbsolute(physics.values[k], physicsNames.length),
    );
  for (const [k, target] of (["fs", "ac", "pf"] as const).entries())
    await writeDependencePng(
      join(o.outDir, `dependence-model-${target}.png`),
      `SHAP of the model's ${titles[target]} over its inputs`,
      modelNames,
      learned.values[k],
      modelColumns,
      n,
      meanAbsolute(learned.values[k], modelNames.length),
    );
  onProgress?.(1, "written");
  return summary;
}

function ranking(target: string, result: ShapleyResult, output: number, names: string[]): Ranking {
  const p = names.length;
  const values = result.values[output];
  const expected = result.expected[output];
  const predictions = result.predictions[output];
  let maxEfficiencyError = 0;
  for (let i = 0; i < predictions.length; i++) {
    let sum = 0;
    for (let j = 0; j < p; j++) sum += values[i * p + j];
    maxEfficiencyError = Math.max(maxEfficiencyError, Math.abs(sum - (predictions[i] - expected)));
  }
  const meanAbs = meanAbsolute(values, p);
  return {
    target,
    expectedValue: expected,
    ranking: names
      .map((covariate, j) => ({ covariate, meanAbsShap: meanAbs[j] }))
      .sort((a, b) => b.meanAbsShap - a.meanAbsShap),
    maxEfficiencyError,
  };
}

function shapCsv(
  points: ExplainedPoints,
  result: ShapleyResult,
  targets: string[],
  names: string[],
  columns: ArrayLike<number>[],
): string {
  const p = names.length;
  const header = [
    points.kind === "points" ? "line" : "cell",
    "x",
    "y",
    ...(points.label ? ["label"] : []),
    ...names,
    ...targets,
    ...targets.flatMap((target) => names.map((name) => `shap_${target}_${name}`)),
  ];
  const lines = [header.join(",")];
  for (let i = 0; i < points.id.length; i++) {
    const row: number[] = [points.id[i], points.x[i], points.y[i]];
    if (points.label) row.push(points.label[i]);
    for (const column of columns) row.push(column[i]);
    for (let k = 0; k < targets.length; k++) row.push(result.predictions[k][i]);
    for (let k = 0; k < targets.length; k++)
      for (let j = 0; j < p; j++) row.push(result.values[k][i * p + j]);
    lines.push(row.join(","));
  }
  return `${lines.join("\n")}\n`;
}
