import assert from "node:assert/strict";
import { test } from "node:test";
import { predictForest } from "../../../core/ml/forest.ts";
import { auroc } from "../../../core/ml/metrics.ts";
import { predictForestParallel } from "../../../core/ml/parallel-predict.ts";
import { trainForest } from "../../../core/ml/train.ts";
import { synthetic } from "./helpers.ts";

const params = { numTrees: 30, minNodeSize: 1, sampleFraction: 1, replace: true, seed: 3 };

test("the forest learns a non-linear boundary: test AUROC near the 10 %-noise ceiling, OOB agrees", async () => {
  const train = synthetic(3000, 5, 1);
  const holdout = synthetic(3000, 5, 2);
  const { forest, outOfBag } = await trainForest(train.columns, train.label, params, { threads: 1 });
  const testAuroc = auroc(holdout.label, predictForest(forest, holdout.columns, 3000));
  // 10 % flipped labels cap the AUROC near 0.9; a forest that learned x0 + x1*x2 gets close
  // (0.85), a model that learned nothing gets 0.5.
  assert.ok(testAuroc > 0.85, `test AUROC ${testAuroc}`);
  // OOB estimates the test AUROC; with 3000 rows its sampling error is ~0.01, so 0.03 is wide.
  const oobAuroc = auroc(train.label, outOfBag.probability);
  assert.ok(Math.abs(oobAuroc - testAuroc) < 0.03, `OOB ${oobAuroc} vs test ${testAuroc}`);
});

test("same seed, same forest; another seed, another forest", async () => {
  const data = synthetic(500, 4, 5);
  const a = await trainForest(data.columns, data.label, params, { threads: 1 });
  const b = await trainForest(data.columns, data.label, params, { threads: 1 });
  const c = await trainForest(data.columns, data.label, { ...params, seed: 4 }, { threads: 1 });
  assert.deepEqual(predictForest(a.forest, data.columns, 500), predictForest(b.forest, data.columns, 500));
  assert.notDeepEqual(predictForest(a.forest, data.columns, 500), predictForest(c.forest, data.columns, 500));
});

test("worker threads grow exactly the trees the main thread grows", async () => {
  // 20,000 rows x 100 trees crosses the threading threshold, so this run uses two workers.
  const data = synthetic(20_000, 3, 6);
  const shallow = { ...params, numTrees: 100, maxDepth: 4 };
  const single = await trainForest(data.columns, data.label, shallow, { threads: 1 });
  const threaded = await trainForest(data.columns, data.label, shallow, { threads: 2 });
  assert.deepEqual(threaded.forest.trees, single.forest.trees);
  const rows = 2000;
  const probe = data.columns.map((c) => c.subarray(0, rows));
  assert.deepEqual(
    await predictForestParallel(threaded.forest, probe, rows, 2),
    predictForest(single.forest, probe, rows),
  );
});

test("min node size, sample fraction and sampling without replacement shape the trees", async () => {
  const data = synthetic(400, 3, 7);
  const { forest } = await trainForest(
    data.columns,
    data.label,
    { ...params, minNodeSize: 7, sampleFraction: 0.5, replace: false },
    { threads: 1 },
  );
  for (const tree of forest.trees) {
    assert.equal(tree.cover[0], 200, "root holds exactly half the rows, each once");
    for (let node = 0; node < tree.feature.length; node++) {
      if (tree.feature[node] < 0) assert.ok(tree.cover[node] >= 7, `leaf with ${tree.cover[node]} rows`);
    }
  }
});

test("a row with a NaN feature is predicted as NaN", async () => {
  const data = synthetic(300, 3, 8);
  const { forest } = await trainForest(data.columns, data.label, params, { threads: 1 });
  const probability = predictForest(
    forest,
    [Float64Array.of(0.2, 0.2), Float64Array.of(0.1, Number.NaN), Float64Array.of(0.3, 0.3)],
    2,
  );
  assert.ok(Number.isFinite(probability[0]));
  assert.ok(Number.isNaN(probability[1]));
});
