import assert from "node:assert/strict";
import { test } from "node:test";
import { auroc, calibration, confusionAt } from "../../../core/ml/metrics.ts";

test("AUROC counts ties as one half (Mann-Whitney), as the trapezoidal ROC area", () => {
  // Pairs (positive, negative): scores pos {0.9, 0.5}, neg {0.5, 0.1}.
  // 0.9 beats both (2), 0.5 ties 0.5 (0.5) and beats 0.1 (1): 3.5 of 4 pairs.
  assert.equal(auroc([1, 1, 0, 0], [0.9, 0.5, 0.5, 0.1]), 3.5 / 4);
  assert.equal(auroc([1, 0, 1, 0], [1, 0, 1, 0]), 1);
  assert.equal(auroc([1, 0, 1, 0], [0, 1, 0, 1]), 0);
  assert.equal(auroc([1, 0, 1, 0], [0.3, 0.3, 0.3, 0.3]), 0.5);
  assert.ok(Number.isNaN(auroc([1, 1], [0.2, 0.4])), "one class has no AUROC");
});

test("confusion matrix and calibration bins count what they should", () => {
  const label = [1, 1, 0, 0, 1];
  const score = [0.95, 0.4, 0.6, 0.05, 0.55];
  const c = confusionAt(label, score, 0.5);
  assert.deepEqual([c.truePositive, c.falseNegative, c.falsePositive, c.trueNegative], [2, 1, 1, 1]);
  assert.equal(c.sensitivity, 2 / 3);
  const { brier, bins } = calibration(label, score, 2);
  const expectedBrier = (0.05 ** 2 + 0.6 ** 2 + 0.6 ** 2 + 0.05 ** 2 + 0.45 ** 2) / 5;
  assert.ok(Math.abs(brier - expectedBrier) < 1e-15); // exact arithmetic up to double rounding
  assert.deepEqual(
    bins.map((b) => b.count),
    [2, 3],
  );
  assert.equal(bins[1].observedRate, 2 / 3);
});
