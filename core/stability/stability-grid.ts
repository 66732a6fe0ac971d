import { InputError } from "../errors.ts";
import {
  evaluateSlope,
  inRange,
  PARAMETER_RANGES,
  rangeProblem,
  type SlopeParameters,
  type StabilityResult,
} from "./infinite-slope.ts";

/** A parameter given as one value for every cell or as a raster band (NaN = nodata) from `file`. */
export type Layer = number | { values: Float32Array; file: string };

export type StabilityLayers = Record<keyof SlopeParameters, Layer>;

/**
 * Factor of safety written to fs.tif is capped here: flat cells have FS = +∞ and nearly flat ones
 * huge values that only blur the preview; a_c stays exact for them.
 */
export const FS_RASTER_MAX = 100;

export interface StabilityGrid {
  fs: Float32Array;
  acG: Float32Array;
  /** 1 where FS < 1, 0 elsewhere, NaN on nodata. */
  unstable: Float32Array;
  counts: { cells: number; nodata: number; unstable: number; flat: number };
}

/** A layer's value at a cell: NaN for nodata, an InputError naming file and cell when out of range. */
function checkedValue(key: keyof SlopeParameters, layer: Layer, index: number, width: number): number {
  const value = typeof layer === "number" ? layer : layer.values[index];
  if (Number.isNaN(value) || inRange(value, PARAMETER_RANGES[key])) return value;
  throw outOfRange(key, layer, index, width);
}

function outOfRange(key: keyof SlopeParameters, layer: Layer, index: number, width: number): InputError {
  const value = typeof layer === "number" ? layer : layer.values[index];
  const problem = `${key} ${rangeProblem(key)}, got ${value}`;
  if (typeof layer === "number") return new InputError(problem);
  const where = `cell (col ${index % width}, row ${Math.floor(index / width)})`;
  return new InputError(`${where}: ${problem}`, { file: layer.file });
}

/**
 * FS, a_c and the unstable mask for every cell. A NaN in any input layer makes the cell nodata in
 * every output; a finite value outside its physical range is an InputError naming file and cell.
 */
export function stabilityGrid(layers: StabilityLayers, width: number, cells: number): StabilityGrid {
  const fs = new Float32Array(cells);
  const acG = new Float32Array(cells);
  const unstable = new Float32Array(cells);
  const counts = { cells, nodata: 0, unstable: 0, flat: 0 };
  // One parameter set and one result, rewritten for every cell.
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
  const value = (key: keyof SlopeParameters, i: number) => checkedValue(key, layers[key], i, width);
  for (let i = 0; i < cells; i++) {
    p.slope = value("slope", i);
    p.cohesion = value("cohesion", i);
    p.frictionAngle = value("frictionAngle", i);
    p.unitWeight = value("unitWeight", i);
    p.thickness = value("thickness", i);
    p.saturation = value("saturation", i);
    p.waterUnitWeight = value("waterUnitWeight", i);
    // Every value is finite or NaN, so the sum is NaN exactly when one input is nodata.
    const sum = p.slope + p.cohesion + p.frictionAngle + p.unitWeight + p.thickness + p.saturation;
    if (Number.isNaN(sum + p.waterUnitWeight)) {
      fs[i] = acG[i] = unstable[i] = Number.NaN;
      counts.nodata++;
      continue;
    }
    evaluateSlope(p, result);
    if (p.slope === 0) counts.flat++;
    if (result.unstable) counts.unstable++;
    fs[i] = Math.min(result.fs, FS_RASTER_MAX);
    acG[i] = result.acG;
    unstable[i] = result.unstable ? 1 : 0;
  }
  return { fs, acG, unstable, counts };
}
