import type { SampleArray } from "./types.ts";

/**
 * Halves a block of rows for the next overview: each output cell is the mean of the (up to) 2x2
 * input cells it covers, ignoring NaN and `nodata`; a cell whose inputs are all nodata is nodata
 * (NaN for floats). Integer outputs are rounded. `rows` may be odd (the last block of a level).
 * Written into `into` (same type, at least outWidth * ceil(rows / 2) long) when given; the result
 * is exactly that long.
 */
export function downsampleRows(
  block: SampleArray,
  width: number,
  rows: number,
  outWidth: number,
  nodata: number | null,
  into?: SampleArray,
): SampleArray {
  const outRows = Math.ceil(rows / 2);
  const Sample = block.constructor as new (length: number) => SampleArray;
  const out = into ? into.subarray(0, outWidth * outRows) : new Sample(outWidth * outRows);
  if (
    out instanceof Float32Array &&
    block instanceof Float32Array &&
    (nodata === null || Number.isNaN(nodata))
  )
    return downsampleFloat32(block, width, rows, outWidth, out);
  const isFloat = block instanceof Float32Array || block instanceof Float64Array;
  const empty = nodata ?? (isFloat ? Number.NaN : 0);
  const skip = nodata === null ? Number.NaN : nodata;
  for (let r = 0; r < outRows; r++) {
    const top = 2 * r * width;
    const bottom = 2 * r + 1 < rows ? top + width : top;
    for (let c = 0; c < outWidth; c++) {
      const left = 2 * c;
      const right = left + 1 < width ? left + 1 : left;
      // Duplicated edge cells (odd width/height) are counted twice, which leaves the mean unchanged.
      let sum = 0;
      let count = 0;
      let v = block[top + left];
      if (!Number.isNaN(v) && v !== skip) {
        sum += v;
        count++;
      }
      v = block[top + right];
      if (!Number.isNaN(v) && v !== skip) {
        sum += v;
        count++;
      }
      v = block[bottom + left];
      if (!Number.isNaN(v) && v !== skip) {
        sum += v;
        count++;
      }
      v = block[bottom + right];
      if (!Number.isNaN(v) && v !== skip) {
        sum += v;
        count++;
      }
      const mean = count === 0 ? empty : sum / count;
      out[r * outWidth + c] = isFloat || count === 0 ? mean : Math.round(mean);
    }
  }
  return out;
}

/**
 * downsampleRows for Float32 rows whose only nodata is NaN (the common case: every float COG we
 * write), monomorphic and with the interior columns unrolled; same values as the general path.
 */
function downsampleFloat32(
  block: Float32Array,
  width: number,
  rows: number,
  outWidth: number,
  out: Float32Array,
): Float32Array {
  const outRows = Math.ceil(rows / 2);
  // Row by row: a short function called often is optimised with all its feedback.
  for (let r = 0; r < outRows; r++) {
    const top = 2 * r * width;
    halveRowFloat32(block, top, 2 * r + 1 < rows ? top + width : top, width, out, r * outWidth, outWidth);
  }
  return out;
}

/** One output row of downsampleFloat32: the means of rows `top` and `bottom` of block, 2 x 2 cells at a time. */
function halveRowFloat32(
  block: Float32Array,
  top: number,
  bottom: number,
  width: number,
  out: Float32Array,
  at: number,
  outWidth: number,
): void {
  for (let c = 0; c < outWidth; c++) {
    const left = 2 * c;
    const right = left + 1 < width ? left + 1 : left;
    const a = block[top + left];
    const b = block[top + right];
    const d = block[bottom + left];
    const e = block[bottom + right];
    // The sum in the same order as the general path (NaNs skipped), so the means are identical.
    let sum = 0;
    let count = 0;
    if (!Number.isNaN(a)) {
      sum += a;
      count++;
    }
    if (!Number.isNaN(b)) {
      sum += b;
      count++;
    }
    if (!Number.isNaN(d)) {
      sum += d;
      count++;
    }
    if (!Number.isNaN(e)) {
      sum += e;
      count++;
    }
    out[at + c] = count === 0 ? Number.NaN : sum / count;
  }
}
