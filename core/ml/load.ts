import { InputError } from "../errors.ts";
import { cellBytes, checkMemory, DEFAULT_MEMORY_LIMIT_GB, sampleBytes } from "../limits.ts";
import { bandAsFloat32, type Crs, cellOf, type Grid, readRaster, readRasterInfo } from "../raster/index.ts";
import { type Dataset, listLines, readInventory } from "./dataset.ts";
import type { InventorySource } from "./schema.ts";

export interface LoadedInventory {
  dataset: Dataset;
  /** CRS of the covariate raster the features were sampled from, if any. */
  crs?: Crs;
}

/** Reads the labelled points, sampling the features from a covariate raster when one is given. */
export async function loadInventory(
  source: InventorySource,
  options: { requireBothClasses?: boolean; memoryLimitGb?: number } = {},
): Promise<LoadedInventory> {
  const names = { label: source.label, x: source.x, y: source.y };
  if (!source.covariates) {
    if (!source.features)
      throw new InputError("name the feature columns (--features a,b,c) or give --covariates");
    return { dataset: readInventory(source.inventory, { ...names, features: source.features }, options) };
  }
  const points = readInventory(source.inventory, { ...names, features: [] }, options);
  const info = await readRasterInfo(source.covariates);
  // Every band as stored, and one band at a time as Float32 while it is sampled.
  checkMemory(
    cellBytes(info.width, info.height, info.bandCount * sampleBytes(info.sampleType) + 4),
    options.memoryLimitGb ?? DEFAULT_MEMORY_LIMIT_GB,
    `sampling ${info.bandCount} covariate band(s) of ${info.width} x ${info.height} cells`,
    source.covariates,
  );
  const raster = await readRaster(source.covariates);
  const bandNames = raster.bandNames.map((name, b) => name ?? `band${b + 1}`);
  const features = source.features ?? bandNames;
  const columns = features.map((name) => {
    const band = bandNames.indexOf(name);
    if (band < 0)
      throw new InputError(`no band named "${name}"; the bands are: ${bandNames.join(", ")}`, {
        file: source.covariates,
      });
    return sampleBand(bandAsFloat32(raster, band), raster, points, name, source.covariates as string);
  });
  return { dataset: { ...points, featureNames: features, columns }, crs: raster.crs };
}

function sampleBand(
  band: Float32Array,
  grid: Grid,
  points: Dataset,
  name: string,
  file: string,
): Float64Array {
  const values = new Float64Array(points.x.length);
  const outside: number[] = [];
  const nodata: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const [col, row] = cellOf(grid, points.x[i], points.y[i]);
    if (col < 0 || row < 0 || col >= grid.width || row >= grid.height) {
      outside.push(points.lineNumbers[i]);
      continue;
    }
    values[i] = band[row * grid.width + col];
    if (Number.isNaN(values[i])) nodata.push(points.lineNumbers[i]);
  }
  if (outside.length > 0) {
    throw new InputError(
      `${outside.length} point(s) of ${points.file} lie outside the covariate raster (lines ${listLines(outside)}); check that both use the same CRS`,
      { file },
    );
  }
  if (nodata.length > 0) {
    throw new InputError(
      `band "${name}" is nodata at ${nodata.length} point(s) of ${points.file} (lines ${listLines(nodata)})`,
      { file },
    );
  }
  return values;
}
