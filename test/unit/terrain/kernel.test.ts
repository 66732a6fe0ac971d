import assert from "node:assert/strict";
import { test } from "node:test";
import { computeStrip } from "../../../core/terrain/kernel.ts";
import {
  computeWhole,
  emptyBands,
  FIXTURE_CELL_M,
  loadFixture,
  maxAbsDiff,
  FIXTURE_SIZE as N,
  nanMaskMismatches,
} from "./fixtures.ts";

// The requirement: slope and aspect equal gdaldem's to 0.01 deg on valid cells.
const GDALDEM_TOLERANCE_DEG = 0.01;

const dem = loadFixture("dem");

test("Horn slope and aspect equal gdaldem's on the Ecuador fixture, with the same nodata cells", () => {
  const ours = computeWhole(dem, N, N, { method: "horn" });
  const slope = loadFixture("slope_horn");
  const aspect = loadFixture("aspect_horn");
  assert.deepEqual(nanMaskMismatches(ours.slope, slope), []);
  assert.deepEqual(nanMaskMismatches(ours.aspect, aspect), []);
  const slopeDiff = maxAbsDiff(ours.slope, slope);
  assert.ok(slopeDiff.compared > 3000, `compared only ${slopeDiff.compared} cells`);
  assert.ok(slopeDiff.max <= GDALDEM_TOLERANCE_DEG, `slope differs by ${slopeDiff.max} deg`);
  const aspectDiff = maxAbsDiff(ours.aspect, aspect, (i) => slope[i] > 1, true);
  assert.ok(aspectDiff.max <= GDALDEM_TOLERANCE_DEG, `aspect differs by ${aspectDiff.max} deg`);
});

test("Zevenbergen-Thorne slope and aspect equal gdaldem -alg ZevenbergenThorne", () => {
  const ours = computeWhole(dem, N, N, { method: "zevenbergen-thorne" });
  const slope = loadFixture("slope_zt");
  assert.deepEqual(nanMaskMismatches(ours.slope, slope), []);
  assert.ok(maxAbsDiff(ours.slope, slope).max <= GDALDEM_TOLERANCE_DEG);
  const aspectDiff = maxAbsDiff(ours.aspect, loadFixture("aspect_zt"), (i) => slope[i] > 1, true);
  assert.ok(aspectDiff.max <= GDALDEM_TOLERANCE_DEG, `aspect differs by ${aspectDiff.max} deg`);
});

test("--compute-edges extrapolates the outer ring as gdaldem -compute_edges does, keeping cells next to nodata empty", () => {
  const ours = computeWhole(dem, N, N, { computeEdges: true });
  const slope = loadFixture("slope_horn_edges");
  const onRing = (i: number) => i < N || i >= N * (N - 1) || i % N === 0 || i % N === N - 1;
  const ringDiff = maxAbsDiff(ours.slope, slope, onRing);
  // The nodata corner covers much of the bottom and right edges: 169 of the 252 ring cells remain.
  assert.ok(ringDiff.compared > 150, `only ${ringDiff.compared} edge cells compared`);
  assert.ok(ringDiff.max <= GDALDEM_TOLERANCE_DEG, `edge slope differs by ${ringDiff.max} deg`);
  const aspectDiff = maxAbsDiff(ours.aspect, loadFixture("aspect_horn_edges"), (i) => slope[i] > 1, true);
  assert.ok(aspectDiff.max <= GDALDEM_TOLERANCE_DEG);
  // gdaldem -compute_edges also fills nodata neighbours with the centre value; we keep those
  // cells nodata, so our NaN cells are exactly the cells with a NaN inside the raster 3x3 window.
  for (let row = 0; row < N; row++) {
    for (let col = 0; col < N; col++) {
      let touchesNodata = false;
      for (let r = Math.max(0, row - 1); r <= Math.min(N - 1, row + 1); r++) {
        for (let c = Math.max(0, col - 1); c <= Math.min(N - 1, col + 1); c++)
          touchesNodata ||= Number.isNaN(dem[r * N + c]);
      }
      assert.equal(Number.isNaN(ours.slope[row * N + col]), touchesNodata, `cell row ${row} col ${col}`);
    }
  }
});

test("ZT slope and curvatures equal SAGA's slope, cplan and cprof bands of ta.tif", () => {
  const ours = computeWhole(dem, N, N, { method: "zevenbergen-thorne" });
  // SAGA computes in double and stores Float32, as we do, from the same Float32 elevations: the
  // two can differ only by Float32 rounding (relative 6e-8); 1e-6 leaves room for libm differences.
  const relative = 1e-6;
  const references = [
    [ours.slope, loadFixture("saga_slope")],
    [ours.curvaturePlan, loadFixture("saga_cplan")],
    [ours.curvatureProfile, loadFixture("saga_cprof")],
  ] as const;
  for (const [values, reference] of references) {
    let compared = 0;
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) continue; // SAGA also fills cells next to nodata and edges
      assert.ok(
        Math.abs(values[i] - reference[i]) <= relative * Math.abs(reference[i]) + 1e-12,
        `cell ${i}: ${values[i]} vs ${reference[i]}`,
      );
      compared++;
    }
    assert.ok(compared > 3000);
  }
});

