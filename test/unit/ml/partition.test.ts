import assert from "node:assert/strict";
import { test } from "node:test";
import { makeFolds } from "../../../core/ml/partition.ts";
import { ecuador } from "./helpers.ts";

function meanWithinFoldDistance(x: Float64Array, y: Float64Array, fold: Int32Array): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      if (fold[i] !== fold[j]) continue;
      sum += Math.hypot(x[i] - x[j], y[i] - y[j]);
      count++;
    }
  }
  return sum / count;
}

test("spatial folds are k non-empty, compact clusters; random folds are balanced", () => {
  const data = ecuador();
  const spatial = makeFolds("spatial", data, 5, 1, 0);
  const random = makeFolds("random", data, 5, 1, 0);
  for (const fold of [spatial, random]) {
    const sizes = [0, 0, 0, 0, 0];
    for (const k of fold) sizes[k]++;
    assert.ok(
      sizes.every((s) => s > 0),
      `every fold holds points: ${sizes}`,
    );
  }
  const randomSizes = [0, 0, 0, 0, 0];
  for (const k of random) randomSizes[k]++;
  assert.deepEqual(randomSizes, [70, 70, 70, 70, 70]);
  const randomLandslides = [0, 0, 0, 0, 0];
  random.forEach((k, i) => {
    randomLandslides[k] += data.label[i];
  });
  assert.deepEqual(
    randomLandslides,
    [35, 35, 35, 35, 35],
    "random folds are stratified: 175 landslides, 35 per fold",
  );
  // k-means clusters of a ~2 km study area are far tighter than random fifths of it: the
  // within-fold distance halves at least (a random partition keeps the overall mean distance).
  assert.ok(
    meanWithinFoldDistance(data.x, data.y, spatial) < 0.5 * meanWithinFoldDistance(data.x, data.y, random),
  );
});

test("folds depend only on the seed and the repetition", () => {
  const data = ecuador();
  assert.deepEqual(makeFolds("spatial", data, 5, 7, 3), makeFolds("spatial", data, 5, 7, 3));
  assert.notDeepEqual(makeFolds("spatial", data, 5, 7, 3), makeFolds("spatial", data, 5, 7, 4));
});
