// One SEM worker thread (threads 1 … N − 1; the calling thread is thread 0): steps its share of
// the mesh for every slice of steps the main thread sends; see threads.ts and stepper.ts.
import { parentPort, workerData } from "node:worker_threads";
import { stepKernels } from "./step-kernels.ts";
import { signalFailure, stepSync } from "./step-sync.ts";
import { runSteps } from "./stepper.ts";
import type { StepRangeMessage, WorkerSetup } from "./threads.ts";

const { data, sync, thread, threads } = workerData.data as WorkerSetup;
const counters = stepSync(sync, thread, threads);
// Compile and instantiate the kernels now, before the main thread starts stepping.
stepKernels(data, thread);
parentPort?.on("message", (steps: StepRangeMessage) => {
  try {
    runSteps(data, counters, steps);
  } catch (error) {
    signalFailure(sync);
    throw error;
  }
});
parentPort?.postMessage("ready");
