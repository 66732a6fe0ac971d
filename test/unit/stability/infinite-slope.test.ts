import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "../../../core/errors.ts";
import { infiniteSlope, type SlopeParameters } from "../../../core/stability/infinite-slope.ts";
import { FS_RASTER_MAX, stabilityGrid } from "../../../core/stability/stability-grid.ts";

const handCheck: SlopeParameters = {
  slope: 30,
  cohesion: 15,
  frictionAngle: 32,
  unitWeight: 18,
  thickness: 2.5,
  saturation: 0.3,
  waterUnitWeight: 9.81,
};

test("issue 3 hand check: FS = 1.572015, a_c = 0.286008 g", () => {
  const result = infiniteSlope(handCheck);
  // The issue gives 7 significant digits: half a unit in the last place.
  assert.ok(Math.abs(result.fs - 1.572015) < 5e-7);
  assert.ok(Math.abs(result.acG - 0.286008) < 5e-7);
  assert.equal(result.unstable, false);
});

test("dry cohesionless slope: FS = tan φ / tan α, a_c = sin(φ − α)/cos φ", () => {
  // c' = 0, m = 0: FS = tan φ/tan α and (FS − 1) sin α = sin(φ − α)/cos φ (Newmark 1965 sliding block).
  const p = { ...handCheck, cohesion: 0, saturation: 0, frictionAngle: 35, slope: 20 };
  const rad = Math.PI / 180;
  const result = infiniteSlope(p);
  assert.ok(Math.abs(result.fs - Math.tan(35 * rad) / Math.tan(20 * rad)) < 1e-12);
  assert.ok(Math.abs(result.acG - Math.sin(15 * rad) / Math.cos(35 * rad)) < 1e-12);
});

test("flat cells have infinite FS and a finite a_c; FS < 1 gives a_c = 0 and the unstable flag", () => {
  const flat = infiniteSlope({ ...handCheck, slope: 0 });
  assert.equal(flat.fs, Number.POSITIVE_INFINITY);
  // Limit of (FS − 1) sin α at α = 0: c'/(γ t) + tan φ (1 − m γ_w/γ).
  const expected = 15 / (18 * 2.5) + Math.tan((32 * Math.PI) / 180) * (1 - (0.3 * 9.81) / 18);
  assert.ok(Math.abs(flat.acG - expected) < 1e-12);
  const steep = infiniteSlope({ ...handCheck, slope: 60, cohesion: 2 });
  assert.ok(steep.fs < 1);
  assert.equal(steep.acG, 0);
  assert.equal(steep.unstable, true);
});

test("grid: nodata propagates, the unstable mask and the FS cap, out-of-range cells name file and cell", () => {
  const slope = Float32Array.from([30, Number.NaN, 0, 60]);
  const cohesion = Float32Array.from([15, 15, 15, 2]);
  const layers = {
    ...handCheck,
    slope: { values: slope, file: "slope.tif" },
    cohesion: { values: cohesion, file: "c.tif" },
  };
  const grid = stabilityGrid(layers, 2, 4);
  // Float32 storage: 1e-6 relative.
  assert.ok(Math.abs(grid.fs[0] - 1.572015) < 2e-6);
  assert.ok(Math.abs(grid.acG[0] - 0.286008) < 1e-6);
  assert.ok(Number.isNaN(grid.fs[1]) && Number.isNaN(grid.acG[1]) && Number.isNaN(grid.unstable[1]));
  assert.equal(grid.fs[2], FS_RASTER_MAX);
  assert.deepEqual([grid.unstable[0], grid.unstable[2], grid.unstable[3]], [0, 0, 1]);
  assert.equal(grid.acG[3], 0);
  assert.deepEqual(grid.counts, { cells: 4, nodata: 1, unstable: 1, flat: 1 });
  const badCohesion = Float32Array.from([15, 15, -3, 2]);
  assert.throws(
    () => stabilityGrid({ ...layers, cohesion: { values: badCohesion, file: "c.tif" } }, 2, 4),
    (error: unknown) =>
      error instanceof InputError &&
      /c\.tif: cell \(col 0, row 1\): cohesion must be in the physical range \[0, 100000\] kPa, got -3/.test(
        error.message,
      ),
  );
  assert.throws(
    () => stabilityGrid({ ...layers, saturation: 1.5 }, 2, 4),
    /saturation must be in the physical range \[0, 1\] fraction, got 1\.5/,
  );
});
