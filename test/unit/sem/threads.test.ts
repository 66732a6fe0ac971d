import assert from "node:assert/strict";
import { test } from "node:test";
import { addElasticForcesAnyNgll, kernelScratch } from "../../../core/sem/kernel.ts";
import { addElasticForces5 } from "../../../core/sem/kernel5.ts";
import { prepareSimulation, simulate } from "../../../core/sem/simulation.ts";
import { elementArrays } from "../../../core/sem/solver-data.ts";
import { smallScenario } from "./small-scenario.ts";

// Exact equality is the contract here, not a tolerance: the element contributions reach every
// point in the same order whatever the thread count (see stepper.ts), so seismograms are identical.
test("1 to 4 threads give bit-identical seismograms (layers + topography)", async () => {
  const runs: Float64Array[] = [];
  for (const threads of [1, 2, 3, 4]) {
    const prepared = prepareSimulation(smallScenario(), {
      x: [0, 300, 500, 700, 1000],
      z: [0, 0, 80, 0, 10],
    });
    await simulate(prepared, { threads });
    runs.push(prepared.data.records);
  }
  const energy = runs[0].reduce((sum, value) => sum + value * value, 0);
  assert.ok(energy > 0, "the run must record motion for the comparison to mean anything");
  assert.deepEqual(runs[1], runs[0]);
  assert.deepEqual(runs[2], runs[0]);
  assert.deepEqual(runs[3], runs[0]);
});

// Snapshots pause the run between steps: the chained step ranges must continue exactly.
test("pausing for snapshots leaves the seismograms bit-identical", async () => {
  const runs: Float64Array[] = [];
  const paused: number[] = [];
  for (const pauseAfter of [[], [10, 57, 58]]) {
    const prepared = prepareSimulation(smallScenario(), {
      x: [0, 300, 500, 700, 1000],
      z: [0, 0, 80, 0, 10],
    });
    await simulate(prepared, { threads: 2, pauseAfter, onPause: async (step) => void paused.push(step) });
    runs.push(prepared.data.records);
  }
  assert.deepEqual(paused, [10, 57, 58]);
  assert.deepEqual(runs[1], runs[0]);
});

test("the NGLL = 5 reference kernel computes exactly what the generic reference kernel computes", () => {
  const prepared = prepareSimulation(smallScenario(), { x: [0, 300, 500, 700, 1000], z: [0, 0, 80, 0, 10] });
  const d = { ...prepared.data, ...elementArrays(prepared.mesh) };
  // Both code paths of the kernel must be exercised: rectangles below the hill, others in it.
  assert.ok(d.rectangular.includes(1) && d.rectangular.includes(0));
  const ux = new Float64Array(d.nglob).map((_, p) => Math.sin(p * 0.37));
  const uz = new Float64Array(d.nglob).map((_, p) => Math.cos(p * 0.11));
  const forces = [0, 1].map(() => ({ fx: new Float64Array(d.nglob), fz: new Float64Array(d.nglob) }));
  addElasticForces5(d, 0, d.nxElem, ux, uz, forces[0].fx, forces[0].fz, kernelScratch(5));
  addElasticForcesAnyNgll(d, 0, d.nxElem, ux, uz, forces[1].fx, forces[1].fz, kernelScratch(5));
  assert.ok(forces[0].fx.some((f) => f !== 0));
  assert.deepEqual(forces[0], forces[1]);
});

// The calling thread steps as thread 0 and blocks while it waits for the others: a worker that
// fails must end the run with its own error, not leave the calling thread waiting for it.
test("a worker that fails ends the run with its error instead of hanging", async () => {
  const prepared = prepareSimulation(smallScenario(), null);
  // Solver data without kernels: every thread's stepKernels throws, the workers' at start-up.
  const broken = { ...prepared, data: { ...prepared.data, wasm: undefined, elements: undefined } };
  await assert.rejects(simulate(broken, { threads: 2 }), /neither wasm memory nor reference element arrays/);
});
