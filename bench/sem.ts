// `npm run bench -- sem [--steps N]`: element-steps per second of the SEM solver on the issue's
// benchmark mesh (Lamb's problem: 4 km × 2 km half-space, 25 m elements = 160 × 80, NGLL 5,
// dt 0.4 ms, 5,000 steps) on 1 and 2 threads, against SPECFEM2D's stated 2.0 M element-steps/s
// (Fortran, single precision, one core). SPECFEM2D cannot be built here (no Fortran toolchain or
// network), so that figure is the issue's, not measured in this run. The full run also prints the
// misfits against the exact Lamb solution.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { readScenario } from "../core/sem/scenario.ts";
import { prepareSimulation, simulate } from "../core/sem/simulation.ts";
import { LAMB_FIXTURES, lambMisfits, readExactLamb } from "../test/unit/sem/lamb-reference.ts";

const SPECFEM2D_ELEMENT_STEPS_PER_S = 2.0e6;
const SHARED_EXACT = new URL("../../shared/data/sem/lamb_halfspace/", import.meta.url);

export async function run(args: string[]): Promise<void> {
  const stepsIndex = args.indexOf("--steps");
  const steps = stepsIndex >= 0 ? Number(args[stepsIndex + 1]) : 5000;
  const threadCounts = [1, 2];
  console.log(
    `machine: ${availableParallelism()} cores reported; shared machines give noisy wall times (CPU time shown too)`,
  );
  console.log(
    "SPECFEM2D: not built here (no Fortran toolchain); reference rate 2.0 M element-steps/s as stated in issue 4",
  );
  const rates: number[] = [];
  for (const threads of threadCounts) {
    const scenario = readScenario(fileURLToPath(new URL("scenario.json", LAMB_FIXTURES)));
    scenario.time.duration_s = steps * (scenario.time.dt_s as number);
    const prepared = prepareSimulation(scenario, null);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await simulate(prepared, { threads });
    const wall = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const elementSteps = prepared.mesh.nspec * prepared.nsteps;
    const rate = elementSteps / wall;
    rates.push(rate);
    console.log(
      `${threads} thread(s): ${prepared.mesh.nxElem} x ${prepared.mesh.nzElem} elements, NGLL ${prepared.mesh.ngll}, ${prepared.nsteps} steps in ${wall.toFixed(1)} s wall ` +
        `(${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU): ${(rate / 1e6).toFixed(3)} M element-steps/s = ${(rate / SPECFEM2D_ELEMENT_STEPS_PER_S).toFixed(2)} x SPECFEM2D`,
    );
    if (threads === 1 && prepared.nsteps >= 2945) reportMisfits(prepared);
  }
  console.log(`speed-up on 2 threads: ${(rates[1] / rates[0]).toFixed(2)} x`);
}

function reportMisfits(prepared: Parameters<typeof lambMisfits>[0]): void {
  // The full-rate exact solution (0.4 ms) when ../shared/data is present, else the decimated fixture.
  const exact = existsSync(new URL("exact_displacement.csv", SHARED_EXACT))
    ? readExactLamb("exact_displacement.csv", SHARED_EXACT)
    : readExactLamb();
  const misfits = lambMisfits(prepared, exact);
  const worst = Object.entries(misfits).reduce((a, b) => (b[1] > a[1] ? b : a));
  console.log(
    `Lamb misfit within clean windows: worst ${worst[1].toExponential(2)} (${worst[0]}); issue bound 1e-2, SPECFEM2D < 2e-3`,
  );
}
