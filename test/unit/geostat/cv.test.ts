import assert from "node:assert/strict";
import { test } from "node:test";
import { kFold, leaveOneOut } from "../../../core/geostat/cv.ts";
import type { KrigingProblem } from "../../../core/geostat/kriging.ts";
import { maxRelativeError, meuseLogZinc, readFixture } from "./helpers.ts";

const meuse = meuseLogZinc();
const model = { type: "sph" as const, nugget: 0.05, psill: 0.59, range: 897, kappa: 0.5 };
const ones = new Float64Array(meuse.x.length).fill(1);
const everySample = { nmax: meuse.x.length, maxDistance: Number.POSITIVE_INFINITY };
const ordinary: KrigingProblem = { model, ...meuse, trend: [ones], neighbourhood: null };

test("global leave-one-out (Dubrule's identity) equals gstat's krige.cv", () => {
  const gstat = readFixture("loocv_fixed_model.csv", ["pred", "var"]);
  const cv = leaveOneOut(ordinary);
  // the 1e-6 relative target; the two agree to ~1e-15
  assert.ok(maxRelativeError(cv.predicted, gstat.pred) < 1e-6);
  assert.ok(maxRelativeError(cv.variance, gstat.var) < 1e-6);
});

test("Dubrule's identity equals refitting without each sample, for simple and universal kriging too", () => {
  const xy = [ones, meuse.x.map((v) => v - 180000), meuse.y.map((v) => v - 331000)];
  for (const problem of [
    { ...ordinary, trend: [], simpleMean: 5.9 },
    { ...ordinary, trend: xy },
  ]) {
    const identity = leaveOneOut(problem);
    // a local neighbourhood holding every sample takes the skip-one path: n separate solves
    const refitted = leaveOneOut({ ...problem, neighbourhood: everySample });
    // two algebraically equal routes through 155 x 155 solves: 1e-9 relative is rounding slack
    assert.ok(maxRelativeError(identity.predicted, refitted.predicted) < 1e-9);
    assert.ok(maxRelativeError(identity.variance, refitted.variance) < 1e-9);
  }
});

test("k-fold with k = n is leave-one-out; statistics follow their definitions", () => {
  const loo = leaveOneOut(ordinary);
  const folds = kFold(ordinary, meuse.x.length, 7);
  assert.ok(maxRelativeError(folds.predicted, loo.predicted) < 1e-9);
  const errors = Array.from(loo.predicted, (p, i) => p - meuse.z[i]);
  const rmse = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
  assert.ok(Math.abs(loo.rootMeanSquareError - rmse) < 1e-12);
  assert.throws(() => kFold(ordinary, 1, 7), /needs 2 <= k <= 155/);
});
