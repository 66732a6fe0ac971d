import { InputError } from "../errors.ts";
import { cellBytes, checkMemory, sampleBytes } from "../limits.ts";
import { bandAsFloat32, type Grid, readRaster, readRasterInfo } from "../raster/index.ts";
import { readBand } from "../stability/raster-io.ts";
import type { PemlArtifact } from "./artifact.ts";
import { evaluateModel, type Outputs, type PemlModel } from "./model.ts";

export interface RasterInputs {
  grid: Grid;
  /** The model's network covariates in its order, then the slope; NaN where nodata. */
  columns: Float32Array[];
  slopeDeg: Float32Array;
  pgaG?: Float32Array;
  cells: number;
}

/**
 * The bands a saved model needs from a covariate raster (matched by name) and, for a model with a
 * seismic term, the PGA raster on the same grid. The raster's CRS must be the training one.
 */
export async function readModelRasters(
  artifact: PemlArtifact,
  model: PemlModel,
  covariates: string,
  pga: string | undefined,
  memoryLimitGb: number,
): Promise<RasterInputs> {
  if (pga && !model.seismic)
    throw new InputError(
      "the model was trained without ground motion (no --pga), so a PGA raster cannot be used with it",
      { file: pga },
    );
  const info = await readRasterInfo(covariates);
  // Every band as stored, a Float32 copy of each band the model reads and of the PGA, and the
  // seven Float32 outputs of predict.
  checkMemory(
    cellBytes(
      info.width,
      info.height,
      info.bandCount * sampleBytes(info.sampleType) + 4 * (artifact.features.length + 2) + 28,
    ),
    memoryLimitGb,
    `evaluating the model on ${info.width} x ${info.height} cells`,
    covariates,
  );
  const raster = await readRaster(covariates);
  const trainedEpsg = artifact.training.epsg;
  if (trainedEpsg !== undefined && raster.crs.epsg !== trainedEpsg)
    throw new InputError(
      `CRS mismatch: the model was trained on EPSG:${trainedEpsg} covariates, this raster is ${raster.crs.epsg ? `EPSG:${raster.crs.epsg}` : "in an unknown CRS"}`,
      { file: covariates },
    );
  const bandNames = raster.bandNames.map((name, b) => name ?? `band${b + 1}`);
  const band = (name: string) => {
    const b = bandNames.indexOf(name);
    if (b < 0)
      throw new InputError(`the model needs a band named "${name}"; the bands are: ${bandNames.join(", ")}`, {
        file: covariates,
      });
    return bandAsFloat32(raster, b);
  };
  const grid: Grid = {
    width: raster.width,
    height: raster.height,
    transform: raster.transform,
    crs: raster.crs,
  };
  const slopeDeg = band(artifact.slope);
  for (let i = 0; i < slopeDeg.length; i++) {
    const s = slopeDeg[i];
    if (!Number.isNaN(s) && !(s >= 0 && s < 90))
      throw new InputError(
        `band "${artifact.slope}" must be a slope in degrees (0 <= slope < 90); cell ${i % grid.width}, ${Math.floor(i / grid.width)} holds ${s}`,
        { file: covariates },
      );
  }
  let pgaG: Float32Array | undefined;
  if (pga) {
    pgaG = (await readBand(pga, { grid, values: slopeDeg, file: covariates })).values;
    const negative = pgaG.findIndex((v) => v < 0);
    if (negative >= 0)
      throw new InputError(
        `PGA must be >= 0 g; cell ${negative % grid.width}, ${Math.floor(negative / grid.width)} holds ${pgaG[negative]}`,
        {
          file: pga,
        },
      );
  }
  return {
    grid,
    columns: artifact.features.map((f) => band(f.name)),
    slopeDeg,
    pgaG,
    cells: grid.width * grid.height,
  };
}

/** Evaluates the model on every cell; returns the number of cells with a class unseen in training. */
export function evaluateRasters(model: PemlModel, inputs: RasterInputs, outputs: Outputs): number {
  return evaluateModel(
    model,
    { columns: inputs.columns, slopeDeg: inputs.slopeDeg, pgaG: inputs.pgaG, count: inputs.cells },
    outputs,
  );
}
