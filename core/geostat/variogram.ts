/** One lag bin of an empirical variogram, as gstat's `variogram()` reports it. */
export interface VariogramBin {
  /** number of point pairs */
  np: number;
  /** mean distance of those pairs (not the bin centre) */
  dist: number;
  /** semivariance: sum of squared differences / (2 np) */
  gamma: number;
  /** direction in degrees clockwise from north (0 for omnidirectional) */
  direction: number;
}

export interface EmpiricalVariogramOptions {
  /** Largest pair distance; default one third of the bounding-box diagonal (gstat). */
  cutoff?: number;
  /** Lag width; default cutoff / 15 (gstat). */
  width?: number;
  /** Directions in degrees clockwise from north; omitted: omnidirectional. */
  directions?: number[];
  /** Angular tolerance in degrees; default 90 / number of directions (gstat's tol.hor). */
  tolerance?: number;
}

export interface EmpiricalVariogram {
  cutoff: number;
  width: number;
  bins: VariogramBin[];
}

/** gstat's default cutoff: one third of the diagonal of the samples' bounding box. */
export function defaultCutoff(x: Float64Array, y: Float64Array): number {
  let minX = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) {
    minX = Math.min(minX, x[i]);
    maxX = Math.max(maxX, x[i]);
    minY = Math.min(minY, y[i]);
    maxY = Math.max(maxY, y[i]);
  }
  return Math.hypot(maxX - minX, maxY - minY) / 3;
}

/**
 * Which direction class a pair falls in, or -1. The pair's azimuth is measured clockwise from north
 * and folded into [0, 180), as gstat does; a pair belongs to a direction when the angular
 * difference is within the tolerance.
 */
function directionClass(dx: number, dy: number, directions: number[], tolerance: number): number {
  let azimuth = (Math.atan2(dx, dy) * 180) / Math.PI;
  if (azimuth < 0) azimuth += 180;
  if (azimuth >= 180) azimuth -= 180;
  for (let k = 0; k < directions.length; k++) {
    let difference = Math.abs(azimuth - (((directions[k] % 180) + 180) % 180));
    if (difference > 90) difference = 180 - difference;
    if (difference <= tolerance) return k;
  }
  return -1;
}

/**
 * Lag bin of a pair distance with gstat's conventions: bins are (i·w, (i+1)·w], except that the
 * first also holds distance 0; distances beyond the cutoff are dropped.
 */
function lagBin(distance: number, width: number, cutoff: number, binCount: number): number {
  if (distance > cutoff) return -1;
  if (distance === 0) return 0;
  const bin = Math.ceil(distance / width) - 1;
  return bin < binCount ? bin : -1;
}

/**
 * Empirical (semi)variogram of values z at (x, y) over all pairs, binned by distance (and
 * direction). Bins without pairs are left out, as in gstat's output.
 */
export function empiricalVariogram(
  x: Float64Array,
  y: Float64Array,
  z: Float64Array,
  options: EmpiricalVariogramOptions = {},
): EmpiricalVariogram {
  const cutoff = options.cutoff ?? defaultCutoff(x, y);
  const width = options.width ?? cutoff / 15;
  const directions = options.directions ?? [0];
  const omnidirectional = options.directions === undefined;
  const tolerance = options.tolerance ?? 90 / directions.length;
  const binCount = Math.ceil(cutoff / width - 1e-9);
  const cells = binCount * directions.length;
  const count = new Float64Array(cells);
  const distanceSum = new Float64Array(cells);
  const squareSum = new Float64Array(cells);
  const n = x.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const dx = x[j] - x[i];
      const dy = y[j] - y[i];
      const distance = Math.sqrt(dx * dx + dy * dy);
      const bin = lagBin(distance, width, cutoff, binCount);
      if (bin < 0) continue;
      const direction = omnidirectional ? 0 : directionClass(dx, dy, directions, tolerance);
      if (direction < 0) continue;
      const cell = direction * binCount + bin;
      const difference = z[i] - z[j];
      count[cell]++;
      distanceSum[cell] += distance;
      squareSum[cell] += difference * difference;
    }
  }
  const bins: VariogramBin[] = [];
  for (let cell = 0; cell < cells; cell++) {
    if (count[cell] === 0) continue;
    bins.push({
      np: count[cell],
      dist: distanceSum[cell] / count[cell],
      gamma: squareSum[cell] / (2 * count[cell]),
      direction: omnidirectional ? 0 : directions[Math.floor(cell / binCount)],
    });
  }
  return { cutoff, width, bins };
}

/** One pair of the variogram cloud: distance and half the squared difference. */
export interface CloudPair {
  i: number;
  j: number;
  dist: number;
  gamma: number;
}

/** The variogram cloud: every pair within the cutoff (gstat's `cloud = TRUE`). */
export function variogramCloud(
  x: Float64Array,
  y: Float64Array,
  z: Float64Array,
  cutoff = defaultCutoff(x, y),
): CloudPair[] {
  const pairs: CloudPair[] = [];
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < i; j++) {
      const dist = Math.hypot(x[j] - x[i], y[j] - y[i]);
      if (dist > cutoff) continue;
      const difference = z[i] - z[j];
      pairs.push({ i, j, dist, gamma: (difference * difference) / 2 });
    }
  }
  return pairs;
}
