// One SEM thread: steps its share of the mesh; see threads.ts and stepper.ts.
import { parentPort, workerData } from "node:worker_threads";
import type { SolverData } from "./solver-data.ts";
import { runSteps } from "./stepper.ts";
import { atomicsBarrier, signalFailure } from "./threads.ts";

const { data, thread, threads, progressEvery, steps } = workerData.data as {
  data: SolverData;
  thread: number;
  threads: number;
  progressEvery: number;
  steps: { from: number; to: number };
};
try {
  runSteps(data, thread, threads, atomicsBarrier(data.sync, threads), {
    ...steps,
    onStep: (step) => {
      if (step % progressEvery === 0 || step === data.nsteps - 1) parentPort?.postMessage({ step });
    },
  });
  parentPort?.postMessage({ done: true });
} catch (error) {
  signalFailure(data.sync);
  throw error;
}
