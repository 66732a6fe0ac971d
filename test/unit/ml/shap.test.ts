import assert from "node:assert/strict";
import { test } from "node:test";
import { predictForest } from "../../../core/ml/forest.ts";
import { forestShap } from "../../../core/ml/shap.ts";
import { trainForest } from "../../../core/ml/train.ts";
import type { Tree } from "../../../core/ml/tree.ts";
import { ecuador, synthetic } from "./helpers.ts";

test("TreeSHAP is additive: expected value + sum of SHAP = forest prediction (Ecuador forest)", async () => {
  const data = ecuador();
  const { forest } = await trainForest(
    data.columns,
    data.label,
    { numTrees: 50, minNodeSize: 1, sampleFraction: 1, replace: true, seed: 1 },
    { threads: 1 },
  );
  const n = data.label.length;
  const shap = forestShap(forest, data.columns, n);
  const prediction = predictForest(forest, data.columns, n);
  for (let i = 0; i < n; i++) {
    let total = shap.expectedValue;
    for (let f = 0; f < 5; f++) total += shap.values[i * 5 + f];
    // Exact algorithm; the only error is floating-point rounding over ~50 trees x depth ~15.
    assert.ok(Math.abs(total - prediction[i]) < 1e-9, `row ${i}: ${total} vs ${prediction[i]}`);
  }
});

/** E[f(x) | features in `known` fixed to x], others drawn from the tree's training distribution (covers). */
function conditionalExpectation(tree: Tree, x: number[], known: Set<number>, node = 0): number {
  const f = tree.feature[node];
  if (f < 0) return tree.probability[node];
  const left = tree.left[node];
  const right = tree.right[node];
  if (known.has(f))
    return conditionalExpectation(tree, x, known, x[f] <= tree.threshold[node] ? left : right);
  return (
    (tree.cover[left] * conditionalExpectation(tree, x, known, left) +
      tree.cover[right] * conditionalExpectation(tree, x, known, right)) /
    tree.cover[node]
  );
}

function factorial(k: number): number {
  return k <= 1 ? 1 : k * factorial(k - 1);
}

test("TreeSHAP equals brute-force Shapley values over all feature subsets", async () => {
  const p = 4;
  const data = synthetic(200, p, 9);
  const { forest } = await trainForest(
    data.columns,
    data.label,
    { numTrees: 3, minNodeSize: 5, sampleFraction: 1, replace: true, seed: 2 },
    { threads: 1 },
  );
  const rows = 5;
  const shap = forestShap(forest, data.columns, rows);
  for (let r = 0; r < rows; r++) {
    const x = data.columns.map((c) => c[r]);
    for (let f = 0; f < p; f++) {
      let phi = 0;
      for (let mask = 0; mask < 1 << p; mask++) {
        if (mask & (1 << f)) continue;
        const subset = new Set(Array.from({ length: p }, (_, j) => j).filter((j) => mask & (1 << j)));
        const weight = (factorial(subset.size) * factorial(p - subset.size - 1)) / factorial(p);
        const withF = new Set(subset).add(f);
        for (const tree of forest.trees) {
          phi +=
            (weight * (conditionalExpectation(tree, x, withF) - conditionalExpectation(tree, x, subset))) /
            forest.trees.length;
        }
      }
      // Same quantity by two exact routes: agreement to rounding (1e-12) proves the recursion.
      assert.ok(
        Math.abs(phi - shap.values[r * p + f]) < 1e-12,
        `row ${r} feature ${f}: brute force ${phi} vs TreeSHAP ${shap.values[r * p + f]}`,
      );
    }
  }
});
