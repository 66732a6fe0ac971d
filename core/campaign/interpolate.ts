/**
 * From profiles to the map: each cell within the maximum distance of one or more profiles gets
 * the inverse-distance-weighted mean (power 1) of the values the profiles give it, w = 1/d with
 * d the distance to each profile's segment. Between two parallel profiles this is linear
 * interpolation across them; on a profile (d at most `onProfile`, a thousandth of a cell) it is
 * that profile's value alone. Cells near no profile are nodata.
 */
export interface BandCells {
  cell: Uint32Array;
  distance: Float32Array;
}

export interface Coverage {
  /** Grid indices of the cells near at least one profile, increasing. */
  cells: Uint32Array;
  /** Per profile, per band cell: its index in `cells` and its weight. */
  profiles: { compact: Uint32Array; weight: Float64Array }[];
  /** Per covered cell: the sum of its weights. */
  weightSum: Float64Array;
}

export function profileCoverage(bands: BandCells[], gridCells: number, onProfile: number): Coverage {
  const compactOf = new Int32Array(gridCells).fill(-1);
  for (const band of bands) for (const cell of band.cell) compactOf[cell] = 0;
  let count = 0;
  for (let i = 0; i < gridCells; i++) if (compactOf[i] === 0) compactOf[i] = count++;
  const cells = new Uint32Array(count);
  for (let i = 0; i < gridCells; i++) if (compactOf[i] >= 0) cells[compactOf[i]] = i;
  const onAProfile = new Uint8Array(count);
  for (const band of bands)
    for (let k = 0; k < band.cell.length; k++)
      if (band.distance[k] <= onProfile) onAProfile[compactOf[band.cell[k]]] = 1;
  const weightSum = new Float64Array(count);
  const profiles = bands.map((band) => {
    const compact = new Uint32Array(band.cell.length);
    const weight = new Float64Array(band.cell.length);
    for (let k = 0; k < band.cell.length; k++) {
      const c = compactOf[band.cell[k]];
      const d = band.distance[k];
      compact[k] = c;
      weight[k] = onAProfile[c] ? (d <= onProfile ? 1 : 0) : 1 / d;
      weightSum[c] += weight[k];
    }
    return { compact, weight };
  });
  return { cells, profiles, weightSum };
}

/** The map values of the covered cells from each profile's values (in band order). */
export function combineProfiles(coverage: Coverage, values: Float32Array[], out: Float32Array): Float32Array {
  const sum = new Float64Array(coverage.cells.length);
  coverage.profiles.forEach(({ compact, weight }, p) => {
    const profileValues = values[p];
    for (let k = 0; k < compact.length; k++) sum[compact[k]] += weight[k] * profileValues[k];
  });
  for (let c = 0; c < sum.length; c++) out[c] = sum[c] / coverage.weightSum[c];
  return out;
}
