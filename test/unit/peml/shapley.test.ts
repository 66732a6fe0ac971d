import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../../../core/ml/random.ts";
import { evaluateModel } from "../../../core/peml/model.ts";
import {
  type BatchFunction,
  exactShapley,
  meanAbsolute,
  shapleyWeights,
} from "../../../core/peml/shapley.ts";
import { infiniteSlopeFunction, modelFunction, PHYSICS_COVARIATES } from "../../../core/peml/step-explain.ts";
import { trainPeml } from "../../../core/peml/train.ts";
import { TRUTH } from "../../fixtures/peml/synthetic.ts";
import { settings, synthetic, syntheticTraining, truthFs } from "./helpers.ts";

function columnsOf(rows: number[][]): Float64Array[] {
  return rows[0].map((_, j) => Float64Array.from(rows, (r) => r[j]));
}

/** Random soils and slopes in the ranges of the physics (γ and γ_w varying too). */
function randomSlopes(n: number, seed: number): Float64Array[] {
  const rng = new Random(seed);
  const rows = Array.from({ length: n }, () => [
    20 * rng.next(),
    15 + 30 * rng.next(),
    16 + 5 * rng.next(),
    0.5 + 3 * rng.next(),
    rng.next(),
    9.5 + 0.6 * rng.next(),
    5 + 45 * rng.next(),
  ]);
  return columnsOf(rows);
}

/**
 * The textbook definition, independent of the subset formula: the average over all p! orderings
 * of a covariate's marginal contribution when it joins those before it, v(S) computed directly.
 */
function permutationShapley(f: (x: number[]) => number, x: number[], background: number[][]): number[] {
  const p = x.length;
  const v = (inCoalition: boolean[]) =>
    background.reduce((sum, b) => sum + f(b.map((value, j) => (inCoalition[j] ? x[j] : value))), 0) /
    background.length;
  const phi = new Array(p).fill(0);
  const permutations: number[][] = [];
  const build = (prefix: number[]) => {
    if (prefix.length === p) permutations.push(prefix);
    for (let j = 0; j < p; j++) if (!prefix.includes(j)) build([...prefix, j]);
  };
  build([]);
  for (const order of permutations) {
    const coalition = new Array(p).fill(false);
    for (const j of order) {
      const before = v(coalition);
      coalition[j] = true;
      phi[j] += (v(coalition) - before) / permutations.length;
    }
  }
  return phi;
}

test("Shapley weights of p players sum, over the subsets of the other p − 1, to one", () => {
  for (const p of [1, 3, 7]) {
    const w = shapleyWeights(p);
    let total = 0;
    let binomial = 1;
    for (let s = 0; s < p; s++) {
      total += binomial * w[s];
      binomial = (binomial * (p - 1 - s)) / (s + 1);
    }
    assert.ok(Math.abs(total - 1) < 1e-15, `p = ${p}: ${total}`);
  }
});

test("exact Shapley values equal the brute-force permutation definition on a small non-linear function", () => {
  const f = (x: number[]) => x[0] * x[1] + Math.sin(x[2]) * x[3] ** 2 + Math.exp(0.3 * x[0] * x[3]);
  const batch: BatchFunction = (columns, count, out) => {
    for (let r = 0; r < count; r++) out[r] = f(columns.map((c) => c[r]));
  };
  const rng = new Random(21);
  const points = Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => 2 * rng.next() - 1));
  const background = Array.from({ length: 6 }, () => Array.from({ length: 4 }, () => 2 * rng.next() - 1));
  const result = exactShapley(batch, 1, columnsOf(points), 4, columnsOf(background), 6);
  points.forEach((x, i) => {
    const expected = permutationShapley(f, x, background);
    expected.forEach((phi, j) => {
      assert.ok(Math.abs(result.values[0][i * 4 + j] - phi) < 1e-12, `point ${i} covariate ${j}`);
    });
  });
});

test("a linear function gets w_j (x_j − mean of the background's x_j)", () => {
  const weights = [2, -1, 0.5];
  const batch: BatchFunction = (columns, count, out) => {
    for (let r = 0; r < count; r++) out[r] = weights.reduce((sum, w, j) => sum + w * columns[j][r], 0);
  };
  const points = columnsOf([
    [1, 2, 3],
    [-4, 0.5, 10],
  ]);
  const background = columnsOf([
    [0, 1, 2],
    [2, 3, -2],
    [1, -1, 0],
  ]);
  const result = exactShapley(batch, 1, points, 2, background, 3);
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 3; j++) {
      const mean = (background[j][0] + background[j][1] + background[j][2]) / 3;
      assert.ok(Math.abs(result.values[0][i * 3 + j] - weights[j] * (points[j][i] - mean)) < 1e-12);
    }
});

test("FS and a_c: values sum to f(x) − E[f] to 1e-12; an ignored covariate gets exactly 0", () => {
  const points = randomSlopes(40, 31);
  const background = randomSlopes(30, 32);
  const result = exactShapley(infiniteSlopeFunction, 2, points, 40, background, 30);
  const p = PHYSICS_COVARIATES.length;
  for (let o = 0; o < 2; o++) {
    for (let i = 0; i < 40; i++) {
      let sum = 0;
      for (let j = 0; j < p; j++) sum += result.values[o][i * p + j];
      const gap = result.predictions[o][i] - result.expected[o];
      // Rounding of 2^7 averages of O(1..100) values: 1e-12 relative to the size of f.
      assert.ok(
        Math.abs(sum - gap) < 1e-12 * Math.max(1, Math.abs(result.predictions[o][i])),
        `output ${o} point ${i}`,
      );
    }
  }
  // The same function with the slope frozen at 30 deg no longer depends on column 6: exactly 0 there.
  const frozen: BatchFunction = (columns, count, out) =>
    infiniteSlopeFunction([...columns.slice(0, 6), new Float64Array(count).fill(30)], count, out);
  const ignored = exactShapley(frozen, 2, points, 40, background, 30);
  for (let o = 0; o < 2; o++) for (let i = 0; i < 40; i++) assert.equal(ignored.values[o][i * p + 6], 0);
});

