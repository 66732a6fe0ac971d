import assert from "node:assert/strict";
import { test } from "node:test";
import { CellStatisticsAccumulator } from "../../../core/campaign/cell-statistics.ts";
import { combineProfiles, profileCoverage } from "../../../core/campaign/interpolate.ts";
import { leastSquares } from "../../../core/campaign/statistics.ts";

/** Statistics of values[s * cells + c] with one weight per scenario, added scenario by scenario. */
function cellStatistics(
  values: Float32Array,
  weights: Float64Array,
  cells: number,
  thresholds: number[],
  q: number,
  exactLimit?: number,
) {
  const accumulator = new CellStatisticsAccumulator(cells, weights.length, thresholds, q, exactLimit);
  weights.forEach((w, s) => {
    accumulator.add(s, w, values.subarray(s * cells, (s + 1) * cells));
  });
  return accumulator.result();
}

test("exceedance probabilities, weighted mean and 90th percentile against a hand computation", () => {
  // Three scenarios (weights 0.5, 0.3, 0.2) × three cells; values[s * cells + c].
  const weights = Float64Array.of(0.5, 0.3, 0.2);
  const values = Float32Array.of(
    // scenario 0, 1, 2 for cells 0, 1, 2
    2,
    5,
    0,
    6,
    5,
    30,
    12,
    0,
    16,
  );
  const stats = cellStatistics(values, weights, 3, [5, 10, 15], 0.9);
  // Cell 0: 2, 6, 12 → P(>5) = 0.3 + 0.2, P(>10) = 0.2, P(>15) = 0; mean 1 + 1.8 + 2.4;
  // sorted cumulative weights 0.5, 0.8, 1.0 → the 90th percentile is 12.
  // Cell 1: 5, 5, 0 → "more than 5" is strict: P = 0; mean 4; sorted 0 (0.2), 5 (0.7), 5 (1.0) → 5.
  // Cell 2: 0, 30, 16 → P(>5) = P(>10) = P(>15) = 0.5; mean 12.2; sorted 0 (0.5), 16 (0.7), 30 → 30.
  const expected = {
    exceedance: [
      [0.5, 0, 0.5],
      [0.2, 0, 0.5],
      [0, 0, 0.5],
    ],
    mean: [5.2, 4, 12.2],
    quantile: [12, 5, 30],
  };
  for (const [t, row] of stats.exceedance.entries())
    for (const [c, p] of row.entries())
      assert.ok(Math.abs(p - expected.exceedance[t][c]) < 1e-7, `P t${t} c${c}: ${p}`);
  for (const [c, m] of stats.mean.entries())
    assert.ok(Math.abs(m - expected.mean[c]) < 1e-5, `mean c${c}: ${m}`);
  assert.deepEqual(Array.from(stats.quantile), expected.quantile);
});

test("the 90th percentile of ten equally weighted scenarios is the ninth smallest value", () => {
  const values = Float32Array.from([7, 3, 10, 1, 9, 4, 2, 8, 6, 5]);
  const stats = cellStatistics(values, new Float64Array(10).fill(0.1), 1, [5], 0.9);
  // 0.1 × 9 sums to 0.8999999999999999 in floating point: the tolerance keeps 9, not 10.
  assert.equal(stats.quantile[0], 9);
  assert.ok(Math.abs(stats.exceedance[0][0] - 0.5) < 1e-7);
});

test("beyond the exact limit the 90th percentile comes from a histogram, at most one bin (12 %) above the exact value", () => {
  const scenarios = 400;
  const cells = 50;
  const values = Float32Array.from({ length: scenarios * cells }, (_, i) => {
    const x = Math.sin(i * 12.9898) * 43758.5453; // deterministic scatter over 0.001-300 cm
    return 0.001 * 10 ** (5.5 * (x - Math.floor(x)));
  });
  const weights = Float64Array.from({ length: scenarios }, (_, s) => (1 + (s % 3)) / (2 * scenarios));
  const exact = cellStatistics(values, weights, cells, [5], 0.9);
  const binned = cellStatistics(values, weights, cells, [5], 0.9, 0);
  assert.deepEqual([exact.quantileMethod, binned.quantileMethod], ["exact", "histogram"]);
  for (let c = 0; c < cells; c++) {
    const ratio = binned.quantile[c] / exact.quantile[c];
    assert.ok(
      ratio >= 1 - 1e-6 && ratio <= 10 ** (1 / 20) + 1e-6,
      `cell ${c}: ${binned.quantile[c]} vs ${exact.quantile[c]}`,
    );
  }
  assert.deepEqual(binned.exceedance, exact.exceedance, "exceedance and mean do not depend on the method");
  assert.deepEqual(binned.mean, exact.mean);
});

