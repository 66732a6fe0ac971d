// `npm run bench -- sem [--steps N] [--repeat R] [--reference-steps N] [--instructions]`:
// element-steps per second of `quakeslide sem` on the issue's benchmark case (Lamb's problem:
// 4 km × 2 km half-space, 25 m elements = 160 × 80, NGLL 5, dt 0.4 ms, 5,000 steps):
// - after: the default solver (WebAssembly SIMD kernels, single precision) on 1 and 2 threads,
//   alternately, R times: the best of each and the speed-up, best against best and run by run;
// - before: the TypeScript Float64 reference kernels (the solver before issue 16) on 1 thread,
//   over fewer steps (it is slow; the rate does not depend on the step count);
// - double precision on 1 thread;
// - SPECFEM2D on the same case in the same run when SPECFEM2D_BIN points at a built one
//   (bench/_specfem2d.ts), else its 2.0 M element-steps/s stated in the issue;
// - the Lamb misfits of the single- and double-precision runs;
// - what two cores of the machine give at best: the same 1-thread run in two processes at once,
//   against one alone (a shared memory bus or a busy host shows here, not in the threads);
// - with --instructions, instructions per element-step of each kernel, counted by valgrind's
//   callgrind: unlike times, they do not change with what else the machine runs.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { readScenario } from "../core/sem/scenario.ts";
import { type PreparedSimulation, prepareSimulation, simulate } from "../core/sem/simulation.ts";
import type { SolverKernel } from "../core/sem/solver-data.ts";
import { LAMB_FIXTURES, lambMisfits, readExactLamb } from "../test/unit/sem/lamb-reference.ts";
import { runSpecfem2d, specfem2dUnavailable } from "./_specfem2d.ts";

const SPECFEM2D_STATED = 2.0e6;
const SCENARIO = fileURLToPath(new URL("scenario.json", LAMB_FIXTURES));
/** Steps needed for every receiver's clean window (latest end 1.1785 s at 0.4 ms). */
const MISFIT_STEPS = 2947;

interface Run {
  wall: number;
  cpu: number;
  rate: number;
  prepared: PreparedSimulation;
}

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

async function timedRun(kernel: SolverKernel, threads: number, steps: number): Promise<Run> {
  const scenario = readScenario(SCENARIO);
  scenario.time.duration_s = steps * (scenario.time.dt_s as number);
  const prepared = prepareSimulation(scenario, null, SCENARIO, { kernel });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await simulate(prepared, { threads });
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, rate: (prepared.mesh.nspec * steps) / wall, prepared };
}

/** Best (shortest wall time) of `repeat` runs. */
async function bestRun(kernel: SolverKernel, threads: number, steps: number, repeat: number): Promise<Run> {
  let best: Run | undefined;
  for (let k = 0; k < repeat; k++) {
    const run = await timedRun(kernel, threads, steps);
    if (!best || run.wall < best.wall) best = run;
  }
  return best as Run;
}

/**
 * 1 and 2 threads, alternately, `repeat` times: this machine's speed drifts by tens of percent
 * over a minute (other virtual machines on the host), so the ratio of runs made one after the
 * other says more than that of two bests taken a minute apart.
 */
async function pairedRuns(steps: number, repeat: number) {
  const runs: [Run, Run][] = [];
  for (let k = 0; k < repeat; k++)
    runs.push([await timedRun("single", 1, steps), await timedRun("single", 2, steps)]);
  const best = (index: 0 | 1) => runs.map((pair) => pair[index]).reduce((a, b) => (b.wall < a.wall ? b : a));
  return { single: best(0), singleTwo: best(1), pairRatios: runs.map(([one, two]) => one.wall / two.wall) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const millions = (rate: number) => `${(rate / 1e6).toFixed(2)} M`;
/** Element-steps per CPU second (all threads' CPU time). */
const perCpuSecond = (run: Run) => (run.prepared.mesh.nspec * run.prepared.nsteps) / run.cpu;

function describe(label: string, run: Run, steps: number, repeat: number): string {
  const perCpu = perCpuSecond(run);
  return `${label}: ${steps} steps in ${run.wall.toFixed(2)} s wall${repeat > 1 ? ` (best of ${repeat})` : ""}, ${run.cpu.toFixed(2)} s CPU: ${millions(run.rate)} element-steps/s (${millions(perCpu)} per CPU second)`;
}

function worstMisfit(run: Run): string {
  const misfits = lambMisfits(run.prepared, readExactLamb());
  const [trace, worst] = Object.entries(misfits).reduce((a, b) => (b[1] > a[1] ? b : a));
  return `${worst.toExponential(2)} (${trace})`;
}

/** Instructions per element-step of `kernel`: callgrind on two step counts, the difference. */
async function instructionsPerElementStep(bundle: string, kernel: SolverKernel, steps: [number, number]) {
  const count = (n: number) => {
    const result = spawnSync(
      "valgrind",
      [
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        "node",
        "--single-threaded",
        "--no-liftoff",
        bundle,
        kernel,
        String(n),
        SCENARIO,
      ],
      { encoding: "utf8", maxBuffer: 1 << 26 },
    );
    const match = /refs:\s+([\d,]+)/.exec(result.stderr);
    if (result.status !== 0 || !match) throw new Error(`callgrind failed: ${result.stderr.slice(-400)}`);
    return Number(match[1].replaceAll(",", ""));
  };
  const elements = 160 * 80;
  return (count(steps[1]) - count(steps[0])) / ((steps[1] - steps[0]) * elements);
}

/** Wall time of `steps` single-precision steps on one thread in a child process (no start-up). */
function childSteps(steps: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        fileURLToPath(new URL("_sem-steps.ts", import.meta.url)),
        "single",
        String(steps),
        SCENARIO,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const match = /steps wall ([\d.]+) s/.exec(output);
      if (code === 0 && match) resolve(Number(match[1]));
      else reject(new Error(`bench/_sem-steps.ts failed (${code}): ${output.slice(-300)}`));
    });
  });
}

