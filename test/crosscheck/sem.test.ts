// SEM cross-checks that run a reference live or take long:
// 1. reruns test/fixtures/sem/fullspace/greens.py (numpy + scipy) in a scratch folder and compares
//    with the stored analytic Green's function, so the fixture stays reproducible;
// 2. the full Lamb case (25 m elements, NGLL 5, dt 0.4 ms, 5,000 steps; 8 s of CPU in
//    single precision, 16 s in double, so not in the unit tests) against the exact solution.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { readScenario } from "../../core/sem/scenario.ts";
import { prepareSimulation, simulate } from "../../core/sem/simulation.ts";
import { LAMB_FIXTURES, lambMisfits, readExactLamb } from "../unit/sem/lamb-reference.ts";
import { skipUnlessInstalled } from "./reference-tool.ts";

const hasScipy =
  spawnSync("/usr/bin/python3", ["-c", "import numpy, scipy.special"], { encoding: "utf8" }).status === 0;
const scratch = mkdtempSync(join(tmpdir(), "quakeslide-sem-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const FULLSPACE = new URL("../fixtures/sem/fullspace/", import.meta.url);

function readCsv(path: string): number[][] {
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(",").map(Number));
}

// The stored file has 8 significant digits; scipy's Hankel functions and numpy's FFT agree across
// versions to ~1e-12, so 1e-6 of each column's peak is only the rounding of the stored digits.
test("greens.py rerun live reproduces the stored full-space solution (1e-6 of the peak)", {
  skip: skipUnlessInstalled(hasScipy, "python3 with numpy and scipy"),
}, () => {
  copyFileSync(new URL("greens.py", FULLSPACE), join(scratch, "greens.py"));
  const result = spawnSync("/usr/bin/python3", ["greens.py"], { cwd: scratch, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  const live = readCsv(join(scratch, "fullspace_exact.csv"));
  const stored = readCsv(fileURLToPath(new URL("fullspace_exact.csv", FULLSPACE)));
  assert.equal(live.length, stored.length);
  for (let column = 1; column < stored[0].length; column++) {
    const peak = Math.max(...stored.map((row) => Math.abs(row[column])));
    for (let k = 0; k < stored.length; k++)
      assert.ok(Math.abs(live[k][column] - stored[k][column]) <= 1e-6 * peak + 1e-30);
  }
});

// SPECFEM2D reaches < 2e-3 on this mesh (the acceptance bound is 1e-2). Measured: worst
// 1.92e-3 (S0009_z) in both precisions; the bound is SPECFEM2D's, so that a faster kernel cannot
// quietly cost accuracy. WebAssembly arithmetic is IEEE without contraction, so these values are
// the same on every machine.
for (const precision of ["single", "double"] as const) {
  test(`Lamb's problem on the issue's mesh (12,800 elements × 5,000 steps), ${precision} precision: misfit < 2e-3 on every trace`, async () => {
    const scenario = readScenario(fileURLToPath(new URL("scenario.json", LAMB_FIXTURES)));
    const prepared = prepareSimulation(scenario, null, "scenario.json", { kernel: precision });
    await simulate(prepared, { threads: 2 });
    const misfits = lambMisfits(prepared, readExactLamb());
    for (const [trace, misfit] of Object.entries(misfits))
      assert.ok(misfit < 2e-3, `${trace}: misfit ${misfit.toExponential(2)}`);
  });
}
