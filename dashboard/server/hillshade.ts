import type { PyramidReader } from "../../core/raster/pyramid.ts";
import type { Window } from "../../core/raster/read.ts";
import type { Grid } from "../../core/raster/types.ts";
import { rowCellSizes } from "../../core/terrain/cellsize.ts";
import { computeStrip } from "../../core/terrain/kernel.ts";
import type { WindowValues } from "./render.ts";

/** Light from the north-west, 45 degrees above the horizon: gdaldem hillshade's defaults. */
export const DEFAULT_SUN = { azimuthDeg: 315, altitudeDeg: 45 };

const DEG = Math.PI / 180;

/**
 * gdaldem hillshade's grey level from slope and aspect (the same Horn slope and aspect as
 * `quakeslide terrain`): 1 + 254 cos(angle between the sun and the surface normal), 1 where the
 * sun is behind the slope; NaN where the slope is nodata. cos = sin(alt) cos(slope) +
 * cos(alt) sin(slope) cos(azimuth - aspect).
 */
export function shade(
  slopeDeg: Float32Array,
  aspectDeg: Float32Array,
  out: Float32Array,
  sun = DEFAULT_SUN,
): void {
  const sinAlt = Math.sin(sun.altitudeDeg * DEG);
  const cosAlt = Math.cos(sun.altitudeDeg * DEG);
  for (let i = 0; i < out.length; i++) {
    const slope = slopeDeg[i] * DEG;
    if (Number.isNaN(slope)) {
      out[i] = Number.NaN;
      continue;
    }
    const aspect = aspectDeg[i];
    // Flat cells have no aspect (NaN): the sun's direction does not matter there.
    const facing = Number.isNaN(aspect) ? 0 : Math.cos((sun.azimuthDeg - aspect) * DEG);
    const cosine = sinAlt * Math.cos(slope) + cosAlt * Math.sin(slope) * facing;
    out[i] = cosine <= 0 ? 1 : Math.round(1 + 254 * cosine);
  }
}

/**
 * The hillshade of one window of a DEM level: the window is read with a one-cell halo so that
 * its own cells get full 3x3 neighbourhoods; cells at the DEM's outer edge stay NaN (as gdaldem
 * without -compute_edges).
 */
export async function hillshadeWindow(
  dem: PyramidReader,
  levelIndex: number,
  window: Window,
): Promise<WindowValues> {
  const level = dem.levels[levelIndex];
  const x0 = Math.max(0, window.x0 - 1);
  const y0 = Math.max(0, window.y0 - 1);
  const x1 = Math.min(level.width, window.x0 + window.width + 1);
  const y1 = Math.min(level.height, window.y0 + window.height + 1);
  const haloed = { x0, y0, width: x1 - x0, height: y1 - y0 };
  const elevation = await dem.readBand(levelIndex, haloed);
  const [ox, px, rx, oy, ry, py] = level.transform;
  const haloGrid: Grid = {
    width: haloed.width,
    height: haloed.height,
    transform: [ox + x0 * px, px, rx, oy + y0 * py, ry, py],
    crs: level.crs,
  };
  const { cellWidth, cellHeight } = rowCellSizes(haloGrid);
  const cells = haloed.width * haloed.height;
  const terrain = {
    slope: new Float32Array(cells),
    aspect: new Float32Array(cells),
    curvaturePlan: new Float32Array(cells),
    curvatureProfile: new Float32Array(cells),
  };
  computeStrip(
    {
      elevation,
      firstRow: 0,
      width: haloed.width,
      demHeight: haloed.height,
      rowStart: 0,
      rowEnd: haloed.height,
      cellWidth,
      cellHeight,
      method: "horn",
      computeEdges: false,
    },
    terrain,
  );
  const shaded = new Float32Array(cells);
  shade(terrain.slope, terrain.aspect, shaded);
  return { values: shaded, window: haloed, level };
}

/**
 * Slope shading of one window of a slope level (degrees), for runs without a DEM: the hillshade
 * without its direction term, 1 + 254 sin(altitude) cos(slope), so steeper is darker.
 */
export async function slopeShadeWindow(
  slope: PyramidReader,
  levelIndex: number,
  window: Window,
): Promise<WindowValues> {
  const slopeDeg = await slope.readBand(levelIndex, window);
  const shaded = new Float32Array(slopeDeg.length);
  shade(slopeDeg, new Float32Array(slopeDeg.length).fill(Number.NaN), shaded);
  return { values: shaded, window, level: slope.levels[levelIndex] };
}
