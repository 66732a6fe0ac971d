import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "../../../core/errors.ts";
import { assertSameGrid, cellCenter, cellOf } from "../../../core/raster/index.ts";
import type { Grid } from "../../../core/raster/types.ts";

// ta.tif's grid (data/README.md): 10 m cells from (711962.727, 9561011.760).
const ta: Grid = {
  width: 383,
  height: 415,
  transform: [711962.727, 10, 0, 9561011.76, 0, -10],
  crs: { epsg: 32717, geographic: false },
};

test("cellCenter and cellOf follow the data README's convention col = floor((x - x0)/10), row = floor((y0 - y)/10)", () => {
  const [x, y] = cellCenter(ta, 12, 34);
  // Tolerance: one rounding of coordinates near 1e7 m (ulp ~ 2e-9 m).
  assert.ok(Math.abs(x - (711962.727 + 125)) < 1e-6);
  assert.ok(Math.abs(y - (9561011.76 - 345)) < 1e-6);
  assert.deepEqual(cellOf(ta, x, y), [12, 34]);
  assert.deepEqual(cellOf(ta, 711962.727 + 0.001, 9561011.76 - 0.001), [0, 0]);
  assert.deepEqual(cellOf(ta, 711962.727 - 0.001, 9561011.76 + 0.001), [-1, -1]);
  assert.deepEqual(cellOf(ta, 711962.727 + 3829.999, 9561011.76 - 4149.999), [382, 414]);
});

test("cellOf inverts cellCenter for a rotated grid", () => {
  const rotated: Grid = { ...ta, transform: [1000, 8, 6, 2000, 6, -8] };
  for (const [col, row] of [
    [0, 0],
    [5, 9],
    [382, 414],
  ]) {
    const [x, y] = cellCenter(rotated, col, row);
    assert.deepEqual(cellOf(rotated, x, y), [col, row]);
  }
});

function errorOf(a: Grid, b: Grid): string {
  try {
    assertSameGrid(a, b, "slope.tif", "soil_c.tif");
  } catch (error) {
    assert.ok(error instanceof InputError);
    return error.message;
  }
  return "";
}

test("assertSameGrid accepts rounding noise and names both files and the difference otherwise", () => {
  // 1e-10 of a cell: the noise of a geotransform written as text and read back.
  const noisy: Grid = { ...ta, transform: [711962.727 + 1e-9, 10, 0, 9561011.76, 0, -10] };
  assert.equal(errorOf(ta, noisy), "");
  const shifted: Grid = { ...ta, transform: [711962.727 + 1e-6, 10, 0, 9561011.76, 0, -10] };
  assert.match(errorOf(ta, shifted), /slope\.tif and soil_c\.tif are not on the same grid: origin x differs/);
  assert.match(
    errorOf(ta, { ...ta, width: 384 }),
    /slope\.tif and soil_c\.tif .*shape differs \(383x415 vs 384x415/,
  );
  assert.match(
    errorOf(ta, { ...ta, crs: { epsg: 32617, geographic: false } }),
    /CRS differs \(EPSG:32717 vs EPSG:32617\)/,
  );
  assert.match(
    errorOf(ta, { ...ta, crs: { geographic: false } }),
    /CRS differs \(EPSG:32717 vs projected, no EPSG code\)/,
  );
  assert.match(
    errorOf(ta, { ...ta, transform: [711962.727, 10, 0, 9561011.76, 0, 10] }),
    /pixel height differs \(-10 vs 10\)/,
  );
});