test("computing in strips of any height gives the same values as one pass", () => {
  const whole = computeWhole(dem, N, N, { computeEdges: true });
  for (const stripRows of [1, 7, 30]) {
    const out = emptyBands(N * N);
    for (let rowStart = 0; rowStart < N; rowStart += stripRows) {
      const rowEnd = Math.min(N, rowStart + stripRows);
      const firstRow = Math.max(0, rowStart - 1);
      const lastRow = Math.min(N - 1, rowEnd);
      const strip = emptyBands((rowEnd - rowStart) * N);
      computeStrip(
        {
          elevation: dem.subarray(firstRow * N, (lastRow + 1) * N),
          firstRow,
          width: N,
          demHeight: N,
          rowStart,
          rowEnd,
          cellWidth: new Float64Array(N).fill(FIXTURE_CELL_M),
          cellHeight: new Float64Array(N).fill(FIXTURE_CELL_M),
          method: "horn",
          computeEdges: true,
        },
        strip,
      );
      out.slope.set(strip.slope, rowStart * N);
      out.curvaturePlan.set(strip.curvaturePlan, rowStart * N);
    }
    assert.deepEqual(out.slope, whole.slope, `strips of ${stripRows} rows`);
    assert.deepEqual(out.curvaturePlan, whole.curvaturePlan, `strips of ${stripRows} rows`);
  }
});

test("a tilted plane has its analytic slope and aspect and zero curvature; a flat plane has no aspect", () => {
  // z = a*x + b*y with x east, y north (metres), on 10 m x 20 m cells: both methods are exact on
  // planes, so only Float32 storage limits agreement (1e-4 deg is ~100 Float32 ulps at 45 deg).
  const width = 6;
  const height = 5;
  const [a, b] = [0.3, -0.4];
  const plane = new Float32Array(width * height);
  for (let row = 0; row < height; row++)
    for (let col = 0; col < width; col++) plane[row * width + col] = 100 + a * col * 10 - b * row * 20;
  const expectedSlope = (Math.atan(Math.hypot(a, b)) * 180) / Math.PI;
  // Steepest descent points along (-a, -b) = (-0.3 east, +0.4 north): azimuth atan2(-0.3, 0.4).
  const expectedAspect = 360 + (Math.atan2(-a, -b) * 180) / Math.PI;
  for (const method of ["horn", "zevenbergen-thorne"] as const) {
    const out = computeWhole(plane, width, height, { method, cellWidth: 10, cellHeight: 20 });
    const centre = 2 * width + 2;
    assert.ok(Math.abs(out.slope[centre] - expectedSlope) < 1e-4, `${method} slope ${out.slope[centre]}`);
    assert.ok(Math.abs(out.aspect[centre] - expectedAspect) < 1e-4, `${method} aspect ${out.aspect[centre]}`);
    assert.ok(Math.abs(out.curvaturePlan[centre]) < 1e-6 && Math.abs(out.curvatureProfile[centre]) < 1e-6);
    assert.ok(Number.isNaN(out.slope[0]), "edges are nodata without computeEdges");
  }
  const flat = computeWhole(new Float32Array(9).fill(5), 3, 3);
  assert.equal(flat.slope[4], 0);
  assert.ok(Number.isNaN(flat.aspect[4]), "flat cells have no aspect, as in gdaldem");
  assert.equal(flat.curvaturePlan[4], 0);
});

test("a thread computing only some outputs gets exactly the values of the full computation", () => {
  for (const method of ["horn", "zevenbergen-thorne"] as const) {
    for (const computeEdges of [false, true]) {
      const whole = computeWhole(dem, N, N, { method, computeEdges });
      const input = {
        elevation: dem,
        firstRow: 0,
        width: N,
        demHeight: N,
        rowStart: 0,
        rowEnd: N,
        cellWidth: new Float64Array(N).fill(FIXTURE_CELL_M),
        cellHeight: new Float64Array(N).fill(FIXTURE_CELL_M),
        method,
        computeEdges,
      };
      for (const keys of [
        ["slope"],
        ["aspect"],
        ["curvaturePlan", "curvatureProfile"],
        ["slope", "curvaturePlan"],
      ] as const) {
        const out: Partial<Record<(typeof keys)[number], Float32Array>> = {};
        for (const key of keys) out[key] = new Float32Array(N * N);
        computeStrip(input, out);
        for (const key of keys)
          assert.deepEqual(out[key], whole[key], `${method}, edges ${computeEdges}: ${key}`);
      }
    }
  }
});
