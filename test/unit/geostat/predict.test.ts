import assert from "node:assert/strict";
import { test } from "node:test";
import { isInputError } from "../../../core/errors.ts";
import { type PredictionJob, predictAll, predictRange } from "../../../core/geostat/predict.ts";
import { meuseLogZinc } from "./helpers.ts";

const meuse = meuseLogZinc();
const ones = new Float64Array(meuse.x.length).fill(1);

/** A 250 x 200 grid of 20 m cells over the meuse samples: 50,000 cells, enough to use worker threads. */
function job(model: PredictionJob["problem"]["model"], z = meuse.z): PredictionJob {
  return {
    problem: {
      model,
      x: meuse.x,
      y: meuse.y,
      z,
      trend: [ones],
      neighbourhood: { nmax: 20, maxDistance: Number.POSITIVE_INFINITY },
    },
    trendKind: "constant",
    coordinateCentre: [0, 0],
    targets: { kind: "grid", transform: [178400, 20, 0, 333800, 0, -20], width: 250, height: 200 },
    targetCovariates: [],
    logBackTransform: false,
  };
}

test("two worker threads give exactly the single-thread result", async () => {
  const sph = job({ type: "sph", nugget: 0.05, psill: 0.59, range: 897, kappa: 0.5 });
  const count = 250 * 200;
  const prediction = new Float32Array(count);
  const variance = new Float32Array(count);
  predictRange(sph, 0, count, prediction, variance);
  const fractions: number[] = [];
  const parallel = await predictAll(sph, { threads: 2, onProgress: (f) => fractions.push(f) });
  // same code, same doubles, each cell computed independently: bit-identical
  assert.deepEqual([...parallel.prediction], [...prediction]);
  assert.deepEqual([...parallel.variance], [...variance]);
  assert.equal(fractions.at(-1), 1);
});

test("an InputError raised in a worker (singular system) reaches the caller as an InputError", async () => {
  // Two samples 1 mm apart under a Gaussian model without nugget: numerically singular.
  const x = Float64Array.from([...meuse.x, meuse.x[0] + 0.001]);
  const y = Float64Array.from([...meuse.y, meuse.y[0]]);
  const z = Float64Array.from([...meuse.z, meuse.z[0]]);
  const singular = job({ type: "gau", nugget: 0, psill: 0.6, range: 300, kappa: 0.5 });
  singular.problem = { ...singular.problem, x, y, z, trend: [new Float64Array(x.length).fill(1)] };
  await assert.rejects(
    predictAll(singular, { threads: 2 }),
    (error) => isInputError(error) && /singular kriging system/.test(error.message),
  );
});
