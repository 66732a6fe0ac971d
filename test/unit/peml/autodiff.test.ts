import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../../../core/ml/random.ts";
import { Adam, Graph, type Tensor, type UnaryName } from "../../../core/peml/autodiff/index.ts";

// Reverse-mode gradients against central finite differences. With h = 1e-6 in float64 the
// difference quotient is exact to O(h²) f''' ≈ 1e-12 plus rounding ε |f| / h ≈ 1e-9 for |f| ~ 10,
// so 1e-6 relative (plus 1e-8 absolute) separates a right gradient from a wrong one by orders of
// magnitude: a missing factor or sign shows up as an error of order 1.
const H = 1e-6;

function assertGradients(graph: Graph, loss: Tensor, params: Tensor[], label: string): void {
  graph.forward();
  graph.backward(loss);
  const analytic = params.map((p) => Float64Array.from(p.grad));
  params.forEach((p, k) => {
    for (let i = 0; i < p.size; i++) {
      const keep = p.value[i];
      p.value[i] = keep + H;
      graph.forward();
      const up = loss.value[0];
      p.value[i] = keep - H;
      graph.forward();
      const down = loss.value[0];
      p.value[i] = keep;
      const numeric = (up - down) / (2 * H);
      const error = Math.abs(analytic[k][i] - numeric);
      assert.ok(
        error <= 1e-6 * Math.abs(numeric) + 1e-8,
        `${label}: parameter ${k} element ${i}: analytic ${analytic[k][i]}, numeric ${numeric}`,
      );
    }
  });
}

/** A scalar loss that weights every element differently, so that a gradient routed to the wrong element shows. */
function weightedSum(graph: Graph, t: Tensor, rng: Random): Tensor {
  const w = graph.input(t.rows, t.cols);
  for (let i = 0; i < w.size; i++) w.value[i] = 0.5 + rng.next();
  return graph.weightedMean(graph.mul(t, w), onesLike(graph, t));
}

function onesLike(graph: Graph, t: Tensor): Tensor {
  const ones = graph.input(t.rows, t.cols);
  ones.value.fill(1);
  return ones;
}

function randomParameter(graph: Graph, rows: number, cols: number, rng: Random, lo = -1, hi = 1): Tensor {
  return graph.parameter(
    rows,
    cols,
    Array.from({ length: rows * cols }, () => lo + (hi - lo) * rng.next()),
  );
}

const UNARY_DOMAINS: [UnaryName, number, number][] = [
  ["tanh", -2, 2],
  ["sigmoid", -4, 4],
  ["softplus", -4, 4],
  ["logSigmoid", -6, 6],
  ["exp", -2, 2],
  ["log", 0.2, 3],
  ["tan", -1.2, 1.2],
  ["square", -2, 2],
  // Both branches of log(1 − e^a): a above and below −ln 2.
  ["log1mexp", -4, -0.05],
];

for (const [name, lo, hi] of UNARY_DOMAINS) {
  test(`${name}: gradient equals central differences`, () => {
    const rng = new Random(11);
    const graph = new Graph();
    const a = randomParameter(graph, 4, 3, rng, lo, hi);
    assertGradients(graph, weightedSum(graph, graph.unary(name, a), rng), [a], name);
  });
}

test("log1mexp keeps precision near 0 and far below (against the direct formula where that is accurate)", () => {
  const graph = new Graph();
  const a = graph.parameter(1, 3, [-1e-10, -0.5, -40]);
  const out = graph.unary("log1mexp", a);
  graph.forward();
  assert.ok(Math.abs(out.value[0] - Math.log(1e-10)) < 1e-9);
  assert.ok(Math.abs(out.value[1] - Math.log(1 - Math.exp(-0.5))) < 1e-15);
  assert.ok(Math.abs(out.value[2] + Math.exp(-40)) < 1e-30);
});

test("add, sub, mul, div, same shape and with a broadcast scalar on either side", () => {
  const rng = new Random(12);
  for (const op of ["add", "sub", "mul", "div"] as const) {
    for (const shape of ["same", "scalar-right", "scalar-left"] as const) {
      const graph = new Graph();
      const a = randomParameter(
        graph,
        shape === "scalar-left" ? 1 : 3,
        shape === "scalar-left" ? 1 : 2,
        rng,
        0.5,
        2,
      );
      const b = randomParameter(
        graph,
        shape === "scalar-right" ? 1 : 3,
        shape === "scalar-right" ? 1 : 2,
        rng,
        0.5,
        2,
      );
      assertGradients(graph, weightedSum(graph, graph[op](a, b), rng), [a, b], `${op} ${shape}`);
    }
  }
});

test("matmul, addRow, column, affine, clamp, sumOfSquares in one graph", () => {
  const rng = new Random(13);
  const graph = new Graph();
  const x = randomParameter(graph, 5, 3, rng);
  const w = randomParameter(graph, 3, 4, rng);
  const bias = randomParameter(graph, 1, 4, rng);
  const h = graph.unary("tanh", graph.addRow(graph.matmul(x, w), bias));
  const c = graph.affine(graph.column(h, 2), 3, -0.5);
  // Clamp limits away from every value so that finite differences do not straddle a kink.
  const clamped = graph.clamp(c, -1.7, 1.9);
  const loss = graph.add(weightedSum(graph, clamped, rng), graph.affine(graph.sumOfSquares(w), 0.1));
  assertGradients(graph, loss, [x, w, bias], "network");
});

test("clamp passes no gradient where it clamps; weightedMean ignores zero-weight rows", () => {
  const graph = new Graph();
  const a = graph.parameter(3, 1, [-5, 0.5, 5]);
  const weight = graph.input(3, 1);
  weight.value.set([1, 1, 0]);
  const loss = graph.weightedMean(graph.clamp(a, -1, 1), weight);
  graph.forward();
  graph.backward(loss);
  assert.deepEqual(Array.from(a.grad), [0, 0.5, 0]);
  assert.equal(loss.value[0], (-1 + 0.5) / 2);
});

test("backward can be repeated: gradients are reset, not accumulated across passes", () => {
  const graph = new Graph();
  const a = graph.parameter(1, 1, [2]);
  const loss = graph.unary("square", a);
  graph.forward();
  graph.backward(loss);
  graph.backward(loss);
  assert.equal(a.grad[0], 4);
});

test("Adam finds the minimum of a convex quadratic", () => {
  const graph = new Graph();
  const a = graph.parameter(1, 2, [5, -3]);
  const target = graph.input(1, 2);
  target.value.set([1.5, 0.25]);
  const loss = graph.sumOfSquares(graph.sub(a, target));
  const adam = new Adam(graph.parameters, 0.05);
  for (let step = 0; step < 2000; step++) {
    graph.forward();
    graph.backward(loss);
    adam.update();
  }
  assert.ok(Math.abs(a.value[0] - 1.5) < 1e-6 && Math.abs(a.value[1] - 0.25) < 1e-6, `${a.value}`);
});
