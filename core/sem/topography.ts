import { dirname, isAbsolute, join, relative } from "node:path";
import { InputError } from "../errors.ts";
import { bandAsFloat32, type RasterInfo, readRaster, readRasterInfo } from "../raster/index.ts";
import type { Scenario } from "./scenario.ts";

export interface SurfaceProfile {
  x: Float64Array;
  z: Float64Array;
}

/**
 * The free surface of a scenario as a profile {x, z}: as given, flat at z = 0 when omitted, or cut
 * through a DEM. For a DEM, x is the distance (m) along the straight line from `from` to `to`
 * (map coordinates of the DEM's projected CRS, metres), so `domain.xmin`/`xmax` are distances
 * along that line; the DEM is sampled bilinearly between cell centres every half cell.
 */
export async function resolveSurface(
  scenario: Scenario,
  scenarioFile: string,
  options: { demBesideScenario?: boolean } = {},
): Promise<SurfaceProfile> {
  const topography = scenario.topography;
  if (!topography)
    return { x: Float64Array.of(scenario.domain.xmin, scenario.domain.xmax), z: Float64Array.of(0, 0) };
  if ("x" in topography) return { x: Float64Array.from(topography.x), z: Float64Array.from(topography.z) };
  const folder = dirname(scenarioFile);
  const demPath = isAbsolute(topography.dem) ? topography.dem : join(folder, topography.dem);
  const inside = relative(folder, demPath);
  if (options.demBesideScenario && (inside === "" || inside.startsWith("..") || isAbsolute(inside))) {
    throw new InputError(
      `topography.dem ${JSON.stringify(topography.dem)} must name a file staged with the scenario (a name relative to it, not a path out of its folder)`,
      { file: scenarioFile },
    );
  }
  return demProfile(demPath, topography.from, topography.to, scenario.domain.xmin, scenario.domain.xmax);
}

export async function demProfile(
  demPath: string,
  from: [number, number],
  to: [number, number],
  xmin: number,
  xmax: number,
): Promise<SurfaceProfile> {
  const info = await readRasterInfo(demPath);
  if (info.crs.geographic)
    throw new InputError("the DEM for a SEM profile must be in a projected CRS in metres, not degrees", {
      file: demPath,
    });
  const [ox, px, rx, oy, ry, py] = info.transform;
  const determinant = px * py - rx * ry;
  const length = Math.hypot(to[0] - from[0], to[1] - from[1]);
  if (!(length > 0)) throw new InputError("topography.from and topography.to must differ", { file: demPath });
  if (xmin < 0 || xmax > length + 1e-6) {
    throw new InputError(
      `domain.xmin..xmax (${xmin}..${xmax} m) must lie within the profile, 0..${length.toFixed(1)} m from topography.from`,
      { file: demPath },
    );
  }
  const spacing = Math.min(Math.abs(px), Math.abs(py)) / 2;
  const count = Math.max(2, Math.ceil((xmax - xmin) / spacing) + 1);
  // Fractional cell coordinates (relative to cell centres) of a point `distance` along the line.
  const cellAt = (distance: number) => {
    const mapX = from[0] + ((to[0] - from[0]) * distance) / length;
    const mapY = from[1] + ((to[1] - from[1]) * distance) / length;
    const col = ((mapX - ox) * py - (mapY - oy) * rx) / determinant - 0.5;
    const row = ((mapY - oy) * px - (mapX - ox) * ry) / determinant - 0.5;
    return { mapX, mapY, col, row };
  };
  if (info.width < 2 || info.height < 2)
    throw new InputError(`the DEM is ${info.width} x ${info.height} cells; a profile needs at least 2 x 2`, {
      file: demPath,
    });
  // The line is straight: if both ends are on the DEM, so is every point between them.
  for (const distance of [xmin, xmax]) {
    const { mapX, mapY, col, row } = cellAt(distance);
    if (!(col >= -0.5 && col <= info.width - 0.5 && row >= -0.5 && row <= info.height - 0.5))
      throw new InputError(
        `the profile leaves the DEM at ${distance.toFixed(1)} m from topography.from (map ${mapX.toFixed(1)}, ${mapY.toFixed(1)})`,
        { file: demPath },
      );
  }
  // Only the window around the line is read, not the whole DEM.
  const window = profileWindow(cellAt(xmin), cellAt(xmax), info);
  const elevation = bandAsFloat32(await readRaster(demPath, { bands: [0], window }));
  const profile: SurfaceProfile = { x: new Float64Array(count), z: new Float64Array(count) };
  for (let k = 0; k < count; k++) {
    const distance = xmin + ((xmax - xmin) * k) / (count - 1);
    const { mapX, mapY, col, row } = cellAt(distance);
    const c0 = Math.min(Math.max(Math.floor(col), 0), info.width - 2);
    const r0 = Math.min(Math.max(Math.floor(row), 0), info.height - 2);
    const fc = col - c0;
    const fr = row - r0;
    if (fc < -0.5 || fc > 1.5 || fr < -0.5 || fr > 1.5) {
      throw new InputError(
        `the profile leaves the DEM at ${distance.toFixed(1)} m from topography.from (map ${mapX.toFixed(1)}, ${mapY.toFixed(1)})`,
        { file: demPath },
      );
    }
    const at = (c: number, r: number) => elevation[(r - window.y0) * window.width + (c - window.x0)];
    const value =
      (1 - fr) * ((1 - fc) * at(c0, r0) + fc * at(c0 + 1, r0)) +
      fr * ((1 - fc) * at(c0, r0 + 1) + fc * at(c0 + 1, r0 + 1));
    if (!Number.isFinite(value))
      throw new InputError(
        `the DEM has no data under the profile at ${distance.toFixed(1)} m from topography.from`,
        { file: demPath },
      );
    profile.x[k] = distance;
    profile.z[k] = value;
  }
  return profile;
}

/** The cells that bilinear sampling between two points of a straight line touches (clamped to the raster). */
function profileWindow(a: { col: number; row: number }, b: { col: number; row: number }, info: RasterInfo) {
  const clampCol = (c: number) => Math.min(Math.max(c, 0), info.width - 2);
  const clampRow = (r: number) => Math.min(Math.max(r, 0), info.height - 2);
  const x0 = clampCol(Math.floor(Math.min(a.col, b.col)));
  const y0 = clampRow(Math.floor(Math.min(a.row, b.row)));
  const x1 = clampCol(Math.floor(Math.max(a.col, b.col))) + 1;
  const y1 = clampRow(Math.floor(Math.max(a.row, b.row))) + 1;
  return { x0, y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}
