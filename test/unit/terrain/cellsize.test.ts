import assert from "node:assert/strict";
import { test } from "node:test";
import {
  metresPerDegreeLatitude,
  metresPerDegreeLongitude,
  rowCellSizes,
} from "../../../core/terrain/cellsize.ts";
import { computeWhole } from "./fixtures.ts";

test("metres per degree on WGS 84 match the published table to the metre", () => {
  // Reference values (WGS 84; e.g. the "Length of a degree" table in Wikipedia "Latitude", from
  // the ellipsoid formulas), given there to the metre: so 1 m tolerance.
  const expected = [
    [0, 110574, 111320],
    [15, 110649, 107551],
    [30, 110852, 96486],
    [45, 111132, 78847],
    [60, 111412, 55800],
    [75, 111618, 28902],
  ];
  for (const [lat, perLat, perLon] of expected) {
    assert.ok(
      Math.abs(metresPerDegreeLatitude(lat) - perLat) <= 1,
      `lat ${lat}: ${metresPerDegreeLatitude(lat)}`,
    );
    assert.ok(
      Math.abs(metresPerDegreeLongitude(lat) - perLon) <= 1,
      `lon ${lat}: ${metresPerDegreeLongitude(lat)}`,
    );
  }
});

test("a geographic grid gets each row's metric cell size; a projected grid one size", () => {
  const geographic = rowCellSizes({
    width: 2,
    height: 3,
    transform: [-71, 0.001, 0, -32, 0, -0.001],
    crs: { geographic: true },
  });
  // Row 1's centre is at latitude -32.0015.
  assert.ok(Math.abs(geographic.cellWidth[1] - 0.001 * metresPerDegreeLongitude(-32.0015)) < 1e-9);
  assert.ok(Math.abs(geographic.cellHeight[1] - 0.001 * metresPerDegreeLatitude(-32.0015)) < 1e-9);
  assert.ok(geographic.cellWidth[0] > geographic.cellWidth[2], "parallels shrink towards the pole");
  const projected = rowCellSizes({
    width: 2,
    height: 3,
    transform: [0, 30, 0, 0, 0, -30],
    crs: { geographic: false, epsg: 32611 },
  });
  assert.deepEqual([...projected.cellWidth, ...projected.cellHeight], [30, 30, 30, 30, 30, 30]);
  assert.throws(
    () =>
      rowCellSizes(
        { width: 2, height: 3, transform: [0, 30, 1, 0, 0, -30], crs: { geographic: false } },
        "dem.tif",
      ),
    /dem\.tif: rotated/,
  );
});

test("on a geographic DEM rising eastwards, the slope of each row follows that row's longitude metres", () => {
  // z = 0.5 m per 0.001 deg of longitude: the true gradient is 0.5 / (0.001 * metres per degree
  // of longitude at the row), exact for Horn on a surface linear in the columns.
  const width = 5;
  const height = 400;
  const grid = {
    width,
    height,
    transform: [10, 0.001, 0, 60, 0, -0.1] as [number, number, number, number, number, number],
    crs: { geographic: true },
  };
  const dem = new Float32Array(width * height);
  for (let row = 0; row < height; row++)
    for (let col = 0; col < width; col++) dem[row * width + col] = 0.5 * col;
  const sizes = rowCellSizes(grid);
  for (const row of [1, 200, 398]) {
    const out = computeWhole(dem.subarray((row - 1) * width, (row + 2) * width), width, 3, {
      cellWidth: sizes.cellWidth[row],
      cellHeight: sizes.cellHeight[row],
    });
    const latitude = 60 - (row + 0.5) * 0.1;
    const expected = (Math.atan(0.5 / (0.001 * metresPerDegreeLongitude(latitude))) * 180) / Math.PI;
    // Float32 storage of a ~1-20 deg slope: relative 1e-7; 1e-5 deg is a comfortable bound.
    assert.ok(
      Math.abs(out.slope[width + 2] - expected) < 1e-5,
      `row ${row}: ${out.slope[width + 2]} vs ${expected}`,
    );
    assert.ok(Math.abs(out.aspect[width + 2] - 270) < 1e-5, "rising eastwards faces west");
  }
});
