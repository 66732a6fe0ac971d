/**
 * Slope, aspect and Zevenbergen & Thorne curvatures of a strip of DEM rows.
 *
 * Window numbering (as in gdaldem), north up:
 *
 *     0 1 2
 *     3 4 5
 *     6 7 8
 *
 * Slope and aspect follow `gdaldem slope|aspect` (Horn 1981, or Zevenbergen & Thorne 1987 with
 * `-alg ZevenbergenThorne`); curvatures follow SAGA "Slope, Aspect, Curvature" method 6
 * (Zevenbergen & Thorne 1987) whatever the slope method. See docs/terrain.md for the formulas.
 */

export type TerrainMethod = "horn" | "zevenbergen-thorne";

export interface TerrainBands {
  /** Degrees, 0 = flat. */
  slope: Float32Array;
  /** Degrees clockwise from north, [0, 360); NaN where flat (as gdaldem marks flat cells: nodata). */
  aspect: Float32Array;
  /** Plan (contour) curvature, 1/m, SAGA's sign convention. */
  curvaturePlan: Float32Array;
  /** Profile curvature, 1/m, SAGA's sign convention. */
  curvatureProfile: Float32Array;
}

export interface StripInput {
  /** Elevations (NaN = nodata) of DEM rows `firstRow .. firstRow + rowCount - 1`, row-major. */
  elevation: Float32Array;
  /** DEM row of `elevation`'s first row; it must include the halo row above `rowStart` (if any). */
  firstRow: number;
  width: number;
  /** Total DEM height, to know which rows are the raster's top and bottom edges. */
  demHeight: number;
  /** DEM rows to compute, `[rowStart, rowEnd)`; `elevation` must also hold row `rowEnd` if it exists. */
  rowStart: number;
  rowEnd: number;
  /** East-west cell size in metres of each DEM row (length demHeight). */
  cellWidth: Float64Array;
  /** North-south cell size in metres of each DEM row (length demHeight). */
  cellHeight: Float64Array;
  method: TerrainMethod;
  /** Extrapolate beyond the raster's outer edge as `gdaldem -compute_edges` does (else edges are nodata). */
  computeEdges: boolean;
}

const RAD_TO_DEG = 180 / Math.PI;
const f32 = Math.fround;

/** Scratch window and one-cell outputs for edge cells, so that the edge path allocates nothing per cell. */
const edgeWindow = new Float64Array(9);
const edgeCell: TerrainBands = {
  slope: new Float32Array(1),
  aspect: new Float32Array(1),
  curvaturePlan: new Float32Array(1),
  curvatureProfile: new Float32Array(1),
};

/**
 * Computes rows `[rowStart, rowEnd)` of the bands present in `out` (each holds `(rowEnd -
 * rowStart) * width` values, row `rowStart` first): slope and aspect share the gradient, the two
 * curvatures their derivatives, so a thread that writes only some outputs computes only those.
 * Cells whose 3x3 window touches nodata are NaN in every band.
 */
export function computeStrip(input: StripInput, out: Partial<TerrainBands>): void {
  const { width, demHeight, rowStart, rowEnd } = input;
  const gradient = out.slope !== undefined || out.aspect !== undefined;
  const curvature = out.curvaturePlan !== undefined || out.curvatureProfile !== undefined;
  for (let row = rowStart; row < rowEnd; row++) {
    const outRow = (row - rowStart) * width;
    const onTopOrBottom = row === 0 || row === demHeight - 1;
    if (onTopOrBottom || width < 3) {
      for (let col = 0; col < width; col++) computeEdgeCell(input, row, col, out, outRow + col);
      continue;
    }
    computeEdgeCell(input, row, 0, out, outRow);
    if (gradient) gradientRow(input, row, out.slope, out.aspect, outRow);
    if (curvature) curvatureRow(input, row, out.curvaturePlan, out.curvatureProfile, outRow);
    computeEdgeCell(input, row, width - 1, out, outRow + width - 1);
  }
}

/**
 * Slope and aspect of columns 1 .. width-2 of a row that has a row above and below it (the fast
 * path; either output may be absent). The same arithmetic as evaluateWindow, cell for cell.
 */
