// The generated WebAssembly kernels against the TypeScript Float64 reference kernels they replace
// (kernel.ts, kernel5.ts and the reference sweeps in step-kernels.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { type PreparedSimulation, prepareSimulation, simulate } from "../../../core/sem/simulation.ts";
import type { SolverKernel } from "../../../core/sem/solver-data.ts";
import { stepKernels } from "../../../core/sem/step-kernels.ts";
import type { KernelMemory } from "../../../core/sem/wasm/kernel-memory.ts";
import { semKernelModule } from "../../../core/sem/wasm/kernel-source.ts";
import { smallScenario } from "./small-scenario.ts";

const HILL = { x: [0, 300, 500, 700, 1000], z: [0, 0, 80, 0, 10] };

function prepare(kernel: SolverKernel, ngll = 5): PreparedSimulation {
  return prepareSimulation(smallScenario({ mesh: { element_size_m: 100, ngll } }), HILL, "small-hill.json", {
    kernel,
  });
}

/** ax, az after one force assembly of a smooth but irregular displacement (copied to Float64). */
function forcesOf(
  kernel: SolverKernel,
  ngll: number,
): { forces: Float64Array; prepared: PreparedSimulation } {
  const prepared = prepare(kernel, ngll);
  const d = prepared.data;
  for (let p = 0; p < d.nglob; p++) {
    d.ux[p] = Math.sin(p * 0.37);
    d.uz[p] = Math.cos(p * 0.11);
  }
  // In two column ranges, as the threads' chunks call it.
  const kernels = stepKernels(d, 0);
  kernels.forces(0, 7);
  kernels.forces(7, d.nxElem);
  const forces = new Float64Array(2 * d.nglob);
  forces.set(d.ax);
  forces.set(d.az, d.nglob);
  return { forces, prepared };
}

test("the generated module is valid WebAssembly for NGLL 4–8 in both precisions", () => {
  for (let ngll = 4; ngll <= 8; ngll++)
    for (const precision of ["single", "double"] as const)
      assert.ok(WebAssembly.validate(semKernelModule(ngll, precision)), `NGLL ${ngll} ${precision}`);
});

// The mesh has 9 element rows (partial SIMD groups of 4 and of 2), rectangles below the hill and
// skewed elements in it, so both stress paths and the masked lanes run. The wasm kernel sums by
// the even–odd decomposition, the reference plainly: in double precision they agree to round-off
// (measured 8e-16 of the largest force); a wrong coefficient or index gives errors of order 1.
function worstDifference(kernel: SolverKernel, ngll: number): number {
  const reference = forcesOf("reference", ngll);
  const rectangular = reference.prepared.mesh.rectangular;
  assert.ok(rectangular.includes(0) && rectangular.includes(1));
  assert.ok(reference.prepared.mesh.nzElem % 4 !== 0);
  const forces = forcesOf(kernel, ngll).forces;
  const largest = reference.forces.reduce((m, f) => Math.max(m, Math.abs(f)), 0);
  assert.ok(largest > 0);
  let worst = 0;
  for (let k = 0; k < forces.length; k++)
    worst = Math.max(worst, Math.abs(forces[k] - reference.forces[k]) / largest);
  return worst;
}

test("double-precision wasm forces agree with the reference kernel to 1e-13, NGLL 4–8", () => {
  for (let ngll = 4; ngll <= 8; ngll++) {
    const worst = worstDifference("double", ngll);
    assert.ok(worst < 1e-13, `NGLL ${ngll}: ${worst.toExponential(2)} of the largest force`);
  }
});

// Float32 keeps 24 bits (unit round-off 6e-8). Each force sums ~30 products whose terms reach
// ~10× the largest force here (derivative weights up to 6.8, alternating signs), so round-off
// can reach a few 1e-7 of the largest force (measured 3e-7). Bound: 1e-5 of the largest force.
test("single-precision wasm forces agree with the reference kernel to Float32 round-off, NGLL 4–8", () => {
  for (let ngll = 4; ngll <= 8; ngll++) {
    const worst = worstDifference("single", ngll);
    assert.ok(worst < 1e-5, `NGLL ${ngll}: ${worst.toExponential(2)} of the largest force`);
  }
});

