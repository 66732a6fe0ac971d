// Worker thread: predicts targets [start, end) of a PredictionJob into the shared output arrays.
import { parentPort, workerData } from "node:worker_threads";
import { type PredictionJob, predictRange } from "./predict.ts";

const { job, start, end, prediction, variance } = workerData.data as {
  job: PredictionJob;
  start: number;
  end: number;
  prediction: Float32Array;
  variance: Float32Array;
};

try {
  predictRange(job, start, end, prediction, variance);
} catch (error) {
  // The parent rejects on this message; the thread then ends normally.
  parentPort?.postMessage({ error: { name: (error as Error).name, message: (error as Error).message } });
}
