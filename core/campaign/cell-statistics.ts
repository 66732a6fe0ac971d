/** Per-cell statistics of D_N across weighted scenarios, accumulated one scenario at a time. */
export interface CellStatistics {
  /** P(D_N > threshold) per threshold, per cell. */
  exceedance: Float32Array[];
  mean: Float32Array;
  /** The weighted quantile asked for (0.9: the 90th percentile). */
  quantile: Float32Array;
  /** "exact", or "histogram" when there were too many values to keep (see below). */
  quantileMethod: "exact" | "histogram";
}

/** Values kept for exact quantiles (Float32: 256 MiB); beyond, the histogram takes over. */
export const EXACT_QUANTILE_VALUES = 2 ** 26;

/**
 * Histogram bins of the quantile beyond EXACT_QUANTILE_VALUES: bin 0 holds D ≤ 0.01 cm (zero
 * included), bins 1..120 are 20 per decade up to 10⁴ cm, the last one everything above.
 */
const BINS_PER_DECADE = 20;
const LOWEST_EDGE_CM = 0.01;
const LOG_BINS = 6 * BINS_PER_DECADE;
const BINS = LOG_BINS + 2;

/** Bytes the accumulator holds for these many cells and scenarios (the aggregation's memory check). */
export function accumulatorBytes(
  cells: number,
  scenarios: number,
  thresholds: number,
  exactLimit = EXACT_QUANTILE_VALUES,
): number {
  const quantile = scenarios * cells <= exactLimit ? scenarios * cells * 4 : cells * BINS * 8;
  return cells * (thresholds + 1) * 8 + quantile + scenarios * 8;
}

function binOf(value: number): number {
  if (!(value > LOWEST_EDGE_CM)) return 0;
  return Math.min(BINS - 1, 1 + Math.floor(Math.log10(value / LOWEST_EDGE_CM) * BINS_PER_DECADE));
}

/** Upper edge of a bin (cm); the last bin has none. */
function upperEdge(bin: number): number {
  return bin >= BINS - 1 ? Number.POSITIVE_INFINITY : LOWEST_EDGE_CM * 10 ** (bin / BINS_PER_DECADE);
}

/**
 * P(D > t) = Σ_s w_s [D_s > t] and the mean Σ_s w_s D_s are summed as scenarios arrive (weights
 * sum to 1). The quantile q is the inverse of the weighted empirical CDF: the smallest D_s whose
 * cumulative weight, scenarios sorted by D, reaches q (no interpolation; a 1e-9 tolerance keeps
 * sums such as 0.1 × 9 from missing 0.9 by rounding). When scenarios × cells exceed
 * EXACT_QUANTILE_VALUES it comes from a per-cell weighted histogram instead: the upper edge of
 * the bin where the cumulative weight reaches q, at most one bin (12 %) above the exact value.
 */
export class CellStatisticsAccumulator {
  private readonly exceedance: Float64Array[];
  private readonly sum: Float64Array;
  private readonly values: Float32Array | null;
  private readonly histogram: Float64Array | null;
  private readonly weights: Float64Array;

  constructor(
    private readonly cells: number,
    scenarios: number,
    private readonly thresholds: number[],
    private readonly q: number,
    exactLimit = EXACT_QUANTILE_VALUES,
  ) {
    this.exceedance = thresholds.map(() => new Float64Array(cells));
    this.sum = new Float64Array(cells);
    this.weights = new Float64Array(scenarios);
    const exact = scenarios * cells <= exactLimit;
    this.values = exact ? new Float32Array(scenarios * cells) : null;
    // Float64: ten thousand small weights summed in Float32 could miss q by 1e-4.
    this.histogram = exact ? null : new Float64Array(cells * BINS);
  }

  add(scenario: number, weight: number, dn: Float32Array): void {
    this.weights[scenario] = weight;
    const { cells, thresholds } = this;
    for (let c = 0; c < cells; c++) {
      const value = dn[c];
      this.sum[c] += weight * value;
      for (let t = 0; t < thresholds.length; t++) if (value > thresholds[t]) this.exceedance[t][c] += weight;
    }
    if (this.values) this.values.set(dn.subarray(0, cells), scenario * cells);
    else for (let c = 0; c < cells; c++) this.histogram![c * BINS + binOf(dn[c])] += weight;
  }

  result(): CellStatistics {
    return {
      exceedance: this.exceedance.map((p) => Float32Array.from(p)),
      mean: Float32Array.from(this.sum),
      quantile: this.values ? this.exactQuantile(this.values) : this.histogramQuantile(this.histogram!),
      quantileMethod: this.values ? "exact" : "histogram",
    };
  }

  private exactQuantile(values: Float32Array): Float32Array {
    const { cells, weights } = this;
    const scenarios = weights.length;
    const out = new Float32Array(cells);
    const column = new Float64Array(scenarios);
    const order = new Uint32Array(scenarios);
    const byValue = (a: number, b: number) => column[a] - column[b];
    for (let c = 0; c < cells; c++) {
      for (let s = 0; s < scenarios; s++) {
        column[s] = values[s * cells + c];
        order[s] = s;
      }
      order.sort(byValue);
      let cumulative = 0;
      let k = 0;
      for (; k < scenarios - 1; k++) {
        cumulative += weights[order[k]];
        if (cumulative >= this.q - 1e-9) break;
      }
      out[c] = column[order[k]];
    }
    return out;
  }

  private histogramQuantile(histogram: Float64Array): Float32Array {
    const out = new Float32Array(this.cells);
    for (let c = 0; c < this.cells; c++) {
      let cumulative = 0;
      let bin = 0;
      for (; bin < BINS - 1; bin++) {
        cumulative += histogram[c * BINS + bin];
        if (cumulative >= this.q - 1e-9) break;
      }
      out[c] = upperEdge(bin);
    }
    return out;
  }
}
