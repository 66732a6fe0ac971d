import assert from "node:assert/strict";
import { test } from "node:test";
import { KdTree } from "../../../core/geostat/kdtree.ts";
import { Kriger, type KrigingProblem } from "../../../core/geostat/kriging.ts";
import type { VariogramModel } from "../../../core/geostat/models.ts";
import { maxRelativeError, meuseLogZinc, readFixture } from "./helpers.ts";

const meuse = meuseLogZinc();
const grid = readFixture("krige_fixed_model.csv", [
  "x",
  "y",
  "ok_pred",
  "ok_var",
  "ok20_pred",
  "ok20_var",
  "sk_pred",
  "sk_var",
  "ukxy_pred",
  "ukxy_var",
  "uksqrtdist_pred",
  "uksqrtdist_var",
]);
const gridDist = readFixture("meuse_grid.csv", ["dist"]).dist;
const model: VariogramModel = { type: "sph", nugget: 0.05, psill: 0.59, range: 897, kappa: 0.5 };
const ones = new Float64Array(meuse.x.length).fill(1);

function predictGrid(
  problem: Omit<KrigingProblem, "model" | "x" | "y" | "z">,
  trendAt: (i: number, f0: Float64Array) => void,
) {
  const kriger = new Kriger({ model, x: meuse.x, y: meuse.y, z: meuse.z, ...problem });
  const n = grid.x.length;
  const prediction = new Float64Array(n);
  const variance = new Float64Array(n);
  const f0 = new Float64Array(problem.trend.length);
  const out = { prediction: 0, variance: 0, lagrangeTerm: 0 };
  for (let i = 0; i < n; i++) {
    trendAt(i, f0);
    kriger.predict(grid.x[i], grid.y[i], f0, out);
    prediction[i] = out.prediction;
    variance[i] = out.variance;
  }
  return { prediction, variance };
}

/** The target: 1e-6 relative to gstat for a fixed model (double precision gives ~1e-11 here). */
const TOLERANCE = 1e-6;

function assertMatches(name: string, result: { prediction: Float64Array; variance: Float64Array }) {
  const predictionError = maxRelativeError(result.prediction, grid[`${name}_pred`]);
  const varianceError = maxRelativeError(result.variance, grid[`${name}_var`]);
  assert.ok(predictionError < TOLERANCE, `${name} predictions: max relative error ${predictionError}`);
  assert.ok(varianceError < TOLERANCE, `${name} variances: max relative error ${varianceError}`);
}

test("global ordinary kriging of log(zinc) on meuse.grid equals gstat's krige()", () => {
  assertMatches(
    "ok",
    predictGrid({ trend: [ones], neighbourhood: null }, (_, f) => f.fill(1)),
  );
});

test("local ordinary kriging with nmax = 20 equals gstat's, ties at the 20th distance included", () => {
  const local = { nmax: 20, maxDistance: Number.POSITIVE_INFINITY };
  assertMatches(
    "ok20",
    predictGrid({ trend: [ones], neighbourhood: local }, (_, f) => f.fill(1)),
  );
});

test("simple kriging with known mean 5.9 equals gstat's (beta = 5.9)", () => {
  assertMatches(
    "sk",
    predictGrid({ trend: [], simpleMean: 5.9, neighbourhood: null }, () => {}),
  );
});

test("universal kriging with a linear trend in x, y equals gstat's log(zinc) ~ x + y", () => {
  assertMatches(
    "ukxy",
    predictGrid({ trend: [ones, meuse.x, meuse.y], neighbourhood: null }, (i, f) => {
      f[0] = 1;
      f[1] = grid.x[i];
      f[2] = grid.y[i];
    }),
  );
});

test("universal kriging with a covariate (sqrt(dist)) equals gstat's log(zinc) ~ sqrt(dist)", () => {
  const sqrtDist = meuse.dist.map(Math.sqrt);
  assertMatches(
    "uksqrtdist",
    predictGrid({ trend: [ones, sqrtDist], neighbourhood: null }, (i, f) => {
      f[0] = 1;
      f[1] = Math.sqrt(gridDist[i]);
    }),
  );
});

test("kriging interpolates exactly at a sample location, with zero variance", () => {
  const kriger = new Kriger({
    model,
    x: meuse.x,
    y: meuse.y,
    z: meuse.z,
    trend: [ones],
    neighbourhood: null,
  });
  const out = { prediction: 0, variance: 0, lagrangeTerm: 0 };
  kriger.predict(meuse.x[7], meuse.y[7], Float64Array.of(1), out);
  // exact interpolation up to rounding of a 155 x 155 solve
  assert.ok(Math.abs(out.prediction - meuse.z[7]) < 1e-9);
  assert.ok(Math.abs(out.variance) < 1e-9);
});

test("two samples at one location without a nugget make a singular system: a clear InputError", () => {
  const x = Float64Array.of(0, 0, 100);
  const y = Float64Array.of(0, 0, 50);
  const z = Float64Array.of(1, 2, 3);
  const noNugget: VariogramModel = { ...model, nugget: 0 };
  assert.throws(
    () => new Kriger({ model: noNugget, x, y, z, trend: [Float64Array.of(1, 1, 1)], neighbourhood: null }),
    (error: Error) => error.name === "InputError" && /singular kriging system/.test(error.message),
  );
});

test("k-d tree nearest neighbours equal a brute-force search (radius and skip included)", () => {
  const tree = new KdTree(meuse.x, meuse.y);
  const out = new Int32Array(20);
  for (const [qx, qy, radius, skip] of [
    [179500, 331000, Number.POSITIVE_INFINITY, -1],
    [180600, 332400, 300, -1],
    [meuse.x[3], meuse.y[3], Number.POSITIVE_INFINITY, 3],
  ]) {
    const count = tree.nearest(qx, qy, 20, radius, out, skip);
    const brute = [...meuse.x.keys()]
      .filter((i) => i !== skip)
      .map((i) => ({ i, d: Math.hypot(meuse.x[i] - qx, meuse.y[i] - qy) }))
      .filter((c) => c.d <= radius)
      .sort((a, b) => a.d - b.d || b.i - a.i)
      .slice(0, 20)
      .map((c) => c.i)
      .sort((a, b) => a - b);
    assert.deepEqual(
      [...out.subarray(0, count)].sort((a, b) => a - b),
      brute,
    );
  }
});
