import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseOptionsWith } from "../options.ts";
import type { PreviewOptions } from "../raster/index.ts";
import { writeBandOutputs } from "../stability/raster-io.ts";
import { readPemlModel } from "./artifact.ts";
import { FS_CAP, OUTPUT_NAMES, type OutputName } from "./model.ts";
import { SOIL_PARAMETERS } from "./physics.ts";
import { type ParameterPlausibility, parameterPlausibility } from "./plausibility.ts";
import { evaluateRasters, readModelRasters } from "./raster-inputs.ts";
import { type PemlPredictOptions, pemlPredictOptionsSchema } from "./schema.ts";
import type { Progress } from "./step-train.ts";

export const PEML_PREDICT_OUTPUTS = [
  ...OUTPUT_NAMES.flatMap((name) => [`${name}.tif`, `${name}.png`]),
  "plausibility.json",
] as const;

const PREVIEWS: Record<OutputName, PreviewOptions> = {
  cohesion: { ramp: "viridis", title: "Learned effective cohesion c", units: "kPa" },
  friction: { ramp: "viridis", title: "Learned effective friction angle phi", units: "degrees" },
  saturation: { ramp: "viridis", title: "Learned saturated fraction m", units: "fraction", min: 0, max: 1 },
  thickness: { ramp: "viridis", title: "Learned slab thickness t", units: "m" },
  fs: {
    ramp: "diverging",
    title: "Factor of safety FS (capped at 5 in this preview)",
    units: "-",
    min: 0,
    max: 5,
  },
  ac: { ramp: "magma", title: "Critical acceleration a_c", units: "g" },
  pf: { ramp: "magma", title: "Implied probability of failure P(f)", units: "probability", min: 0, max: 1 },
};

export interface PemlPredictSummary {
  width: number;
  height: number;
  predictedCells: number;
  nodataCells: number;
  /** Cells whose class value (lithology, land cover) was not seen in training (no class effect applied). */
  unseenClassCells: number;
  /** "static", or "static+seismic" when a PGA raster was given to a model trained with one. */
  probability: "static" | "static+seismic";
  parameters: ParameterPlausibility[];
  shareUnstable: number;
  meanFs: number;
  meanAcG: number;
  meanPf: number;
}

/**
 * Learned soil-parameter maps, FS, a_c and P(f) on the covariate grid (COG + PNG each) and a
 * plausibility report (plausibility.json): share of cells at a bound, comparison with the priors.
 */
export async function runPemlPredict(
  options: PemlPredictOptions,
  onProgress?: Progress,
): Promise<PemlPredictSummary> {
  const o = parseOptionsWith(pemlPredictOptionsSchema, options, "peml predict options");
  const { artifact, model } = readPemlModel(o.model);
  const inputs = await readModelRasters(artifact, model, o.covariates, o.pga, o.memoryLimitGb);
  onProgress?.(0.1, "covariates read");
  const outputs = Object.fromEntries(
    OUTPUT_NAMES.map((name) => [name, new Float32Array(inputs.cells)]),
  ) as Record<OutputName, Float32Array>;
  const unseenClassCells = evaluateRasters(model, inputs, outputs);
  onProgress?.(0.4, "evaluated");
  let predicted = 0;
  let unstable = 0;
  let sumFs = 0;
  let sumAc = 0;
  let sumPf = 0;
  for (let i = 0; i < inputs.cells; i++) {
    if (Number.isNaN(outputs.pf[i])) continue;
    predicted++;
    if (outputs.fs[i] < 1) unstable++;
    sumFs += outputs.fs[i];
    sumAc += outputs.ac[i];
    sumPf += outputs.pf[i];
  }
  const summary: PemlPredictSummary = {
    width: inputs.grid.width,
    height: inputs.grid.height,
    predictedCells: predicted,
    nodataCells: inputs.cells - predicted,
    unseenClassCells,
    probability: model.seismic && inputs.pgaG ? "static+seismic" : "static",
    parameters: SOIL_PARAMETERS.map((p) =>
      parameterPlausibility(p, outputs[p], model.bounds[p], artifact.priors[p]),
    ),
    shareUnstable: unstable / predicted,
    meanFs: sumFs / predicted,
    meanAcG: sumAc / predicted,
    meanPf: sumPf / predicted,
  };
  for (const [k, name] of OUTPUT_NAMES.entries()) {
    await writeBandOutputs(o.outDir, name, inputs.grid, outputs[name], PREVIEWS[name]);
    onProgress?.(0.4 + (0.6 * (k + 1)) / OUTPUT_NAMES.length, `${name}.tif written`);
  }
  writeFileSync(
    join(o.outDir, "plausibility.json"),
    `${JSON.stringify({ ...summary, fsCap: FS_CAP, atBoundMeans: "within 1 % of the range from the bound" }, null, 2)}\n`,
  );
  return summary;
}
