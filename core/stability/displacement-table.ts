/**
 * D_N of one record depends on a cell only through its a_c, and D_N(a_c) is continuous and
 * non-increasing, zero from the record's peak upward. So instead of integrating the record once per
 * cell, integrate it exactly at nodes a_c,k and interpolate linearly between them. The nodes are
 * refined by bisection until the interpolant at every interval's midpoint and quarter points is
 * within `relativeTolerance` of the exact value (plus `absoluteToleranceCm`, for the vanishing
 * displacements just below the peak); the test compares with the per-cell computation.
 */
export interface DisplacementTable {
  acG: Float64Array;
  displacementCm: Float64Array;
  /** D_N is exactly 0 for a_c at or above this (the record's peak in the sliding direction). */
  zeroFromG: number;
  /** Exact integrations performed (nodes + checks). */
  evaluations: number;
}

export interface TableOptions {
  relativeTolerance?: number;
  absoluteToleranceCm?: number;
  /** Starting number of equal intervals before refinement. */
  initialIntervals?: number;
  /** Intervals narrower than this (g) are not split further (float32 a_c resolution is ~3e-8 g). */
  minWidthG?: number;
}

export function buildDisplacementTable(
  exact: (acG: number) => number,
  acMinG: number,
  acMaxG: number,
  zeroFromG: number,
  options: TableOptions = {},
): DisplacementTable {
  const relative = options.relativeTolerance ?? 2e-4;
  const absolute = options.absoluteToleranceCm ?? 1e-7;
  const minWidth = options.minWidthG ?? 1e-7;
  const hi = Math.min(acMaxG, zeroFromG);
  const lo = Math.min(acMinG, hi);
  const nodes: [number, number][] = [];
  let evaluations = 0;
  const evaluate = (ac: number): number => {
    evaluations++;
    return exact(ac);
  };
  const acceptable = (ac: number, a: [number, number], b: [number, number]): boolean => {
    const value = evaluate(ac);
    const interpolated = a[1] + ((b[1] - a[1]) * (ac - a[0])) / (b[0] - a[0]);
    return Math.abs(interpolated - value) <= relative * value + absolute;
  };
  const refine = (a: [number, number], b: [number, number]): void => {
    const width = b[0] - a[0];
    const mid = a[0] + width / 2;
    if (
      width <= minWidth ||
      (acceptable(mid, a, b) &&
        acceptable(a[0] + width / 4, a, b) &&
        acceptable(a[0] + (3 * width) / 4, a, b))
    ) {
      nodes.push(b);
      return;
    }
    const middle: [number, number] = [mid, evaluate(mid)];
    refine(a, middle);
    refine(middle, b);
  };
  const intervals = hi > lo ? (options.initialIntervals ?? 32) : 0;
  let previous: [number, number] = [lo, evaluate(lo)];
  nodes.push(previous);
  for (let k = 1; k <= intervals; k++) {
    const ac = lo + ((hi - lo) * k) / intervals;
    const next: [number, number] = [ac, evaluate(ac)];
    refine(previous, next);
    previous = next;
  }
  return {
    acG: Float64Array.from(nodes, (node) => node[0]),
    displacementCm: Float64Array.from(nodes, (node) => node[1]),
    zeroFromG: zeroFromG,
    evaluations,
  };
}

/** D_N at `acG` from the table (linear between nodes; 0 from `zeroFromG` up). */
export function interpolateDisplacement(table: DisplacementTable, acG: number): number {
  if (acG >= table.zeroFromG) return 0;
  const nodes = table.acG;
  const last = nodes.length - 1;
  if (acG <= nodes[0]) return table.displacementCm[0];
  if (acG >= nodes[last]) return table.displacementCm[last];
  let low = 0;
  let high = last;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (nodes[middle] <= acG) low = middle;
    else high = middle;
  }
  const fraction = (acG - nodes[low]) / (nodes[high] - nodes[low]);
  return table.displacementCm[low] + fraction * (table.displacementCm[high] - table.displacementCm[low]);
}
