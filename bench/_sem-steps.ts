// Helper of bench/sem.ts (not a benchmark: run.ts skips names starting with "_"): prepares the
// Lamb benchmark mesh and runs STEPS time steps on one thread with KERNEL, nothing else, so that
// `valgrind --tool=callgrind` can count the instructions of the steps (the difference of two
// step counts removes start-up), and for bench/sem.ts's two-process check, which reads the wall
// time of the counted steps it prints. Usage: node _sem-steps.mjs KERNEL STEPS SCENARIO.json
import { readScenario } from "../core/sem/scenario.ts";
import { prepareSimulation } from "../core/sem/simulation.ts";
import type { SolverKernel } from "../core/sem/solver-data.ts";
import { singleThread } from "../core/sem/step-sync.ts";
import { runSteps } from "../core/sem/stepper.ts";

const [kernel, stepsArgument, scenarioPath] = process.argv.slice(2);
const steps = Number(stepsArgument);
const scenario = readScenario(scenarioPath);
scenario.time.duration_s = (steps + 2) * (scenario.time.dt_s as number);
const prepared = prepareSimulation(scenario, null, "scenario.json", { kernel: kernel as SolverKernel });
// Two steps first: every kernel compiled (with --no-liftoff, optimised) before the counted ones.
runSteps(prepared.data, singleThread(), { from: 0, to: 2 });
const started = performance.now();
runSteps(prepared.data, singleThread(), { from: 2, to: 2 + steps });
console.log(`steps wall ${((performance.now() - started) / 1000).toFixed(3)} s`);