test("least squares: an exact line, and a two-predictor fit against numpy", () => {
  const exact = leastSquares([3, 5, 7, 9], [[1, 2, 3, 4]]);
  assert.ok(exact);
  assert.ok(Math.abs(exact.coefficients[0] - 1) < 1e-12 && Math.abs(exact.coefficients[1] - 2) < 1e-12);
  assert.ok(exact.standardErrors.every((se) => se < 1e-6) && Math.abs(exact.rSquared - 1) < 1e-12);
  // numpy 1.24.2: X = [1, x1, x2]; b = lstsq(X, y); σ² = RSS/(n − 3); se = sqrt(diag(σ² (XᵀX)⁻¹)).
  const x1 = [0.1, 0.2, 0.35, 0.5, 0.8, 1.2, 0.05, 0.6];
  const x2 = [1.0, 0.5, 2.0, 1.5, 0.7, 1.1, 0.9, 3.0];
  const y = [0.3, 0.1, 1.2, 1.0, 0.9, 1.6, -0.4, 2.1];
  const fit = leastSquares(y, [x1, x2]);
  assert.ok(fit);
  const numpy = {
    b: [-0.6695903699986846, 1.3467727417235797, 0.6578492094803629],
    se: [0.1716610494550206, 0.20812146510810053, 0.09885044706220794],
    r2: 0.9519949652406939,
  };
  for (const [i, b] of fit.coefficients.entries()) assert.ok(Math.abs(b - numpy.b[i]) < 1e-10, `b${i}`);
  for (const [i, se] of fit.standardErrors.entries()) assert.ok(Math.abs(se - numpy.se[i]) < 1e-10, `se${i}`);
  assert.ok(Math.abs(fit.rSquared - numpy.r2) < 1e-12);
  assert.equal(leastSquares([1, 2], [[1, 2]]), null, "no more points than parameters");
  assert.equal(leastSquares([1, 2, 3], [[1, 1, 1]]), null, "a constant predictor is singular");
});

test("interpolation between parallel profiles reproduces a field linear across them", () => {
  // Profiles along rows y = 0, 100, 200 (m); cells every 10 m from y = −40 to 240, on one column.
  // Each profile gives a cell f(y_profile) for f(y) = 3 + 0.05 y; max distance 100 m.
  const f = (y: number) => 3 + 0.05 * y;
  const cellY = Array.from({ length: 29 }, (_, i) => -40 + 10 * i);
  const profiles = [0, 100, 200];
  const bands = profiles.map((py) => {
    const cells = cellY.map((y, i) => [i, Math.abs(y - py)] as const).filter(([, d]) => d <= 100);
    return { cell: Uint32Array.from(cells, ([i]) => i), distance: Float32Array.from(cells, ([, d]) => d) };
  });
  const coverage = profileCoverage(bands, cellY.length, 0.01);
  assert.equal(coverage.cells.length, cellY.length, "every cell lies within 100 m of a profile");
  const values = bands.map((band, p) => new Float32Array(band.cell.length).fill(f(profiles[p])));
  const out = combineProfiles(coverage, values, new Float32Array(coverage.cells.length));
  coverage.cells.forEach((cell, c) => {
    const y = cellY[cell];
    // Between profiles: linear; on a profile: its value; outside all: the nearest one's value.
    const expected = f(Math.min(200, Math.max(0, y)));
    // Float32 values: 1e-6 relative.
    assert.ok(Math.abs(out[c] - expected) <= 1e-6 * expected, `y ${y}: ${out[c]} vs ${expected}`);
  });
  // A cell 150 m from the middle profile only (R = 100 excludes it from the others) is absent.
  const far = profileCoverage([{ cell: Uint32Array.of(0), distance: Float32Array.of(50) }], 2, 0.01);
  assert.deepEqual(Array.from(far.cells), [0]);
});
