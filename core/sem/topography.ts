import { dirname, isAbsolute, join, relative } from "node:path";
import { InputError } from "../errors.ts";
import { bandAsFloat32, readRaster } from "../raster/index.ts";
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
  const raster = await readRaster(demPath, { bands: [0] });
  if (raster.crs.geographic)
    throw new InputError("the DEM for a SEM profile must be in a projected CRS in metres, not degrees", {
      file: demPath,
    });
  const elevation = bandAsFloat32(raster);
  const [ox, px, rx, oy, ry, py] = raster.transform;
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
  const profile: SurfaceProfile = { x: new Float64Array(count), z: new Float64Array(count) };
  for (let k = 0; k < count; k++) {
    const distance = xmin + ((xmax - xmin) * k) / (count - 1);
    const mapX = from[0] + ((to[0] - from[0]) * distance) / length;
    const mapY = from[1] + ((to[1] - from[1]) * distance) / length;
    // Fractional cell coordinates relative to cell centres.
    const col = ((mapX - ox) * py - (mapY - oy) * rx) / determinant - 0.5;
    const row = ((mapY - oy) * px - (mapX - ox) * ry) / determinant - 0.5;
    const c0 = Math.min(Math.max(Math.floor(col), 0), raster.width - 2);
    const r0 = Math.min(Math.max(Math.floor(row), 0), raster.height - 2);
    const fc = col - c0;
    const fr = row - r0;
    if (fc < -0.5 || fc > 1.5 || fr < -0.5 || fr > 1.5) {
      throw new InputError(
        `the profile leaves the DEM at ${distance.toFixed(1)} m from topography.from (map ${mapX.toFixed(1)}, ${mapY.toFixed(1)})`,
        { file: demPath },
      );
    }
    const at = (c: number, r: number) => elevation[r * raster.width + c];
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