// NGLL 5 in single precision loads and stores a group's rows as whole vectors with transposes
// (forces-source.ts); every other case goes lane by lane. Both must give the same bits, shared
// points included (element order of the contributions).
test("the transposed gather and scatter give exactly what the lane-by-lane ones give", () => {
  const results = [true, false].map((transposed) => {
    const d = prepare("single").data;
    for (let p = 0; p < d.nglob; p++) {
      d.ux[p] = Math.sin(p * 0.37);
      d.uz[p] = Math.cos(p * 0.11);
    }
    const memory = d.wasm as KernelMemory;
    const instance = new WebAssembly.Instance(
      new WebAssembly.Module(semKernelModule(5, "single", { transposed })),
      {
        env: { memory: memory.memory },
      },
    );
    (instance.exports.forces as (layout: number, c0: number, c1: number, scratch: number) => void)(
      memory.layout,
      0,
      d.nxElem,
      memory.scratch,
    );
    return [Float32Array.from(d.ax), Float32Array.from(d.az)];
  });
  assert.ok(results[0][0].some((f) => f !== 0));
  assert.deepEqual(results[0], results[1]);
});

// Ranges that start and end off the vector boundaries, as threads split the points. The sweeps
// do the reference's operations in its order, so double precision gives its bits.
test("double-precision wasm sweeps equal the reference sweeps to the bit on unaligned ranges", () => {
  const states = (["reference", "double"] as const).map((kernel) => {
    const d = prepare(kernel).data;
    for (let p = 0; p < d.nglob; p++) {
      d.ux[p] = Math.sin(p * 0.3);
      d.vx[p] = Math.sin(p * 0.7);
      d.ax[p] = Math.cos(p * 0.2) * 1e3;
      d.uz[p] = Math.cos(p * 0.5);
      d.vz[p] = Math.sin(p * 0.9);
      d.az[p] = Math.sin(p * 0.4) * 1e3;
    }
    const kernels = stepKernels(d, 0);
    const split = 101;
    kernels.correct(3, split, true);
    kernels.correct(split, d.nglob - 5, true);
    kernels.predict(1, split);
    kernels.correct(split, d.nglob, false);
    return [d.ux, d.uz, d.vx, d.vz, d.ax, d.az].map((array) => Float64Array.from(array));
  });
  assert.deepEqual(states[1], states[0]);
});

// Relative L2 difference from the reference run, per recorded channel. Double precision differs
// only by the order of the sums (measured 2e-15 for u, 4e-14 for v, 2e-12 for a); bounds 100×.
// Float32 storage rounds every value by ≤ 6e-8 per step: displacement and velocity stay within
// ~1e-6 and ~1e-5 (measured 6e-7, 9e-6). The acceleration is the internal force, a small residual
// of large cancelling element terms, over the mass, so it carries their round-off: measured 4e-4,
// most of it in the coda once the pulse has passed; SPECFEM2D in single precision has the same
// property. Bounds: about 10× the measured values; a real difference in the scheme gives 1e-2 or
// more.
test("whole runs: the double- and single-precision seismograms agree with the reference run to round-off", async () => {
  const runs: Partial<Record<SolverKernel, Float64Array>> = {};
  for (const kernel of ["reference", "double", "single"] as const) {
    const prepared = prepare(kernel);
    await simulate(prepared, { threads: kernel === "single" ? 1 : 2 });
    runs[kernel] = prepared.data.records;
  }
  const reference = runs.reference as Float64Array;
  const bounds = {
    double: [1e-13, 1e-13, 1e-12, 1e-12, 1e-10, 1e-10],
    single: [1e-5, 1e-5, 1e-4, 1e-4, 3e-3, 3e-3],
  };
  for (const kernel of ["double", "single"] as const) {
    const records = runs[kernel] as Float64Array;
    for (let channel = 0; channel < 6; channel++) {
      let difference = 0;
      let norm = 0;
      for (let k = channel; k < records.length; k += 6) {
        difference += (records[k] - reference[k]) ** 2;
        norm += reference[k] ** 2;
      }
      assert.ok(norm > 0);
      const relative = Math.sqrt(difference / norm);
      assert.ok(
        relative < bounds[kernel][channel],
        `${kernel} channel ${channel}: ${relative.toExponential(2)}`,
      );
    }
  }
});
