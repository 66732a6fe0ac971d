import { readFileSync } from "node:fs";
import { computeStrip, type TerrainBands, type TerrainMethod } from "../../../core/terrain/kernel.ts";

/** The 64 x 64 Ecuador fixtures of test/fixtures/terrain (see make-fixtures.sh there). */
export const FIXTURE_SIZE = 64;
/** The fixture DEM's cells are 10 m squares (EPSG:32717). */
export const FIXTURE_CELL_M = 10;

export function loadFixture(name: string): Float32Array {
  const bytes = readFileSync(new URL(`../../fixtures/terrain/${name}.f32`, import.meta.url));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export function emptyBands(cells: number): TerrainBands {
  return {
    slope: new Float32Array(cells),
    aspect: new Float32Array(cells),
    curvaturePlan: new Float32Array(cells),
    curvatureProfile: new Float32Array(cells),
  };
}

/** Runs the kernel over a whole in-memory DEM as one strip, with constant cell sizes. */
export function computeWhole(
  dem: Float32Array,
  width: number,
  height: number,
  options: { method?: TerrainMethod; computeEdges?: boolean; cellWidth?: number; cellHeight?: number } = {},
): TerrainBands {
  const out = emptyBands(width * height);
  computeStrip(
    {
      elevation: dem,
      firstRow: 0,
      width,
      demHeight: height,
      rowStart: 0,
      rowEnd: height,
      cellWidth: new Float64Array(height).fill(options.cellWidth ?? FIXTURE_CELL_M),
      cellHeight: new Float64Array(height).fill(options.cellHeight ?? FIXTURE_CELL_M),
      method: options.method ?? "horn",
      computeEdges: options.computeEdges ?? false,
    },
    out,
  );
  return out;
}

/** Largest |a - b| over cells finite in both (angles compared on the circle when `circular`). */
export function maxAbsDiff(
  a: Float32Array,
  b: Float32Array,
  include: (i: number) => boolean = () => true,
  circular = false,
) {
  let max = 0;
  let compared = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i]) || !include(i)) continue;
    let diff = Math.abs(a[i] - b[i]);
    if (circular) diff = Math.min(diff, 360 - diff);
    if (diff > max) max = diff;
    compared++;
  }
  return { max, compared };
}

/** Indexes where exactly one of the two arrays is NaN. */
export function nanMaskMismatches(a: Float32Array, b: Float32Array): number[] {
  const mismatches: number[] = [];
  for (let i = 0; i < a.length; i++) if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) mismatches.push(i);
  return mismatches;
}
