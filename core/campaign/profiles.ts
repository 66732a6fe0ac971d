import { InputError } from "../errors.ts";
import type { Grid } from "../raster/types.ts";
import type { CampaignSpec } from "./spec.ts";

export type MapPoint = [number, number];

/** A straight profile across the area, in map coordinates; waves travel from `from` to `to`. */
export interface ProfileLine {
  name: string;
  from: MapPoint;
  to: MapPoint;
  length_m: number;
}

/**
 * The spec's profiles as lines. Parallel lines: `count` lines in the azimuth's direction, the
 * middle one through `center` (default the DEM's centre), `spacing_m` apart, named p0, p1, ...
 * from left to right looking along the azimuth; each spans the rectangle of the DEM's cell
 * centres, so that the DEM can be sampled along all of it.
 */
export function profileLines(spec: CampaignSpec, grid: Grid, demFile: string): ProfileLine[] {
  if ("lines" in spec.profiles)
    return spec.profiles.lines.map((line) => {
      const length = Math.hypot(line.to[0] - line.from[0], line.to[1] - line.from[1]);
      if (!(length > 0)) throw new InputError(`profile ${line.name}: from and to must differ`);
      return { name: line.name, from: line.from, to: line.to, length_m: length };
    });
  const { count, spacing_m, azimuth_deg, center } = spec.profiles.parallel;
  const rect = cellCentreRectangle(grid, demFile);
  const middle: MapPoint = center ?? [(rect.x0 + rect.x1) / 2, (rect.y0 + rect.y1) / 2];
  const azimuth = (azimuth_deg * Math.PI) / 180;
  const along: MapPoint = [Math.sin(azimuth), Math.cos(azimuth)];
  const right: MapPoint = [Math.cos(azimuth), -Math.sin(azimuth)];
  return Array.from({ length: count }, (_, k) => {
    const offset = (k - (count - 1) / 2) * spacing_m;
    const through: MapPoint = [middle[0] + offset * right[0], middle[1] + offset * right[1]];
    const span = clipToRectangle(through, along, rect);
    if (!span || span[1] - span[0] <= 0)
      throw new InputError(
        `parallel profile p${k} (${offset.toFixed(0)} m from the middle line) misses the DEM: use fewer lines, a smaller spacing or another center`,
        { file: demFile },
      );
    const at = (t: number): MapPoint => [through[0] + t * along[0], through[1] + t * along[1]];
    return { name: `p${k}`, from: at(span[0]), to: at(span[1]), length_m: span[1] - span[0] };
  });
}

