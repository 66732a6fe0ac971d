import { InputError } from "../errors.ts";
import { cellBytes, checkMemory, sampleBytes } from "../limits.ts";
import {
  assertSameGrid,
  bandAsFloat32,
  cellOf,
  type RasterInfo,
  readRaster,
  readRasterInfo,
} from "../raster/index.ts";
import type { Grid } from "../raster/types.ts";
import type { TargetSpec } from "./predict.ts";
import { handleDuplicates, readNumericCsv, type Samples } from "./samples.ts";
import type { KrigeOptions } from "./schema.ts";

export interface LoadedTargets {
  targets: TargetSpec;
  /** The template grid when predicting on a raster. */
  grid?: Grid;
  /** 0 where the template is nodata. */
  mask?: Uint8Array;
  /** Covariate values per target. */
  covariates: Float32Array[];
}

export const isRasterPath = (path: string) => /\.tiff?$/i.test(path);

/** Reads, log-transforms and de-duplicates the samples, with the covariate columns in points mode. */
export function loadSamples(options: KrigeOptions): Samples {
  const pointsMode = !isRasterPath(options.grid);
  const covariateColumns = pointsMode ? options.covariates : [];
  const table = readNumericCsv(options.samples, [options.x, options.y, options.value, ...covariateColumns]);
  if (table.rows === 0) throw new InputError("no sample rows after the header", { file: options.samples });
  const z = table.columns[options.value];
  if (options.log) {
    for (let i = 0; i < z.length; i++) {
      if (!(z[i] > 0)) {
        throw new InputError(
          `line ${table.lines[i]}, column "${options.value}": ${z[i]} cannot be log-transformed (--log needs values > 0)`,
          {
            file: options.samples,
          },
        );
      }
    }
  }
  const samples: Samples = {
    x: table.columns[options.x],
    y: table.columns[options.y],
    z: options.log ? z.map(Math.log) : z,
    covariates: covariateColumns.map((name) => table.columns[name]),
  };
  return handleDuplicates(samples, table.lines, options.samples, options.duplicates);
}

/** The targets: cell centres of a GeoTIFF template (nodata masked) or the rows of a points CSV. */
export async function loadTargets(options: KrigeOptions, samples: Samples): Promise<LoadedTargets> {
  if (!isRasterPath(options.grid)) {
    const table = readNumericCsv(options.grid, [options.x, options.y, ...options.covariates]);
    const covariates = options.covariates.map((name) => Float32Array.from(table.columns[name]));
    return {
      targets: { kind: "points", x: table.columns[options.x], y: table.columns[options.y] },
      covariates,
    };
  }
  const templateInfo = await readRasterInfo(options.grid);
  const covariateInfos = await Promise.all(options.covariates.map((path) => readRasterInfo(path)));
  checkMemory(
    krigeGridBytes(templateInfo, covariateInfos, options.method),
    options.memoryLimitGb,
    `kriging onto ${templateInfo.width} x ${templateInfo.height} cells`,
    options.grid,
  );
  const template = await readRaster(options.grid, { bands: [0] });
  const grid: Grid = {
    width: template.width,
    height: template.height,
    transform: template.transform,
    crs: template.crs,
  };
  checkSamplesAgainstGrid(samples, grid, options);
  const band = bandAsFloat32(template, 0);
  const mask = Uint8Array.from(band, (v) => (Number.isNaN(v) ? 0 : 1));
  if (!mask.includes(1))
    throw new InputError("every cell of the template is nodata: nothing to predict", { file: options.grid });
  const covariates: Float32Array[] = [];
  samples.covariates = [];
  for (const [k, path] of options.covariates.entries()) {
    assertSameGrid(covariateInfos[k], grid, path, options.grid);
    const values = bandAsFloat32(await readRaster(path, { bands: [0] }), 0);
    covariates.push(values);
    samples.covariates.push(sampleRasterAt(values, grid, samples, path));
  }
  return {
    targets: { kind: "grid", transform: grid.transform, width: grid.width, height: grid.height },
    grid,
    mask,
    covariates,
  };
}

/**
 * Peak memory of kriging onto a grid: the template as read and as Float32, its mask, the Float32
 * prediction and variance, each covariate as read and as Float32, and regression kriging's trend.
 */
export function krigeGridBytes(template: RasterInfo, covariates: RasterInfo[], method: string): number {
  let perCell = sampleBytes(template.sampleType) + 4 + 1 + 8 + (method === "regression" ? 4 : 0);
  for (const covariate of covariates) perCell += sampleBytes(covariate.sampleType) + 4;
  return cellBytes(template.width, template.height, perCell);
}

/** Covariate values at the samples: the cell that contains each sample (it must be inside and not nodata). */
function sampleRasterAt(values: Float32Array, grid: Grid, samples: Samples, path: string): Float64Array {
  return samples.x.map((x, i) => {
    const [col, row] = cellOf(grid, x, samples.y[i]);
    const value =
      col >= 0 && row >= 0 && col < grid.width && row < grid.height
        ? values[row * grid.width + col]
        : Number.NaN;
    if (Number.isNaN(value)) {
      throw new InputError(
        `sample ${i + 1} at (${x}, ${samples.y[i]}) lies outside the covariate raster or on nodata`,
        { file: path },
      );
    }
    return value;
  });
}

/**
 * Samples in another CRS than the grid (lon/lat against metres, or a swapped x/y) land far from
 * it: refuse when no sample lies within the grid's extent grown by its own size on every side,
 * and when a geographic grid gets coordinates that are not degrees.
 */
function checkSamplesAgainstGrid(samples: Samples, grid: Grid, options: KrigeOptions): void {
  const [ox, px, , oy, , py] = grid.transform;
  const xs = [ox, ox + px * grid.width].sort((a, b) => a - b);
  const ys = [oy, oy + py * grid.height].sort((a, b) => a - b);
  const growX = xs[1] - xs[0];
  const growY = ys[1] - ys[0];
  let near = 0;
  for (let i = 0; i < samples.x.length; i++) {
    const x = samples.x[i];
    const y = samples.y[i];
    if (grid.crs.geographic && (Math.abs(x) > 180 || Math.abs(y) > 90)) {
      throw new InputError(
        `sample ${i + 1} at (${x}, ${y}) is not in degrees but ${options.grid} is geographic; reproject the samples`,
        {
          file: options.samples,
        },
      );
    }
    if (x >= xs[0] - growX && x <= xs[1] + growX && y >= ys[0] - growY && y <= ys[1] + growY) near++;
  }
  if (near === 0) {
    throw new InputError(
      `no sample lies near the grid of ${options.grid} (x ${xs[0]}..${xs[1]}, y ${ys[0]}..${ys[1]}); are the samples in the grid's CRS${grid.crs.epsg ? ` (EPSG:${grid.crs.epsg})` : ""} and are --x/--y the right columns?`,
      { file: options.samples },
    );
  }
}