/**
 * The best a second core can give: one run alone, then two at once (best of `repeat` each). Two
 * processes share nothing but the machine (memory bus, caches, the host), so their slowdown
 * bounds what any threading of the solver can reach here.
 */
async function reportTwoProcesses(steps: number, repeat: number): Promise<void> {
  let alone = Number.POSITIVE_INFINITY;
  let together = Number.POSITIVE_INFINITY;
  for (let k = 0; k < repeat; k++) {
    alone = Math.min(alone, await childSteps(steps));
    together = Math.min(together, Math.max(...(await Promise.all([childSteps(steps), childSteps(steps)]))));
  }
  console.log(
    `two 1-thread processes at once: ${steps} steps in ${together.toFixed(2)} s each vs ${alone.toFixed(2)} s alone (best of ${repeat}): two cores give at most ${((2 * alone) / together).toFixed(2)} x here`,
  );
}

async function reportInstructions(): Promise<void> {
  if (spawnSync("valgrind", ["--version"]).status !== 0) {
    console.log("instructions: valgrind is not installed (apt-get install valgrind); skipped");
    return;
  }
  const folder = mkdtempSync(join(tmpdir(), "quakeslide-bench-sem-"));
  try {
    const bundle = join(folder, "sem-steps.mjs");
    await build({
      entryPoints: [fileURLToPath(new URL("_sem-steps.ts", import.meta.url))],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: bundle,
      logLevel: "warning",
    });
    const counts: string[] = [];
    for (const [kernel, steps] of [
      ["reference", [2, 6]],
      ["double", [4, 24]],
      ["single", [4, 34]],
    ] as [SolverKernel, [number, number]][]) {
      counts.push(`${kernel} ${Math.round(await instructionsPerElementStep(bundle, kernel, steps))}`);
    }
    console.log(
      `instructions per element-step (callgrind, 1 thread, optimised code only): ${counts.join(", ")}`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const steps = option(args, "--steps", 5000);
  const repeat = option(args, "--repeat", 3);
  const referenceSteps = Math.min(steps, option(args, "--reference-steps", 500));
  console.log(
    `machine: ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)} before the runs: wall-clock rates share the cores with whatever else runs; CPU seconds and instruction counts are steadier`,
  );
  console.log(
    "case: Lamb's problem, 160 x 80 elements, NGLL 5, dt 0.4 ms (test/fixtures/sem/lamb_halfspace)",
  );

  const before = await bestRun("reference", 1, referenceSteps, 1);
  console.log(
    describe("before  (TypeScript Float64 reference kernels), 1 thread ", before, referenceSteps, 1),
  );
  const { single, singleTwo, pairRatios } = await pairedRuns(steps, repeat);
  console.log(describe("after   (wasm SIMD, single precision),       1 thread ", single, steps, repeat));
  console.log(describe("after   (wasm SIMD, single precision),       2 threads", singleTwo, steps, repeat));
  const double = await bestRun("double", 1, steps, 1);
  console.log(describe("double  (wasm SIMD, double precision),       1 thread ", double, steps, 1));

  console.log(
    `after / before, 1 thread: ${(single.rate / before.rate).toFixed(2)} x by wall time, ${(perCpuSecond(single) / perCpuSecond(before)).toFixed(2)} x by CPU time`,
  );
  // Starting the worker (loading its modules; through tsx when run from source) is part of the
  // 2-thread wall time above; measured alone on a 1-step run, it gives the steady-state speed-up.
  const startup = (await bestRun("single", 2, 1, repeat)).wall;
  const steady = (single.prepared.mesh.nspec * steps) / (singleTwo.wall - startup);
  console.log(
    `speed-up on 2 threads: ${(singleTwo.rate / single.rate).toFixed(2)} x best against best; ${(steady / single.rate).toFixed(2)} x without the ${startup.toFixed(2)} s of starting the worker thread (a 1-step run); run by run (each 2-thread run against the 1-thread run just before it) ${pairRatios.map((ratio) => ratio.toFixed(2)).join(", ")} x, median ${median(pairRatios).toFixed(2)} x`,
  );
  await reportTwoProcesses(steps, repeat);

  const unavailable = specfem2dUnavailable();
  let specfem = SPECFEM2D_STATED;
  if (unavailable) {
    console.log(
      `SPECFEM2D: not run (${unavailable}); its rate is the 2.0 M element-steps/s stated in issue 16 for this kind of machine`,
    );
  } else {
    const measured = runSpecfem2d(steps);
    specfem = measured.elementSteps / measured.wall;
    console.log(
      `SPECFEM2D (${process.env.SPECFEM2D_BIN}), 1 process: ${steps} steps in ${measured.wall.toFixed(2)} s wall: ${millions(specfem)} element-steps/s (measured in this run)`,
    );
  }
  const source = unavailable ? "stated" : "measured";
  console.log(
    `after / SPECFEM2D (${source}): ${(single.rate / specfem).toFixed(2)} x on 1 thread, ${(singleTwo.rate / specfem).toFixed(2)} x on 2 threads`,
  );

  if (steps >= MISFIT_STEPS) {
    console.log(
      `Lamb misfit within the clean windows, worst trace: single ${worstMisfit(single)}, double ${worstMisfit(double)}; SPECFEM2D < 2e-3`,
    );
  } else console.log(`Lamb misfit: needs --steps ${MISFIT_STEPS} or more`);
  if (args.includes("--instructions")) await reportInstructions();
}
