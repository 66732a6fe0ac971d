import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fitLogistic } from "../../../core/ml/glm.ts";
import { ecuador, FIXTURES } from "./helpers.ts";

test("IRLS logistic regression reproduces R's glm() coefficients on the Ecuador inventory", () => {
  const reference = JSON.parse(readFileSync(`${FIXTURES}glm_ecuador_r.json`, "utf8")) as {
    coefficients: number[];
  };
  const data = ecuador();
  const model = fitLogistic(data.columns, data.label);
  assert.ok(model.converged);
  model.coefficients.forEach((c, j) => {
    // Both run IRLS to R's deviance criterion 1e-8; the reference is printed with 12 significant
    // digits, so 1e-6 relative leaves room for the different convergence paths, not for errors.
    const expected = reference.coefficients[j];
    assert.ok(Math.abs(c - expected) <= 1e-6 * Math.abs(expected), `coefficient ${j}: ${c} vs R ${expected}`);
  });
});
