/**
 * Joyner-Boore distance Rjb (km): the shortest horizontal distance to the surface projection of
 * the rupture. Without a rupture the event is a point and Rjb is the epicentral distance, which
 * overestimates Rjb within about half a rupture length of the epicentre (tens of km for Mw 7+):
 * give the rupture polygon when it is known.
 */

/** Mean Earth radius (IUGG), km. */
const EARTH_RADIUS_KM = 6371.0088;
const RADIANS = Math.PI / 180;

/** Great-circle distance (km) between two lon/lat points (haversine; < 0.5 % from the ellipsoid). */
export function greatCircleKm(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RADIANS;
  const dLon = (lon2 - lon1) * RADIANS;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RADIANS) * Math.cos(lat2 * RADIANS) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Rjb for every (lon, lat): to the point (epicentre) or to a rupture polygon (lon/lat ring).
 * The polygon is handled in a local equirectangular plane centred on it, whose distance error
 * stays below 1 % within a few hundred km, the range where BSSA14 is defined.
 */
export function joynerBooreKm(
  lon: Float64Array,
  lat: Float64Array,
  source: { lon: number; lat: number } | { ring: [number, number][] },
): Float64Array {
  const rjb = new Float64Array(lon.length);
  if ("lon" in source) {
    for (let i = 0; i < rjb.length; i++) rjb[i] = greatCircleKm(source.lon, source.lat, lon[i], lat[i]);
    return rjb;
  }
  const ring = source.ring;
  const lat0 = ring.reduce((sum, [, y]) => sum + y, 0) / ring.length;
  const lon0 = ring.reduce((sum, [x]) => sum + x, 0) / ring.length;
  const kx = EARTH_RADIUS_KM * RADIANS * Math.cos(lat0 * RADIANS);
  const ky = EARTH_RADIUS_KM * RADIANS;
  const xs = Float64Array.from(ring, ([x]) => (x - lon0) * kx);
  const ys = Float64Array.from(ring, ([, y]) => (y - lat0) * ky);
  for (let i = 0; i < rjb.length; i++) {
    const px = (lon[i] - lon0) * kx;
    const py = (lat[i] - lat0) * ky;
    rjb[i] = insidePolygon(xs, ys, px, py) ? 0 : distanceToRing(xs, ys, px, py);
  }
  return rjb;
}

function insidePolygon(xs: Float64Array, ys: Float64Array, px: number, py: number): boolean {
  let inside = false;
  for (let i = 0, j = xs.length - 1; i < xs.length; j = i++) {
    if (ys[i] > py !== ys[j] > py && px < ((xs[j] - xs[i]) * (py - ys[i])) / (ys[j] - ys[i]) + xs[i])
      inside = !inside;
  }
  return inside;
}

function distanceToRing(xs: Float64Array, ys: Float64Array, px: number, py: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0, j = xs.length - 1; i < xs.length; j = i++) {
    const dx = xs[i] - xs[j];
    const dy = ys[i] - ys[j];
    const length2 = dx * dx + dy * dy;
    const t = length2 === 0 ? 0 : Math.min(1, Math.max(0, ((px - xs[j]) * dx + (py - ys[j]) * dy) / length2));
    const ex = xs[j] + t * dx - px;
    const ey = ys[j] + t * dy - py;
    best = Math.min(best, ex * ex + ey * ey);
  }
  return Math.sqrt(best);
}