function gradientRow(
  input: StripInput,
  row: number,
  slope: Float32Array | undefined,
  aspect: Float32Array | undefined,
  outRow: number,
): void {
  const { elevation: z, width, firstRow } = input;
  const above = (row - 1 - firstRow) * width;
  const here = above + width;
  const below = here + width;
  const dx = input.cellWidth[row];
  const dy = input.cellHeight[row];
  const horn = input.method === "horn";
  for (let col = 1; col < width - 1; col++) {
    const z0 = z[above + col - 1];
    const z1 = z[above + col];
    const z2 = z[above + col + 1];
    const z3 = z[here + col - 1];
    const z4 = z[here + col];
    const z5 = z[here + col + 1];
    const z6 = z[below + col - 1];
    const z7 = z[below + col];
    const z8 = z[below + col + 1];
    const index = outRow + col;
    if (Number.isNaN(z0 + z1 + z2 + z3 + z4 + z5 + z6 + z7 + z8)) {
      if (slope) slope[index] = Number.NaN;
      if (aspect) aspect[index] = Number.NaN;
      continue;
    }
    const gx = horn
      ? f32(f32(f32(f32(z2 + z5) + z5) + z8) - f32(f32(f32(z0 + z3) + z3) + z6)) / (8 * dx)
      : f32(z5 - z3) / (2 * dx);
    const gy = horn
      ? f32(f32(f32(f32(z0 + z1) + z1) + z2) - f32(f32(f32(z6 + z7) + z7) + z8)) / (8 * dy)
      : f32(z1 - z7) / (2 * dy);
    const gradient2 = gx * gx + gy * gy;
    if (slope) slope[index] = Math.atan(Math.sqrt(gradient2)) * RAD_TO_DEG;
    if (aspect) aspect[index] = gradient2 === 0 ? Number.NaN : azimuthOfDownslope(gx, gy);
  }
}

/** Plan and profile curvature of columns 1 .. width-2 of an inner row (the fast path; either may be absent). */
function curvatureRow(
  input: StripInput,
  row: number,
  plan: Float32Array | undefined,
  profile: Float32Array | undefined,
  outRow: number,
): void {
  const { elevation: z, width, firstRow } = input;
  const above = (row - 1 - firstRow) * width;
  const here = above + width;
  const below = here + width;
  const dx = input.cellWidth[row];
  const dy = input.cellHeight[row];
  for (let col = 1; col < width - 1; col++) {
    const index = outRow + col;
    const curvatures = zevenbergenThorne(
      z[above + col - 1],
      z[above + col],
      z[above + col + 1],
      z[here + col - 1],
      z[here + col],
      z[here + col + 1],
      z[below + col - 1],
      z[below + col],
      z[below + col + 1],
      dx,
      dy,
    );
    if (plan) plan[index] = curvatures === NODATA ? Number.NaN : CURVATURES[PLAN];
    if (profile) profile[index] = curvatures === NODATA ? Number.NaN : CURVATURES[PROFILE];
  }
}

/**
 * zevenbergenThorne's results: in a typed array, so that no number is boxed per cell (a double
 * stored in a module variable is a new heap object each time).
 */
const CURVATURES = new Float64Array(2);
const PLAN = 0;
const PROFILE = 1;
const NODATA = 0;
const COMPUTED = 1;

/**
 * SAGA's plan and profile curvature of one window (Zevenbergen & Thorne's polynomial) into
 * CURVATURES; NODATA when the window touches nodata (NaN propagates through
 * the sums). Where the gradient is zero both are 0: SAGA leaves them unset there.
 */
function zevenbergenThorne(
  z0: number,
  z1: number,
  z2: number,
  z3: number,
  z4: number,
  z5: number,
  z6: number,
  z7: number,
  z8: number,
  dx: number,
  dy: number,
): typeof NODATA | typeof COMPUTED {
  // Zevenbergen & Thorne partial derivatives, x east and y north (SAGA's p, q, r, t, s).
  const zx = (z5 - z3) / (2 * dx);
  const zy = (z1 - z7) / (2 * dy);
  const zxx = (z3 + z5 - 2 * z4) / (dx * dx);
  const zyy = (z1 + z7 - 2 * z4) / (dy * dy);
  const zxy = (z2 - z0 - z8 + z6) / (4 * dx * dy);
  if (Number.isNaN(zx + zy + zxx + zyy + zxy + z0 + z2 + z6 + z8)) return NODATA;
  const k = zx * zx + zy * zy;
  if (k === 0) {
    // Curvature along and across an undefined direction: SAGA leaves it unset; 0 keeps flats usable.
    CURVATURES[PLAN] = 0;
    CURVATURES[PROFILE] = 0;
    return COMPUTED;
  }
  const along = zxx * zx * zx + 2 * zxy * zx * zy + zyy * zy * zy;
  const across = zxx * zy * zy - 2 * zxy * zx * zy + zyy * zx * zx;
  CURVATURES[PROFILE] = -along / (k * (1 + k) * Math.sqrt(1 + k));
  CURVATURES[PLAN] = -across / (k * Math.sqrt(k));
  return COMPUTED;
}

/**
 * A cell on the raster's outer ring: nodata unless computeEdges, in which case the window is
 * completed exactly as gdaldem's GDALGeneric3x3Processing does (missing rows/columns are linear
 * extrapolations 2*edge - inner; on the top and bottom rows, columns beyond the side are clamped).
 */