test("synthetic truth: the learned soils give the Shapley ranking of the true ones (FS, a_c, and the model's inputs)", (t) => {
  const s = synthetic();
  const { data, rows } = syntheticTraining(s, { stride: 2 });
  const { model } = trainPeml(data, settings({ epochs: 200 }));
  // Explain every 5th training point against 40 background points.
  const explained = Int32Array.from({ length: Math.floor(rows.length / 5) }, (_, k) => 5 * k);
  const backgroundIndex = Int32Array.from({ length: 40 }, (_, k) => 7 + 17 * k);
  const n = explained.length;
  const at = (index: Int32Array, values: ArrayLike<number>) => Float64Array.from(index, (k) => values[k]);
  const learned = {
    cohesion: new Float64Array(data.label.length),
    friction: new Float64Array(data.label.length),
    saturation: new Float64Array(data.label.length),
    thickness: new Float64Array(data.label.length),
  };
  evaluateModel(model, { columns: data.columns, slopeDeg: data.slopeDeg, count: data.label.length }, learned);
  const trueAt = (field: Float64Array) => Float64Array.from(rows, (cell) => field[cell]);
  const physicsColumns = (soil: {
    cohesion: ArrayLike<number>;
    friction: ArrayLike<number>;
    saturation: ArrayLike<number>;
    thickness: ArrayLike<number>;
  }) => [
    soil.cohesion,
    soil.friction,
    new Float64Array(data.label.length).fill(TRUTH.unitWeight),
    soil.thickness,
    soil.saturation,
    new Float64Array(data.label.length).fill(TRUTH.waterUnitWeight),
    data.slopeDeg,
  ];
  const rank = (
    columns: ArrayLike<number>[],
    f: BatchFunction,
    outputs: number,
    names: readonly string[],
  ) => {
    const r = exactShapley(
      f,
      outputs,
      columns.map((c) => at(explained, c)),
      n,
      columns.map((c) => at(backgroundIndex, c)),
      40,
    );
    return r.values.map((values) => {
      const meanAbs = meanAbsolute(values, names.length);
      return names.map((name, j) => ({ name, value: meanAbs[j] })).sort((a, b) => b.value - a.value);
    });
  };
  const truthSoil = {
    cohesion: trueAt(s.truth.cohesion),
    friction: trueAt(s.truth.friction),
    saturation: trueAt(s.truth.saturation),
    thickness: trueAt(s.truth.thickness),
  };
  const truthRanks = rank(physicsColumns(truthSoil), infiniteSlopeFunction, 2, PHYSICS_COVARIATES);
  const learnedRanks = rank(physicsColumns(learned), infiniteSlopeFunction, 2, PHYSICS_COVARIATES);
  for (const [o, target] of ["FS", "a_c"].entries()) {
    const truth = truthRanks[o];
    const fit = learnedRanks[o];
    t.diagnostic(
      `${target}: truth ${truth.map((e) => `${e.name} ${e.value.toPrecision(3)}`).join(", ")}; learned ${fit.map((e) => `${e.name} ${e.value.toPrecision(3)}`).join(", ")}`,
    );
    // The truth varies c', phi' and slope only: the other four get exactly 0 there.
    assert.deepEqual(
      truth.slice(3).map((e) => e.value),
      [0, 0, 0, 0],
    );
    assert.deepEqual(
      fit.slice(0, 3).map((e) => e.name),
      truth.slice(0, 3).map((e) => e.name),
    );
    // The constants get exactly 0; t and m, pinned by their priors, almost nothing.
    for (const e of fit.slice(3)) assert.ok(e.value <= 0.02 * fit[0].value, `${target} ${e.name} ${e.value}`);
    assert.equal(fit.find((e) => e.name === "unit_weight")?.value, 0);
    assert.equal(fit.find((e) => e.name === "water_unit_weight")?.value, 0);
  }
  // The model's inputs, against the true FS as a function of the same inputs.
  const inputs = [...data.columns, data.slopeDeg];
  const names = ["elev", "lith", "noise", "slope"];
  const trueFs: BatchFunction = (columns, count, out) => {
    const [elev, lith, , slope] = columns;
    for (let r = 0; r < count; r++) {
      const fraction = (elev[r] - 1200) / 600 - 0.5;
      const k = lith[r] - 1;
      const c = TRUTH.cohesionByLith[k] + TRUTH.cohesionElevSpan * fraction;
      const phi = TRUTH.frictionByLith[k] + TRUTH.frictionElevSpan * fraction;
      out[r] = Math.min(100, truthFs(slope[r], c, phi));
    }
  };
  const truthModel = rank(inputs, trueFs, 1, names)[0];
  const learnedModel = rank(inputs, modelFunction(model, 3, false), 3, names)[0];
  t.diagnostic(
    `model FS: truth ${truthModel.map((e) => `${e.name} ${e.value.toPrecision(3)}`).join(", ")}; learned ${learnedModel.map((e) => `${e.name} ${e.value.toPrecision(3)}`).join(", ")}`,
  );
  assert.deepEqual(
    learnedModel.map((e) => e.name),
    truthModel.map((e) => e.name),
  );
  assert.equal(truthModel[3].value, 0, "the truth ignores the noise covariate");
  assert.ok(learnedModel[3].value < 0.1 * learnedModel[2].value, "the model nearly ignores it");
});
