import type { Grid } from "../raster/types.ts";

/** Longest side of the PNG previews, in pixels. */
const PREVIEW_MAX_SIDE = 512;

const [MIN, MAX, SUM, VALID, ZEROS] = [0, 1, 2, 3, 4];

/** Folds values[from, to) (NaN is nodata) into state: min, max, sum, valid and zero counts. */
function foldRow(values: Float32Array, from: number, to: number, state: Float64Array): void {
  let min = state[MIN];
  let max = state[MAX];
  let sum = state[SUM];
  let valid = 0;
  let zeros = 0;
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue; // nodata
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    valid++;
    if (v === 0) zeros++;
  }
  state[MIN] = min;
  state[MAX] = max;
  state[SUM] = sum;
  state[VALID] += valid;
  state[ZEROS] += zeros;
}

/**
 * Running statistics and a decimated copy (for the PNG preview) of one output band, fed strip by
 * strip so that the full band never has to be in memory.
 */
export class BandAccumulator {
  /** min, max, sum, valid cells, zero cells; folded row by row (see foldRow). */
  private readonly state = new Float64Array([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, 0, 0]);
  nodataCells = 0;
  /** Every `step`-th row and column, nearest-neighbour. */
  readonly preview: Float32Array;
  readonly previewWidth: number;
  readonly previewHeight: number;
  readonly step: number;

  constructor(
    private readonly width: number,
    height: number,
  ) {
    this.step = Math.max(1, Math.ceil(Math.max(width, height) / PREVIEW_MAX_SIDE));
    this.previewWidth = Math.ceil(width / this.step);
    this.previewHeight = Math.ceil(height / this.step);
    this.preview = new Float32Array(this.previewWidth * this.previewHeight);
  }

  get min(): number {
    return this.state[MIN];
  }

  get max(): number {
    return this.state[MAX];
  }

  /** Cells equal to 0 so far (flat cells, for a slope band). */
  get zeroCells(): number {
    return this.state[ZEROS];
  }

  /** Adds rows `rowStart ..` of the band (`values` holds whole rows). */
  add(rowStart: number, values: Float32Array): void {
    const validBefore = this.state[VALID];
    // Row by row: a short function called often is optimised with all its feedback, where one
    // long loop would be compiled mid-way and thrown away at its first unseen statement.
    for (let start = 0; start < values.length; start += this.width)
      foldRow(values, start, start + this.width, this.state);
    this.nodataCells += values.length - (this.state[VALID] - validBefore);

    const rows = values.length / this.width;
    const firstSampled = Math.ceil(rowStart / this.step) * this.step;
    for (let row = firstSampled; row < rowStart + rows; row += this.step) {
      const source = (row - rowStart) * this.width;
      const target = (row / this.step) * this.previewWidth;
      for (let p = 0; p < this.previewWidth; p++) this.preview[target + p] = values[source + p * this.step];
    }
  }

  /** The preview's grid: the DEM's grid with cells `step` times larger. */
  previewGrid(grid: Grid): Grid {
    const [ox, px, rx, oy, ry, py] = grid.transform;
    return {
      width: this.previewWidth,
      height: this.previewHeight,
      transform: [ox, px * this.step, rx * this.step, oy, ry * this.step, py * this.step],
      crs: grid.crs,
    };
  }

  summary(): { min: number | null; max: number | null; mean: number | null; nodataCells: number } {
    const valid = this.state[VALID];
    return {
      min: valid > 0 ? this.state[MIN] : null,
      max: valid > 0 ? this.state[MAX] : null,
      mean: valid > 0 ? this.state[SUM] / valid : null,
      nodataCells: this.nodataCells,
    };
  }

  /** About the value below which `fraction` of the previewed |values| lie: a robust colour-ramp limit. */
  previewAbsQuantile(fraction: number): number {
    // A sample of at most ~65k preview cells is plenty for a colour-ramp limit.
    const stride = Math.max(1, Math.ceil(this.preview.length / 65_536));
    const magnitudes = new Float32Array(Math.ceil(this.preview.length / stride));
    let count = 0;
    for (let i = 0; i < this.preview.length; i += stride) {
      const v = this.preview[i];
      if (Number.isFinite(v)) magnitudes[count++] = Math.abs(v);
    }
    if (count === 0) return 1;
    // The value a full sort would put at this rank, found by quickselect (no full sort).
    return selectRank(magnitudes.subarray(0, count), Math.min(count - 1, Math.floor(fraction * count))) || 1;
  }
}

/** The value at index `rank` of `values` once sorted ascending (no NaN); reorders `values`. */
export function selectRank(values: Float32Array, rank: number): number {
  let left = 0;
  let right = values.length - 1;
  while (left < right) {
    // Hoare partition around the median of three.
    const middle = (left + right) >> 1;
    const a = values[left];
    const b = values[middle];
    const c = values[right];
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (rank <= j) right = j;
    else if (rank >= i) left = i;
    else return values[rank];
  }
  return values[rank];
}