function computeEdgeCell(
  input: StripInput,
  row: number,
  col: number,
  out: Partial<TerrainBands>,
  index: number,
): void {
  const { width, demHeight } = input;
  if (!input.computeEdges || width < 2 || demHeight < 2) {
    writeCell(out, index, Number.NaN, Number.NaN, Number.NaN, Number.NaN);
    return;
  }
  const w = edgeWindow;
  if (row === 0 || row === demHeight - 1) {
    const left = col === 0 ? col : col - 1;
    const right = col === width - 1 ? col : col + 1;
    const inner = row === 0 ? row + 1 : row - 1;
    for (let k = 0; k < 3; k++) {
      const column = k === 0 ? left : k === 1 ? col : right;
      const edgeValue = elevationAt(input, row, column);
      const innerValue = elevationAt(input, inner, column);
      const outside = 2 * edgeValue - innerValue;
      w[3 + k] = edgeValue;
      w[row === 0 ? k : 6 + k] = outside;
      w[row === 0 ? 6 + k : k] = innerValue;
    }
  } else {
    const inner = col === 0 ? 1 : width - 2;
    for (let k = 0; k < 3; k++) {
      const r = row - 1 + k;
      const edgeValue = elevationAt(input, r, col);
      const innerValue = elevationAt(input, r, inner);
      w[3 * k + 1] = edgeValue;
      w[3 * k + (col === 0 ? 0 : 2)] = 2 * edgeValue - innerValue;
      w[3 * k + (col === 0 ? 2 : 0)] = innerValue;
    }
  }
  const cell = edgeCell;
  evaluateWindow(
    w[0],
    w[1],
    w[2],
    w[3],
    w[4],
    w[5],
    w[6],
    w[7],
    w[8],
    input.cellWidth[row],
    input.cellHeight[row],
    input.method === "horn",
    cell,
    0,
  );
  writeCell(out, index, cell.slope[0], cell.aspect[0], cell.curvaturePlan[0], cell.curvatureProfile[0]);
}

function writeCell(
  out: Partial<TerrainBands>,
  index: number,
  slope: number,
  aspect: number,
  plan: number,
  profile: number,
): void {
  if (out.slope) out.slope[index] = slope;
  if (out.aspect) out.aspect[index] = aspect;
  if (out.curvaturePlan) out.curvaturePlan[index] = plan;
  if (out.curvatureProfile) out.curvatureProfile[index] = profile;
}

function elevationAt(input: StripInput, row: number, col: number): number {
  return input.elevation[(row - input.firstRow) * input.width + col];
}

/**
 * The four attributes of one 3x3 window (edge cells). NaN anywhere in the window makes every band
 * NaN, since NaN propagates through the sums (cells next to nodata are nodata, as in gdaldem).
 */
function evaluateWindow(
  z0: number,
  z1: number,
  z2: number,
  z3: number,
  z4: number,
  z5: number,
  z6: number,
  z7: number,
  z8: number,
  dx: number,
  dy: number,
  horn: boolean,
  out: TerrainBands,
  index: number,
): void {
  if (zevenbergenThorne(z0, z1, z2, z3, z4, z5, z6, z7, z8, dx, dy) === NODATA) {
    writeCell(out, index, Number.NaN, Number.NaN, Number.NaN, Number.NaN);
    return;
  }
  // Gradient of the slope method: Horn's weighted 3x3 differences, or ZT's central differences.
  // The elevation sums are rounded to Float32 in gdaldem's order, as gdaldem does on Float32
  // DEMs: in double, slopes under ~2 deg would differ from gdaldem's aspect by up to 0.04 deg on
  // a 3000 m DEM. The rounding (< 1 mm on such sums) is far below any DEM's accuracy, and exact
  // (no rounding at all) on integer DEMs, which gdaldem sums as Int32.
  const gx = horn
    ? f32(f32(f32(f32(z2 + z5) + z5) + z8) - f32(f32(f32(z0 + z3) + z3) + z6)) / (8 * dx)
    : f32(z5 - z3) / (2 * dx);
  const gy = horn
    ? f32(f32(f32(f32(z0 + z1) + z1) + z2) - f32(f32(f32(z6 + z7) + z7) + z8)) / (8 * dy)
    : f32(z1 - z7) / (2 * dy);
  const gradient2 = gx * gx + gy * gy;
  out.slope[index] = Math.atan(Math.sqrt(gradient2)) * RAD_TO_DEG;
  out.aspect[index] = gradient2 === 0 ? Number.NaN : azimuthOfDownslope(gx, gy);
  out.curvaturePlan[index] = CURVATURES[PLAN];
  out.curvatureProfile[index] = CURVATURES[PROFILE];
}

/** Azimuth (degrees clockwise from north, [0, 360)) of the steepest descent -grad z. */
function azimuthOfDownslope(gx: number, gy: number): number {
  // gdaldem: atan2(dy, -dx) counter-clockwise from east, then converted to an azimuth.
  const fromEast = Math.atan2(-gy, -gx) * RAD_TO_DEG;
  const azimuth = fromEast > 90 ? 450 - fromEast : 90 - fromEast;
  return azimuth >= 360 ? azimuth - 360 : azimuth;
}
