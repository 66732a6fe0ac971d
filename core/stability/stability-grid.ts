import { InputError } from "../errors.ts";
import {
  describeRange,
  factorOfSafety,
  inRange,
  PARAMETER_RANGES,
  type SlopeParameters,
  signedCriticalAcceleration,
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

const KEYS = Object.keys(PARAMETER_RANGES) as (keyof SlopeParameters)[];

function layerValue(layer: Layer, index: number): number {
  return typeof layer === "number" ? layer : layer.values[index];
}

function outOfRange(key: keyof SlopeParameters, layer: Layer, index: number, width: number): InputError {
  const value = layerValue(layer, index);
  const range = describeRange(PARAMETER_RANGES[key]);
  if (typeof layer === "number")
    return new InputError(`${key} = ${value} is outside the physical range ${range}`);
  const where = `cell (col ${index % width}, row ${Math.floor(index / width)})`;
  return new InputError(`${where}: ${key} = ${value} is outside the physical range ${range}`, {
    file: layer.file,
  });
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
  const v = new Float64Array(KEYS.length);
  for (let i = 0; i < cells; i++) {
    let nodata = false;
    for (let k = 0; k < KEYS.length; k++) {
      const value = layerValue(layers[KEYS[k]], i);
      if (Number.isNaN(value)) nodata = true;
      else if (!inRange(value, PARAMETER_RANGES[KEYS[k]]))
        throw outOfRange(KEYS[k], layers[KEYS[k]], i, width);
      v[k] = value;
    }
    if (nodata) {
      fs[i] = acG[i] = unstable[i] = Number.NaN;
      counts.nodata++;
      continue;
    }
    const cellFs = factorOfSafety(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    const ac = signedCriticalAcceleration(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    const isUnstable = v[0] === 0 ? ac < 0 : cellFs < 1;
    if (v[0] === 0) counts.flat++;
    if (isUnstable) counts.unstable++;
    fs[i] = Math.min(cellFs, FS_RASTER_MAX);
    acG[i] = isUnstable ? 0 : Math.max(ac, 0);
    unstable[i] = isUnstable ? 1 : 0;
  }
  return { fs, acG, unstable, counts };
}
