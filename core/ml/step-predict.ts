import { join } from "node:path";
import { InputError } from "../errors.ts";
import { cellBytes, checkMemory, sampleBytes } from "../limits.ts";
import { parseOptionsWith } from "../options.ts";
import { bandAsFloat32, readRaster, readRasterInfo, writeCog, writePreviewPng } from "../raster/index.ts";
import { predictProbability } from "./learner.ts";
import { fittedFromArtifact, readModel } from "./model.ts";
import { predictForestParallel } from "./parallel-predict.ts";
import { type SusceptibilityPredictOptions, susceptibilityPredictOptionsSchema } from "./schema.ts";
import type { Progress } from "./step-cv.ts";

export const PREDICT_OUTPUTS = ["susceptibility.tif", "susceptibility.png"] as const;

export interface PredictSummary {
  raster: string;
  preview: string;
  width: number;
  height: number;
  predictedCells: number;
  nodataCells: number;
  min: number;
  max: number;
  mean: number;
}

/** Susceptibility (probability of a landslide, 0..1) on the covariate raster's grid; a cell with any nodata covariate stays nodata. */
export async function runSusceptibilityPredict(
  options: SusceptibilityPredictOptions,
  onProgress?: Progress,
): Promise<PredictSummary> {
  const o = parseOptionsWith(susceptibilityPredictOptionsSchema, options, "susceptibility predict options");
  const artifact = readModel(o.model);
  const info = await readRasterInfo(o.covariates);
  // Every band as stored; per feature a Float32 band and a Float64 column of the row-major
  // matrix the forest reads; the Float64 probability and the Float32 map.
  const perCell = info.bandCount * sampleBytes(info.sampleType) + artifact.features.length * 12 + 12;
  checkMemory(
    cellBytes(info.width, info.height, perCell),
    o.memoryLimitGb,
    `predicting on ${info.width} x ${info.height} cells`,
    o.covariates,
  );
  const raster = await readRaster(o.covariates);
  const trainedEpsg = artifact.training.epsg;
  if (trainedEpsg !== undefined && raster.crs.epsg !== trainedEpsg) {
    throw new InputError(
      `CRS mismatch: the model was trained on EPSG:${trainedEpsg} covariates, this raster is ${raster.crs.epsg ? `EPSG:${raster.crs.epsg}` : "in an unknown CRS"}`,
      {
        file: o.covariates,
      },
    );
  }
  const bandNames = raster.bandNames.map((name, b) => name ?? `band${b + 1}`);
  const bands = artifact.features.map((feature) => {
    const b = bandNames.indexOf(feature);
    if (b < 0)
      throw new InputError(
        `the model needs a band named "${feature}"; the bands are: ${bandNames.join(", ")}`,
        { file: o.covariates },
      );
    return bandAsFloat32(raster, b);
  });
  onProgress?.(0.1, "covariates read");
  const cells = raster.width * raster.height;
  const model = fittedFromArtifact(artifact);
  const probability =
    model.kind === "rf"
      ? await predictForestParallel(model.forest, bands, cells, o.threads)
      : predictProbability(model, bands, cells);
  onProgress?.(0.8, "predicted");
  const out = new Float32Array(cells);
  let predicted = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < cells; i++) {
    // A cell with any NaN covariate is nodata (the forest path already returns NaN there; the GLM is masked here).
    let value = probability[i];
    for (const band of bands) if (Number.isNaN(band[i])) value = Number.NaN;
    out[i] = value;
    if (Number.isNaN(value)) continue;
    predicted++;
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (predicted === 0)
    throw new InputError("every cell has a nodata covariate: nothing to predict", { file: o.covariates });
  const grid = { width: raster.width, height: raster.height, transform: raster.transform, crs: raster.crs };
  await writeCog(join(o.outDir, "susceptibility.tif"), {
    ...grid,
    bands: [out],
    bandNames: ["susceptibility"],
    nodata: Number.NaN,
  });
  await writePreviewPng(join(o.outDir, "susceptibility.png"), out, grid, {
    ramp: "magma",
    title: `Landslide susceptibility (${artifact.learner})`,
    units: "probability",
    min: 0,
    max: 1,
  });
  onProgress?.(1, "written");
  return {
    raster: "susceptibility.tif",
    preview: "susceptibility.png",
    width: raster.width,
    height: raster.height,
    predictedCells: predicted,
    nodataCells: cells - predicted,
    min,
    max,
    mean: sum / predicted,
  };
}
