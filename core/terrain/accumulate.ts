import type { Grid } from "../raster/types.ts";

/** Longest side of the PNG previews, in pixels. */
const PREVIEW_MAX_SIDE = 512;

/**
 * Running statistics and a decimated copy (for the PNG preview) of one output band, fed strip by
 * strip so that the full band never has to be in memory.
 */
export class BandAccumulator {
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  sum = 0;
  validCells = 0;
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

  /** Adds rows `rowStart ..` of the band (`values` holds whole rows). */
  add(rowStart: number, values: Float32Array): void {
    let { min, max, sum, validCells } = this;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isNaN(v)) continue; // nodata
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      validCells++;
    }
    this.nodataCells += values.length - (validCells - this.validCells);
    Object.assign(this, { min, max, sum, validCells });

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
    const any = this.validCells > 0;
    return {
      min: any ? this.min : null,
      max: any ? this.max : null,
      mean: any ? this.sum / this.validCells : null,
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
