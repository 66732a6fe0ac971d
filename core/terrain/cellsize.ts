import { InputError } from "../errors.ts";
import type { Grid } from "../raster/types.ts";

// WGS 84 ellipsoid (EPSG:7030). Other datums' ellipsoids differ by < 0.01 % in these radii.
const SEMI_MAJOR_AXIS_M = 6378137;
const FLATTENING = 1 / 298.257223563;
const ECCENTRICITY_SQUARED = FLATTENING * (2 - FLATTENING);
const DEG_TO_RAD = Math.PI / 180;

/** Metres per degree of latitude (meridional radius of curvature) at latitude `latDeg`. */
export function metresPerDegreeLatitude(latDeg: number): number {
  const sin = Math.sin(latDeg * DEG_TO_RAD);
  const w = 1 - ECCENTRICITY_SQUARED * sin * sin;
  return ((SEMI_MAJOR_AXIS_M * (1 - ECCENTRICITY_SQUARED)) / (w * Math.sqrt(w))) * DEG_TO_RAD;
}

/** Metres per degree of longitude (parallel's radius) at latitude `latDeg`. */
export function metresPerDegreeLongitude(latDeg: number): number {
  const phi = latDeg * DEG_TO_RAD;
  const sin = Math.sin(phi);
  return ((SEMI_MAJOR_AXIS_M * Math.cos(phi)) / Math.sqrt(1 - ECCENTRICITY_SQUARED * sin * sin)) * DEG_TO_RAD;
}

export interface RowCellSizes {
  /** Signed east-west step in metres per column (positive when columns run east). */
  cellWidth: Float64Array;
  /** Signed north-south step in metres per row (positive when rows run south, i.e. north-up). */
  cellHeight: Float64Array;
}

/**
 * The metric cell size of every row. Projected grids (assumed in metres) have one size; for a
 * geographic grid each row gets the ellipsoidal size at the latitude of its centre, instead of
 * gdaldem's single `-s 111120` factor (which ignores cos(latitude) on the east-west axis).
 */
export function rowCellSizes(grid: Grid, file?: string): RowCellSizes {
  const [, pixelWidth, rowRotation, originY, columnRotation, pixelHeight] = grid.transform;
  if (rowRotation !== 0 || columnRotation !== 0) {
    throw new InputError(
      "rotated or sheared geotransforms are not supported; warp the DEM to a north-up grid first",
      {
        file,
      },
    );
  }
  const cellWidth = new Float64Array(grid.height);
  const cellHeight = new Float64Array(grid.height);
  for (let row = 0; row < grid.height; row++) {
    if (grid.crs.geographic) {
      const latitude = originY + (row + 0.5) * pixelHeight;
      cellWidth[row] = pixelWidth * metresPerDegreeLongitude(latitude);
      cellHeight[row] = -pixelHeight * metresPerDegreeLatitude(latitude);
    } else {
      cellWidth[row] = pixelWidth;
      cellHeight[row] = -pixelHeight;
    }
  }
  return { cellWidth, cellHeight };
}
