// Worker thread entry: predicts a range of rows of a shared row-major matrix (see parallel-predict.ts).
import { parentPort, workerData } from "node:worker_threads";
import { type PackedForest, predictPacked } from "./packed.ts";

interface PredictJob {
  packed: PackedForest;
  rows: SharedArrayBuffer;
  out: SharedArrayBuffer;
  start: number;
  end: number;
}

const job = workerData.data as PredictJob;
const p = job.packed.featureCount;
const rows = new Float64Array(job.rows, job.start * p * 8, (job.end - job.start) * p);
const out = new Float64Array(job.out, job.start * 8, job.end - job.start);
predictPacked(job.packed, rows, job.end - job.start, out);
parentPort?.postMessage("done");
