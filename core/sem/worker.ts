// One SEM thread: steps its share of the mesh for every range the main thread sends; see
// threads.ts and stepper.ts.
import { parentPort, workerData } from "node:worker_threads";
import type { SolverData } from "./solver-data.ts";
import { runSteps } from "./stepper.ts";
import { atomicsBarrier, type StepRangeMessage, signalFailure } from "./threads.ts";

const { data, thread, threads, progressEvery } = workerData.data as {
  data: SolverData;
  thread: number;
  threads: number;
  progressEvery: number;
};
const barrier = atomicsBarrier(data.sync, threads);
parentPort?.on("message", (steps: StepRangeMessage) => {
  try {
    runSteps(data, thread, threads, barrier, {
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
});