interface Rectangle {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** The rectangle spanned by the cell centres of a north-up grid (where a DEM can be sampled). */
function cellCentreRectangle(grid: Grid, file: string): Rectangle {
  const [ox, px, rx, oy, ry, py] = grid.transform;
  if (rx !== 0 || ry !== 0)
    throw new InputError("rotated grids are not supported for campaign profiles", { file });
  const xs = [ox + 0.5 * px, ox + (grid.width - 0.5) * px];
  const ys = [oy + 0.5 * py, oy + (grid.height - 0.5) * py];
  return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
}

/** Parameter range [t0, t1] of the line p + t·d inside the rectangle (Liang-Barsky), or null. */
function clipToRectangle(p: MapPoint, d: MapPoint, rect: Rectangle): [number, number] | null {
  let t0 = Number.NEGATIVE_INFINITY;
  let t1 = Number.POSITIVE_INFINITY;
  const slabs: [number, number, number][] = [
    [p[0], d[0], rect.x0],
    [p[0], d[0], rect.x1],
    [p[1], d[1], rect.y0],
    [p[1], d[1], rect.y1],
  ];
  for (let axis = 0; axis < 2; axis++) {
    const [origin, direction, low] = slabs[2 * axis];
    const high = slabs[2 * axis + 1][2];
    if (Math.abs(direction) < 1e-12) {
      if (origin < low || origin > high) return null;
      continue;
    }
    const a = (low - origin) / direction;
    const b = (high - origin) / direction;
    t0 = Math.max(t0, Math.min(a, b));
    t1 = Math.min(t1, Math.max(a, b));
  }
  return t0 <= t1 ? [t0, t1] : null;
}

/**
 * The cells a profile's ground motion is applied to: those within `maxDistance` (m) of the
 * segment, with their position along it (m from `from`, clamped to the segment), their distance
 * to it, a_c and the slope-parallel projection coefficients of coupling.ts. Cells without a
 * finite a_c or slope are left out (they stay nodata in every map).
 */
export interface ProfileBand {
  cell: Uint32Array;
  along: Float32Array;
  distance: Float32Array;
  ac: Float32Array;
  /** cos(slope) · cos(angle between the downslope direction and the profile). */
  cx: Float32Array;
  /** sin(slope). */
  cz: Float32Array;
}

export interface AreaRasters {
  grid: Grid;
  ac: Float32Array;
  slopeDeg: Float32Array;
  /** Downslope direction, degrees clockwise from north; NaN on flat cells (as gdaldem). */
  aspectDeg: Float32Array;
}

export function profileBand(area: AreaRasters, line: ProfileLine, maxDistance: number): ProfileBand {
  const { grid } = area;
  const [ox, px, , oy, , py] = grid.transform;
  const u: MapPoint = [
    (line.to[0] - line.from[0]) / line.length_m,
    (line.to[1] - line.from[1]) / line.length_m,
  ];
  // Only the cells of the segment's bounding box grown by maxDistance can qualify.
  const xs = [line.from[0], line.to[0]];
  const ys = [line.from[1], line.to[1]];
  const colRange = cellRange(
    Math.min(...xs) - maxDistance,
    Math.max(...xs) + maxDistance,
    ox,
    px,
    grid.width,
  );
  const rowRange = cellRange(
    Math.min(...ys) - maxDistance,
    Math.max(...ys) + maxDistance,
    oy,
    py,
    grid.height,
  );
  const picked: number[] = [];
  const along: number[] = [];
  const distance: number[] = [];
  for (let row = rowRange[0]; row <= rowRange[1]; row++) {
    const y = oy + (row + 0.5) * py;
    for (let col = colRange[0]; col <= colRange[1]; col++) {
      const index = row * grid.width + col;
      if (!Number.isFinite(area.ac[index]) || !Number.isFinite(area.slopeDeg[index])) continue;
      const x = ox + (col + 0.5) * px;
      const dx = x - line.from[0];
      const dy = y - line.from[1];
      const s = dx * u[0] + dy * u[1];
      const clamped = Math.min(Math.max(s, 0), line.length_m);
      const d = Math.hypot(dx - clamped * u[0], dy - clamped * u[1]);
      if (d > maxDistance) continue;
      picked.push(index);
      along.push(clamped);
      distance.push(d);
    }
  }
  const band: ProfileBand = {
    cell: Uint32Array.from(picked),
    along: Float32Array.from(along),
    distance: Float32Array.from(distance),
    ac: new Float32Array(picked.length),
    cx: new Float32Array(picked.length),
    cz: new Float32Array(picked.length),
  };
  for (let k = 0; k < picked.length; k++) {
    const index = picked[k];
    const [cx, cz] = projectionCoefficients(area.slopeDeg[index], area.aspectDeg[index], u);
    band.ac[k] = area.ac[index];
    band.cx[k] = cx;
    band.cz[k] = cz;
  }
  return band;
}

/** Inclusive index range of the cells whose centres can lie in [low, high] along one axis. */
function cellRange(low: number, high: number, origin: number, size: number, count: number): [number, number] {
  const a = (low - origin) / size - 0.5;
  const b = (high - origin) / size - 0.5;
  return [Math.max(0, Math.floor(Math.min(a, b))), Math.min(count - 1, Math.ceil(Math.max(a, b)))];
}

/**
 * [cx, cz] with which the slope-parallel (downslope) component of the ground acceleration at a
 * cell is cx·a_x − cz·a_z, for a_x along the profile (direction `u` on the map) and a_z up:
 * the downslope unit vector is (cos α · d, −sin α) with d the horizontal downslope direction
 * (aspect), so cx = cos α (u·d) and cz = sin α. A flat cell (aspect nodata) takes d = u.
 */
export function projectionCoefficients(slopeDeg: number, aspectDeg: number, u: MapPoint): [number, number] {
  const slope = (slopeDeg * Math.PI) / 180;
  const aspect = (aspectDeg * Math.PI) / 180;
  const cosTheta = Number.isFinite(aspect) ? u[0] * Math.sin(aspect) + u[1] * Math.cos(aspect) : 1;
  return [Math.cos(slope) * cosTheta, Math.sin(slope)];
}
