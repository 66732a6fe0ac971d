import { InputError } from "../errors.ts";
import type { Crs, Grid } from "../raster/types.ts";

/**
 * Between an area grid's CRS and longitude/latitude (WGS 84), which ShakeMaps and event files use.
 * Supported: geographic WGS 84 (EPSG:4326) and the UTM zones on WGS 84 (EPSG:326zz north, 327zz
 * south) and on GRS 80 (ETRS89 EPSG:258zz, NAD83 EPSG:269zz: the two ellipsoids differ by 0.1 mm
 * in the semi-minor axis, and the datum shifts of a metre or so are far below a ShakeMap's 1-2 km
 * node spacing). Other CRSs: reproject the DEM with gdalwarp first.
 *
 * Transverse Mercator by Krüger's series in n to third order (Karney 2011, eqs. 7, 35, 36), as in
 * the UTM definition: within a zone it agrees with PROJ's exact-to-nanometre implementation to a
 * few millimetres (test/unit/groundmotion/projection.test.ts checks it against gdaltransform).
 */
export interface LonLatProjection {
  /** Lon/lat (degrees) to grid x/y, written to out[0], out[1] (no allocation per call). */
  forward(lon: number, lat: number, out: Float64Array): void;
  /** Grid x/y to lon/lat (degrees), written to out[0], out[1]. */
  inverse(x: number, y: number, out: Float64Array): void;
  description: string;
}

const WGS84 = { a: 6378137, f: 1 / 298.257223563 };

export function projectionFor(crs: Crs, source = "the area grid"): LonLatProjection {
  const epsg = crs.epsg;
  if (crs.geographic && (epsg === undefined || epsg === 4326)) {
    const copy = (a: number, b: number, out: Float64Array) => {
      out[0] = a;
      out[1] = b;
    };
    return { forward: copy, inverse: copy, description: "EPSG:4326" };
  }
  const utm = epsg === undefined ? undefined : utmZoneOf(epsg);
  if (!utm) {
    throw new InputError(
      `${source} is in ${epsg ? `EPSG:${epsg}` : "an unnamed CRS"}; ground motion needs EPSG:4326 or a UTM zone ` +
        "(EPSG:326zz/327zz, 258zz, 269zz): reproject it, e.g. gdalwarp -t_srs EPSG:32717",
    );
  }
  return {
    ...transverseMercator(-183 + 6 * utm.zone, 0.9996, 500_000, utm.south ? 10_000_000 : 0),
    description: `EPSG:${epsg}`,
  };
}

function utmZoneOf(epsg: number): { zone: number; south: boolean } | undefined {
  if (epsg >= 32601 && epsg <= 32660) return { zone: epsg - 32600, south: false };
  if (epsg >= 32701 && epsg <= 32760) return { zone: epsg - 32700, south: true };
  if (epsg >= 25828 && epsg <= 25838) return { zone: epsg - 25800, south: false };
  if (epsg >= 26901 && epsg <= 26923) return { zone: epsg - 26900, south: false };
  return undefined;
}

/** Transverse Mercator on WGS 84 with central meridian lon0 (degrees), scale k0, false E/N (m). */
export function transverseMercator(
  lon0: number,
  k0: number,
  falseEasting: number,
  falseNorthing: number,
): Omit<LonLatProjection, "description"> {
  const n = WGS84.f / (2 - WGS84.f);
  const n2 = n * n;
  const n3 = n2 * n;
  const scale = k0 * (WGS84.a / (1 + n)) * (1 + n2 / 4 + (n2 * n2) / 64);
  const alpha = [n / 2 - (2 * n2) / 3 + (5 * n3) / 16, (13 * n2) / 48 - (3 * n3) / 5, (61 * n3) / 240];
  const beta = [n / 2 - (2 * n2) / 3 + (37 * n3) / 96, n2 / 48 + n3 / 15, (17 * n3) / 480];
  const delta = [2 * n - (2 * n2) / 3 - 2 * n3, (7 * n2) / 3 - (8 * n3) / 5, (56 * n3) / 15];
  const e2n = (2 * Math.sqrt(n)) / (1 + n);
  const radians = Math.PI / 180;
  return {
    forward(lon, lat, out) {
      const phi = lat * radians;
      const lambda = wrapDegrees(lon - lon0) * radians;
      const t = Math.sinh(Math.atanh(Math.sin(phi)) - e2n * Math.atanh(e2n * Math.sin(phi)));
      const xi = Math.atan2(t, Math.cos(lambda));
      const eta = Math.atanh(Math.sin(lambda) / Math.sqrt(1 + t * t));
      let x = eta;
      let y = xi;
      for (let j = 1; j <= 3; j++) {
        x += alpha[j - 1] * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
        y += alpha[j - 1] * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
      }
      out[0] = falseEasting + scale * x;
      out[1] = falseNorthing + scale * y;
    },
    inverse(x, y, out) {
      const xi = (y - falseNorthing) / scale;
      const eta = (x - falseEasting) / scale;
      let xiP = xi;
      let etaP = eta;
      for (let j = 1; j <= 3; j++) {
        xiP -= beta[j - 1] * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
        etaP -= beta[j - 1] * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
      }
      const chi = Math.asin(Math.sin(xiP) / Math.cosh(etaP));
      let phi = chi;
      for (let j = 1; j <= 3; j++) phi += delta[j - 1] * Math.sin(2 * j * chi);
      const lambda = Math.atan2(Math.sinh(etaP), Math.cos(xiP));
      out[0] = wrapDegrees(lon0 + lambda / radians);
      out[1] = phi / radians;
    },
  };
}

/** A longitude difference or longitude in [-180, 180). */
function wrapDegrees(degrees: number): number {
  return degrees >= -180 && degrees < 180 ? degrees : ((((degrees + 180) % 360) + 360) % 360) - 180;
}

/** Longitude and latitude of every cell centre of a grid (row-major). */
export function cellCentresLonLat(
  grid: Grid,
  projection: LonLatProjection,
): { lon: Float64Array; lat: Float64Array } {
  const [x0, dx, rx, y0, ry, dy] = grid.transform;
  const cells = grid.width * grid.height;
  const lon = new Float64Array(cells);
  const lat = new Float64Array(cells);
  const point = new Float64Array(2);
  for (let row = 0; row < grid.height; row++) {
    for (let col = 0; col < grid.width; col++) {
      const x = x0 + (col + 0.5) * dx + (row + 0.5) * rx;
      const y = y0 + (col + 0.5) * ry + (row + 0.5) * dy;
      projection.inverse(x, y, point);
      lon[row * grid.width + col] = point[0];
      lat[row * grid.width + col] = point[1];
    }
  }
  return { lon, lat };
}
