import assert from "node:assert/strict";
import { test } from "node:test";
import { gllBasis, lagrangeAt } from "../../../core/sem/gll.ts";

// Tolerances: GLL nodes come from Newton iterations to 1e-15 and closed-form weights, so every
// check below holds to a few ulps of O(1) numbers; 1e-12 leaves room for summation round-off.
const TIGHT = 1e-12;

test("NGLL 5 points and weights match the closed forms", () => {
  const { points, weights } = gllBasis(5);
  const expectedPoints = [-1, -Math.sqrt(3 / 7), 0, Math.sqrt(3 / 7), 1];
  const expectedWeights = [1 / 10, 49 / 90, 32 / 45, 49 / 90, 1 / 10];
  for (let i = 0; i < 5; i++) {
    assert.ok(Math.abs(points[i] - expectedPoints[i]) < TIGHT, `point ${i}`);
    assert.ok(Math.abs(weights[i] - expectedWeights[i]) < TIGHT, `weight ${i}`);
  }
});

test("GLL quadrature integrates x^k exactly up to degree 2·NGLL − 3", () => {
  for (let ngll = 4; ngll <= 8; ngll++) {
    const { points, weights } = gllBasis(ngll);
    for (let k = 0; k <= 2 * ngll - 3; k++) {
      let sum = 0;
      for (let i = 0; i < ngll; i++) sum += weights[i] * points[i] ** k;
      const exact = k % 2 === 1 ? 0 : 2 / (k + 1);
      assert.ok(Math.abs(sum - exact) < TIGHT, `ngll ${ngll}, degree ${k}: ${sum} vs ${exact}`);
    }
  }
});

test("the derivative matrix differentiates polynomials of degree NGLL − 1 exactly", () => {
  for (let ngll = 4; ngll <= 8; ngll++) {
    const { points, derivative } = gllBasis(ngll);
    const degree = ngll - 1;
    for (let i = 0; i < ngll; i++) {
      let value = 0;
      for (let l = 0; l < ngll; l++) value += derivative[i * ngll + l] * points[l] ** degree;
      const exact = degree * points[i] ** (degree - 1);
      assert.ok(Math.abs(value - exact) < 1e-10, `ngll ${ngll}, point ${i}: ${value} vs ${exact}`);
    }
  }
});

test("Lagrange interpolation reproduces a polynomial and its derivative between the nodes", () => {
  const { points } = gllBasis(6);
  const values = new Float64Array(6);
  const derivatives = new Float64Array(6);
  const polynomial = (x: number) => 3 * x ** 5 - x ** 2 + 0.5;
  const xi = 0.3217;
  lagrangeAt(points, xi, values, derivatives);
  let interpolated = 0;
  let slope = 0;
  for (let l = 0; l < 6; l++) {
    interpolated += values[l] * polynomial(points[l]);
    slope += derivatives[l] * polynomial(points[l]);
  }
  assert.ok(Math.abs(interpolated - polynomial(xi)) < TIGHT);
  assert.ok(Math.abs(slope - (15 * xi ** 4 - 2 * xi)) < 1e-11);
});
