import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { cellBytes, checkMemory, sampleBytes } from "../limits.ts";
import {
  assertSameGrid,
  bandAsFloat32,
  type Grid,
  type PreviewOptions,
  readRaster,
  readRasterInfo,
  writeCog,
  writePreviewPng,
} from "../raster/index.ts";

export interface Band {
  grid: Grid;
  values: Float32Array;
  file: string;
}

/** First band of a raster as Float32 (nodata → NaN), checked against `reference` when given. */
export async function readBand(path: string, reference?: Band): Promise<Band> {
  const raster = await readRaster(path, { bands: [0] });
  const grid: Grid = {
    width: raster.width,
    height: raster.height,
    transform: raster.transform,
    crs: raster.crs,
  };
  if (reference) assertSameGrid(grid, reference.grid, path, reference.file);
  return { grid, values: bandAsFloat32(raster), file: path };
}

/**
 * Before any pixel is read: every raster on the first one's grid, and the memory of reading them
 * all (as stored and as Float32) plus `outputBytesPerCell` within `limitGb`.
 */
export async function checkRasterInputs(
  paths: string[],
  outputBytesPerCell: number,
  limitGb: number,
  what: string,
): Promise<void> {
  const infos = await Promise.all(paths.map((path) => readRasterInfo(path)));
  const [first] = infos;
  for (let k = 1; k < infos.length; k++) assertSameGrid(infos[k], first, paths[k], paths[0]);
  let perCell = outputBytesPerCell;
  for (const info of infos) perCell += sampleBytes(info.sampleType) + 4;
  checkMemory(
    cellBytes(first.width, first.height, perCell),
    limitGb,
    `${what} of ${first.width} x ${first.height} cells`,
    paths[0],
  );
}

/** Writes one Float32 band as `<name>.tif` (COG, NaN nodata) and `<name>.png` (preview with legend). */
export async function writeBandOutputs(
  outDir: string,
  name: string,
  grid: Grid,
  values: Float32Array,
  preview: PreviewOptions,
): Promise<void> {
  const plainGrid: Grid = {
    width: grid.width,
    height: grid.height,
    transform: grid.transform,
    crs: grid.crs,
  };
  await writeCog(join(outDir, `${name}.tif`), {
    ...plainGrid,
    bands: [values],
    bandNames: [name],
    nodata: Number.NaN,
  });
  await writePreviewPng(join(outDir, `${name}.png`), values, plainGrid, preview);
}

export function writeSummary(outDir: string, summary: unknown): void {
  writeFileSync(join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
}

/**
 * The error when no cell has data in every input (a map of nodata would only hide the mistake):
 * it names an input that is nodata everywhere, or says that their nodata cells cover the grid.
 */
export function nothingToCompute(bands: Band[]): InputError {
  const empty = bands.find((band) => band.values.every((value) => Number.isNaN(value)));
  if (empty) return new InputError("every cell is nodata: nothing to compute", { file: empty.file });
  return new InputError(
    `no cell has data in every input (${bands.map((band) => band.file).join(", ")}): their nodata cells cover the grid`,
    { file: bands[0].file },
  );
}

/** InputError for a cell value, naming the file and the cell's column and row. */
export function cellError(file: string, index: number, width: number, problem: string): InputError {
  return new InputError(`cell (col ${index % width}, row ${Math.floor(index / width)}): ${problem}`, {
    file,
  });
}

const EARTH_RADIUS_M = 6371008.8;

/**
 * Area (m²) of one cell in each row: |pixel width × pixel height| on a projected grid (metres),
 * the spherical-Earth cell area on a geographic grid (degrees). Rotation terms are ignored.
 */
export function cellAreasByRow(grid: Grid): Float64Array {
  const [, pixelWidth, , originY, , pixelHeight] = grid.transform;
  const areas = new Float64Array(grid.height);
  for (let row = 0; row < grid.height; row++) {
    if (!grid.crs.geographic) {
      areas[row] = Math.abs(pixelWidth * pixelHeight);
      continue;
    }
    const top = ((originY + row * pixelHeight) * Math.PI) / 180;
    const bottom = ((originY + (row + 1) * pixelHeight) * Math.PI) / 180;
    areas[row] =
      EARTH_RADIUS_M ** 2 *
      Math.abs((pixelWidth * Math.PI) / 180) *
      Math.abs(Math.sin(top) - Math.sin(bottom));
  }
  return areas;
}
