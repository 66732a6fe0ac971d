import assert from "node:assert/strict";
import { test } from "node:test";
import { selectRank } from "../../../core/terrain/accumulate.ts";

test("selectRank returns the value a full sort puts at that rank (ties, runs, every rank)", () => {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + Math.floor(random() * 200);
    const values = new Float32Array(n).map(() => (random() < 0.3 ? Math.floor(random() * 4) : random() * 10));
    const sorted = values.slice().sort();
    for (const rank of [0, n - 1, Math.floor(random() * n), Math.floor(0.98 * n)]) {
      assert.equal(selectRank(values.slice(), rank), sorted[rank], `n ${n}, rank ${rank}`);
    }
  }
});
