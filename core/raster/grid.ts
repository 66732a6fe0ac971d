import { InputError } from "../errors.ts";
import type { Grid } from "./types.ts";

/** Map coordinates of the centre of cell (col, row). */
export function cellCenter(grid: Grid, col: number, row: number): [number, number] {
  const [ox, px, rx, oy, ry, py] = grid.transform;
  const c = col + 0.5;
  const r = row + 0.5;
  return [ox + c * px + r * rx, oy + c * ry + r * py];
}

/** The cell (col, row) that contains map point (x, y), by floor; may lie outside the grid. */
export function cellOf(grid: Grid, x: number, y: number): [number, number] {
  const [ox, px, rx, oy, ry, py] = grid.transform;
  const determinant = px * py - rx * ry;
  const dx = x - ox;
  const dy = y - oy;
  const col = (dx * py - dy * rx) / determinant;
  const row = (dy * px - dx * ry) / determinant;
  return [Math.floor(col), Math.floor(row)];
}

/**
 * Throws an InputError naming both files when the grids differ in CRS (EPSG and geographic
 * flag), shape, or transform. Transforms are compared with a tolerance of 1e-9 of the pixel size,
 * the rounding that writing a geotransform as decimal text (or as doubles through GeoTIFF tags)
 * can introduce, and far below anything that would move a cell.
 */
export function assertSameGrid(a: Grid, b: Grid, nameA: string, nameB: string): void {
  const problem = gridDifference(a, b);
  if (problem)
    throw new InputError(`${nameA} and ${nameB} are not on the same grid: ${problem}`, { file: nameA });
}

function gridDifference(a: Grid, b: Grid): string | undefined {
  if (a.crs.epsg !== b.crs.epsg || a.crs.geographic !== b.crs.geographic) {
    return `CRS differs (${describeCrs(a)} vs ${describeCrs(b)})`;
  }
  if (a.width !== b.width || a.height !== b.height) {
    return `shape differs (${a.width}x${a.height} vs ${b.width}x${b.height} cells)`;
  }
  const tolerance = 1e-9 * Math.max(Math.abs(a.transform[1]), Math.abs(a.transform[5]));
  const labels = ["origin x", "pixel width", "row rotation", "origin y", "column rotation", "pixel height"];
  for (let i = 0; i < 6; i++) {
    if (!(Math.abs(a.transform[i] - b.transform[i]) <= tolerance)) {
      return `${labels[i]} differs (${a.transform[i]} vs ${b.transform[i]})`;
    }
  }
  return undefined;
}

function describeCrs(grid: Grid): string {
  const kind = grid.crs.geographic ? "geographic" : "projected";
  return grid.crs.epsg === undefined ? `${kind}, no EPSG code` : `EPSG:${grid.crs.epsg}`;
}
